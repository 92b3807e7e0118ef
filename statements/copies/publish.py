"""The published copies: each export made into ARCHIVE_COPIES_ROOT under a fixed name (the
latest replaces the one before), packed where it is a folder (a zip, or a tar for the
BagIt bag, as bags travel), and listed in ``copies.json`` with its date, size and SHA-256
for /about/copies/ and /data/. The git mirror is kept as the repository itself, served at
/mirror.git/; its fixity is git's own (every object named by its hash), so the list gives
its head commit.

``manage.py publish_copies`` and the queue's periodic task (copies.tasks) both call
``copy_publish``; one copy of a kind is made at a time (a lock file), the others wait.
"""

from __future__ import annotations

import datetime
import fcntl
import json
import os
import shutil
import tarfile
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

from statements.copies.bags import bag_export
from statements.copies.data import data_export, file_sha256
from statements.copies.gitmirror import git_mirror
from statements.copies.site import site_export
from statements.copies.zim import zim_export

MANIFEST = "copies.json"
KINDS = ("git", "zim", "site", "bag", "data")


@dataclass
class Published:
    kind: str
    file: str
    made_at: str
    bytes: int
    sha256: str
    summary: str
    head: str = ""


def _root() -> Path:
    root = Path(settings.ARCHIVE_COPIES_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


def file_names() -> dict[str, str]:
    """Each copy's file (or folder) name under ARCHIVE_COPIES_ROOT."""
    stem = slugify(settings.ARCHIVE_NAME) or "statement-archive"
    return {"git": "mirror.git", "zim": f"{stem}.zim", "site": f"{stem}-site.zip",
            "bag": f"{stem}-bag.tar", "data": f"{stem}-data.zip"}  # fmt: skip


def _zip(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, Path(folder.name) / path.relative_to(folder))


def _tar(folder: Path, target: Path) -> None:
    with tarfile.open(target, "w") as archive:
        archive.add(folder, arcname=folder.name)


def manifest() -> dict[str, dict]:
    """The latest published copy of each kind, as listed in copies.json ({} before any)."""
    try:
        text = (Path(settings.ARCHIVE_COPIES_ROOT) / MANIFEST).read_text(encoding="utf-8")
        return json.loads(text)
    except (OSError, ValueError):
        return {}


def _record(entry: Published) -> None:
    root = _root()
    with _locked(root / ".manifest.lock"):
        listed = manifest()
        listed[entry.kind] = asdict(entry)
        partial = root / f".{MANIFEST}.partial"
        partial.write_text(json.dumps(listed, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(partial, root / MANIFEST)


@contextmanager
def _locked(path: Path):
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def copy_publish(*, kind: str, progress: Callable[[], None] = lambda: None) -> Published:
    """Make the copy of ``kind`` (one of KINDS) anew and list it."""
    if kind not in KINDS:
        raise ValueError(f"Unknown copy {kind!r}: one of {', '.join(KINDS)}")
    root = _root()
    name = file_names()[kind]
    target = root / name
    with _locked(root / f".{kind}.lock"):
        now = datetime.datetime.now(datetime.UTC)
        if kind == "git":
            report = git_mirror(target, progress=progress)
            size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
            entry = Published(kind, name, now.isoformat(), size, "", report.summary(),
                              head=report.head)  # fmt: skip
        elif kind == "zim":
            summary = zim_export(target, progress=progress).summary()
            entry = Published(kind, name, now.isoformat(), target.stat().st_size,
                              file_sha256(target), summary)  # fmt: skip
        else:
            work = root / f".{kind}-work"
            shutil.rmtree(work, ignore_errors=True)
            folder = work / target.name.removesuffix(".zip").removesuffix(".tar")
            try:
                export = {"site": site_export, "bag": bag_export, "data": data_export}[kind]
                summary = export(folder, progress=progress).summary()
                partial = work / f"{name}.partial"
                (_tar if kind == "bag" else _zip)(folder, partial)
                os.replace(partial, target)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            entry = Published(kind, name, now.isoformat(), target.stat().st_size,
                              file_sha256(target), summary)  # fmt: skip
    _record(entry)
    return entry
