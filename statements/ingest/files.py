"""Reading statements from files, and writing them back.

One module per format: ``muse`` (Amusewiki sources), ``text`` (The Anarchist Library's text
and Markdown exports, and other plain-text exports), ``html`` (saved web pages and HTML
fragments), ``jsonl`` (our own lossless format).
Each turns bytes into ``ParsedFile`` objects and never touches the database; the services
write them (``statements.ingest.services.statement_import``).
"""

from __future__ import annotations

import os
from pathlib import Path

from statements.ingest.formats.common import ImportFailure, ParsedFile

MAX_FILE_BYTES = 20 * 1024 * 1024
FORMATS = ("muse", "text", "html", "jsonl")


def decode_text(raw: bytes, *, name: str = "") -> str:
    """Bytes to text: UTF-8 (a BOM is dropped), else Latin-1 with a note; line ends made
    "\\n". Binary data (NUL bytes, or mostly control characters) is refused."""
    if len(raw) > MAX_FILE_BYTES:
        raise ImportFailure(
            f"larger than the {MAX_FILE_BYTES // (1024 * 1024)} MB limit ({len(raw):,} bytes)"
        )
    if b"\x00" in raw[:8192]:
        raise ImportFailure("binary data, not text")
    if (nul := raw.find(b"\x00")) >= 0:  # PostgreSQL's text cannot hold one
        raise ImportFailure(f"binary data, not text (a NUL byte at byte {nul:,})")
    if not raw.strip():
        raise ImportFailure("empty file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > len(text[:8192]) // 20:
        raise ImportFailure("binary data, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def detect_format(text: str, *, name: str = "") -> str:
    """The format of a file, from its content first and its name second."""
    from statements.ingest.formats.html import looks_like_html
    from statements.ingest.formats.muse import looks_like_muse

    stripped = text.lstrip()
    if stripped.startswith("{"):
        return "jsonl"
    if looks_like_muse(text):
        return "muse"
    if looks_like_html(text):  # whatever the name says: never imported as plain text
        return "html"
    lowered = name.lower()
    if lowered.endswith(".jsonl"):
        return "jsonl"
    if lowered.endswith(".muse"):
        return "muse"
    return "text"


def parse_bytes(raw: bytes, *, name: str, format: str | None = None) -> list[ParsedFile]:
    """Parse one file's bytes; raise ImportFailure with the reason."""
    from statements.ingest.formats import html, jsonl, muse, text

    content = decode_text(raw, name=name)
    chosen = format or detect_format(content, name=name)
    parser = {
        "muse": muse.muse_parse,
        "text": text.text_parse,
        "html": html.html_parse,
        "jsonl": jsonl.jsonl_parse,
    }
    if chosen not in parser:
        raise ImportFailure(f"unknown format {chosen!r} (one of {', '.join(FORMATS)})")
    return parser[chosen](content, name=name)


MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_TOTAL_BYTES = 500 * 1024 * 1024
MAX_ZIP_RATIO = 100  # a member that inflates more than this is a bomb, not a text
IMPORTABLE_SUFFIXES = (".muse", ".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".json")


def zip_members(raw: bytes, *, name: str):
    """The importable members of a zip archive as (name, bytes or ImportFailure), refusing
    unsafe names (absolute, or with ".."), bombs and oversized members one by one."""
    import io
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        yield name, ImportFailure(f"not a readable zip archive ({error})")
        return
    if len(infos) > MAX_ZIP_MEMBERS:
        yield name, ImportFailure(f"more than {MAX_ZIP_MEMBERS:,} files in the archive")
        return
    if sum(info.file_size for info in infos) > MAX_ZIP_TOTAL_BYTES:
        yield name, ImportFailure("the archive inflates to more than 500 MB: refused")
        return
    for info in infos:
        member = f"{name}/{info.filename}"
        if info.is_dir():
            continue
        parts = info.filename.replace("\\", "/").split("/")
        if info.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            yield member, ImportFailure("unsafe name in the archive (absolute or with ..)")
            continue
        if not info.filename.lower().endswith(IMPORTABLE_SUFFIXES):
            continue
        if info.file_size > MAX_FILE_BYTES:
            yield member, ImportFailure("larger than the 20 MB limit once unpacked")
            continue
        if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO:
            yield member, ImportFailure("compressed more than 100 to 1: refused as a zip bomb")
            continue
        try:
            with archive.open(info) as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
            yield member, ImportFailure(f"could not be unpacked ({error})")
            continue
        yield member, data


def file_members(name: str, raw: bytes):
    """A zip archive (told by its content, not its name) gives its importable members as
    (name, bytes or ImportFailure); any other file gives itself."""
    if raw[:4] == b"PK\x03\x04":
        yield from zip_members(raw, name=name)
    elif name.lower().endswith(".zip"):
        yield name, ImportFailure("named .zip but not a zip archive")
    else:
        yield name, raw


def _folder_files(folder: Path) -> list[Path]:
    """The importable files in ``folder`` and below, never through a link that leads out of
    it (a linked folder is not entered; a linked file is checked by the caller)."""
    found = []
    for parent, _folders, names in os.walk(folder, followlinks=False):
        for name in names:
            file = Path(parent) / name
            if file.suffix.lower() in (*IMPORTABLE_SUFFIXES, ".zip") and file.is_file():
                found.append(file)
    return sorted(found)


def import_files(paths):
    """Files, folders (recursively, importable suffixes only, no link followed out of the
    folder) and .zip archives as (name, bytes or ImportFailure), in a stable order."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            root = path.resolve()
            found = _folder_files(path)
        elif path.exists():
            root, found = None, [path]
        else:
            yield str(path), ImportFailure("no such file or folder")
            continue
        for file in found:
            if root is not None and not file.resolve().is_relative_to(root):
                yield str(file), ImportFailure("a link to a file outside the folder: not read")
                continue
            size, is_zip = file.stat().st_size, file.suffix.lower() == ".zip"
            if is_zip and size > MAX_ZIP_TOTAL_BYTES:
                yield str(file), ImportFailure("archive larger than 500 MB")
            elif not is_zip and size > MAX_FILE_BYTES:
                yield str(file), ImportFailure("larger than the 20 MB limit")
            else:
                yield from file_members(str(file), file.read_bytes())
