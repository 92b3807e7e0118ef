"""Reading statements from files, and writing them back.

One module per format: ``muse`` (Amusewiki sources), ``text`` (The Anarchist Library's text
and Markdown exports, and other plain-text exports), ``html`` (saved web pages and HTML
fragments), ``jsonl`` (our own lossless format).
Each turns bytes into ``ParsedFile`` objects and never touches the database; the services
write them (``statements.ingest.services.statement_import``).
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from statements.ingest.formats.common import ImportFailure, NotImported, ParsedFile

MAX_FILE_BYTES = 20 * 1024 * 1024
FORMATS = ("muse", "text", "html", "jsonl")


# A file cut off in the middle of a character is still UTF-8: at most a character's bytes
# (three of a four-byte sequence) may be broken at its end.
_BROKEN_TAIL_BYTES = 3
# Nor is a UTF-8 file with a stray byte or two: many good characters for each bad one.
_UTF8_LETTERS_PER_BROKEN = 10


def text_decode(raw: bytes, *, name: str = "") -> tuple[str, list[str]]:
    """Bytes to text, and what the reading had to note. UTF-8 first (a BOM is dropped); a
    file that is UTF-8 but for a broken last character has it replaced (noted), never read
    as another encoding; anything else is read in the encoding charset-normalizer finds
    (named in the notes), Windows-1252 rather than Latin-1 where bytes 0x80-0x9F are
    quotes and dashes. Line ends made "\\n". Binary data (NUL bytes, or mostly control
    characters) is refused."""
    if len(raw) > MAX_FILE_BYTES:
        raise ImportFailure(
            _("larger than the %(limit)s MB limit (%(size)s bytes)")
            % {"limit": MAX_FILE_BYTES // (1024 * 1024), "size": f"{len(raw):,}"}
        )
    if b"\x00" in raw[:8192]:
        raise ImportFailure(_("binary data, not text"))
    if (nul := raw.find(b"\x00")) >= 0:  # PostgreSQL's text cannot hold one
        raise ImportFailure(
            _("binary data, not text (a NUL byte at byte %(offset)s)") % {"offset": f"{nul:,}"}
        )
    if not raw.strip():
        raise ImportFailure(_("empty file"))
    notes = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        replaced = raw.decode("utf-8-sig", errors="replace")
        broken = replaced.count("\ufffd") - raw.count("\ufffd".encode())
        letters = sum(1 for ch in replaced if ord(ch) > 127) - broken
        line = raw.count(b"\n", 0, error.start) + 1
        if error.start >= len(raw) - _BROKEN_TAIL_BYTES:
            text = replaced
            notes.append(
                _(
                    "line %(line)s: the file ends in the middle of a character (cut off?): "
                    "%(count)s broken byte(s) replaced with %(mark)s"
                )
                % {"line": line, "count": len(raw) - error.start, "mark": "\ufffd"}
            )
        elif letters >= _UTF8_LETTERS_PER_BROKEN * broken:
            text = replaced  # UTF-8 with a few bad bytes: a legacy reading garbles the rest
            notes.append(
                ngettext(
                    "line %(line)s: %(count)s sequence of bytes not UTF-8 (the first on this "
                    "line) replaced with %(mark)s",
                    "line %(line)s: %(count)s sequences of bytes not UTF-8 (the first on this "
                    "line) replaced with %(mark)s",
                    broken,
                )
                % {"line": line, "count": broken, "mark": "\ufffd"}
            )
        else:
            encoding = _legacy_encoding(raw)
            text = raw.decode(encoding, errors="replace")
            notes.append(_("not UTF-8: read as %(encoding)s (detected)") % {"encoding": encoding})
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > len(text[:8192]) // 20:
        raise ImportFailure(_("binary data, not text"))
    return text.replace("\r\n", "\n").replace("\r", "\n"), notes


def _legacy_encoding(raw: bytes) -> str:
    """The encoding of a file that is not UTF-8, as charset-normalizer finds it. Of the
    readings it finds as clean as its best, Windows-1252 is taken first: on a short text it
    cannot tell Western encodings apart ("«Ça va»" reads as well in ISO-8859-3), and
    Windows-1252 is both the most common and Latin-1 with curly quotes and dashes where
    Latin-1 has control characters no text means. Windows-1252 too when it finds nothing."""
    import codecs

    from charset_normalizer import from_bytes

    # UTF-16 and UTF-32 only with their byte-order mark: without one, what the detector
    # calls UTF-16 is a binary file's bytes.
    bom = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    matches = [
        match
        for match in from_bytes(raw[:200_000])
        if bom or not match.encoding.startswith(("utf_16", "utf_32"))
    ]
    if not matches:
        return "windows-1252"
    cleanest = min(match.percent_chaos for match in matches)
    clean = [codecs.lookup(m.encoding).name for m in matches if m.percent_chaos <= cleanest]
    encoding = "cp1252" if "cp1252" in clean else clean[0]
    sample = raw[:200_000]
    with contextlib.suppress(UnicodeDecodeError):  # the same letters: name the common one
        if sample.decode("cp1252") == sample.decode(encoding):
            encoding = "cp1252"
    return {"cp1252": "windows-1252"}.get(encoding, encoding)


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
    """Parse one file's bytes; raise ImportFailure with the reason. A file whose name has
    no importable extension (``.php``, ``.shtml``, none) is read by what it holds: HTML,
    Muse or JSON Lines are imported, anything else is NotImported, with why."""
    from statements.ingest.formats import html, jsonl, muse, text

    known = format is not None or name.lower().endswith(IMPORTABLE_SUFFIXES)
    try:
        content, notes = text_decode(raw, name=name)
    except ImportFailure as error:
        if known:
            raise
        raise NotImported(f"{error}: {_suffix(name)}") from None
    if not known and _CONTROL.search(raw[:4096].decode("latin-1")):  # a picture's header
        raise NotImported(_("binary data, not text: %(file)s") % {"file": _suffix(name)})
    chosen = format or detect_format(content, name=name)
    if not known and chosen == "text":
        raise NotImported(
            _(
                "plain text, not HTML, Muse or JSON Lines: %(file)s (rename it .txt to import "
                "it as a text)"
            )
            % {"file": _suffix(name)}
        )
    parser = {
        "muse": muse.muse_parse,
        "text": text.text_parse,
        "html": html.html_parse,
        "jsonl": jsonl.jsonl_parse,
    }
    if chosen not in parser:
        raise ImportFailure(
            _("unknown format %(format)s (one of %(formats)s)")
            % {"format": repr(chosen), "formats": ", ".join(FORMATS)}
        )
    parsed = parser[chosen](content, name=name)
    if not known:
        shown = chosen.upper() if chosen == "html" else chosen
        notes.insert(0, _("read as %(format)s by its content") % {"format": shown})
    for item in parsed:
        item.notes[:0] = notes
    return parsed


_CONTROL = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def _suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix:
        return _("a %(suffix)s file") % {"suffix": suffix}
    return _("a file without an extension")


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
        yield name, ImportFailure(_("not a readable zip archive (%(error)s)") % {"error": error})
        return
    if len(infos) > MAX_ZIP_MEMBERS:
        yield (
            name,
            ImportFailure(
                _("more than %(count)s files in the archive") % {"count": f"{MAX_ZIP_MEMBERS:,}"}
            ),
        )
        return
    if sum(info.file_size for info in infos) > MAX_ZIP_TOTAL_BYTES:
        yield name, ImportFailure(_("the archive inflates to more than 500 MB: refused"))
        return
    for info in infos:
        member = f"{name}/{info.filename}"
        if info.is_dir():
            continue
        parts = info.filename.replace("\\", "/").split("/")
        if info.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            yield member, ImportFailure(_("unsafe name in the archive (absolute or with ..)"))
            continue
        if info.file_size > MAX_FILE_BYTES:
            yield member, ImportFailure(_("larger than the 20 MB limit once unpacked"))
            continue
        if info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO:
            yield member, ImportFailure(_("compressed more than 100 to 1: refused as a zip bomb"))
            continue
        try:
            with archive.open(info) as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
            yield member, ImportFailure(_("could not be unpacked (%(error)s)") % {"error": error})
            continue
        yield member, data


def file_members(name: str, raw: bytes):
    """A zip archive (told by its content, not its name) gives its importable members as
    (name, bytes or ImportFailure); any other file gives itself."""
    if raw[:4] == b"PK\x03\x04":
        yield from zip_members(raw, name=name)
    elif name.lower().endswith(".zip"):
        yield name, ImportFailure(_("named .zip but not a zip archive"))
    else:
        yield name, raw


def _folder_files(folder: Path) -> list[Path]:
    """Every file in ``folder`` and below (what each holds decides whether it is read),
    never through a link that leads out of it (a linked folder is not entered; a linked file
    is checked by the caller)."""
    found = []
    for parent, _folders, names in os.walk(folder, followlinks=False):
        for name in names:
            file = Path(parent) / name
            if file.is_file():
                found.append(file)
    return sorted(found)


def import_files(paths):
    """Files, folders (recursively, every file, no link followed out of the folder) and
    .zip archives as (name, bytes or ImportFailure), in a stable order."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            root = path.resolve()
            found = _folder_files(path)
        elif path.exists():
            root, found = None, [path]
        else:
            yield str(path), ImportFailure(_("no such file or folder"))
            continue
        for file in found:
            if root is not None and not file.resolve().is_relative_to(root):
                yield str(file), ImportFailure(_("a link to a file outside the folder: not read"))
                continue
            size, is_zip = file.stat().st_size, file.suffix.lower() == ".zip"
            if is_zip and size > MAX_ZIP_TOTAL_BYTES:
                yield str(file), ImportFailure(_("archive larger than 500 MB"))
            elif not is_zip and size > MAX_FILE_BYTES:
                known = file.name.lower().endswith(IMPORTABLE_SUFFIXES)
                refusal = ImportFailure if known else NotImported
                yield (
                    str(file),
                    refusal(
                        _("larger than the 20 MB limit: %(file)s") % {"file": _suffix(file.name)}
                    ),
                )
            else:
                yield from file_members(str(file), file.read_bytes())
