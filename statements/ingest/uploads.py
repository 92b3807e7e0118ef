"""Files uploaded to the admin's import page, kept between the preview and the import in the
site's storage (Django's storage API: the media folder, or S3-compatible storage shared by
every web host and worker), under ``uploads/<token>/``, a random token tied to the session
that uploaded them. So the import may be confirmed on another web host than the preview's,
and run on a worker: no sticky sessions."""

from __future__ import annotations

import contextlib
import datetime
import errno
import json
import os
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from statements.ingest.files import MAX_FILE_BYTES, file_members

MAX_UPLOAD_BYTES = MAX_FILE_BYTES  # the importer's own limit for one file
_SESSION_KEY = "statement_import_tokens"
PREFIX = "uploads"
MANIFEST = "manifest.json"  # written last: an upload without it is not (or not yet) whole
STALE_AFTER = datetime.timedelta(days=1)


def _name(token: str, part: str) -> str:
    return f"{PREFIX}/{token}/{part}"


def _discard_stale() -> None:
    """Uploads previewed but never imported are removed after a day."""
    limit = timezone.now() - STALE_AFTER
    try:
        folders, _ = default_storage.listdir(PREFIX)
    except (FileNotFoundError, NotADirectoryError):
        return
    for token in folders:
        _, files = default_storage.listdir(f"{PREFIX}/{token}")
        times = [default_storage.get_modified_time(_name(token, f)) for f in files]
        if not times or max(times) < limit:
            upload_delete(token)


def upload_receive(request) -> tuple[str, list[tuple[str, str]]]:
    """Keep the uploaded files for the preview and the import: (token, refusals). What
    each file holds is read by a dry run of the import (``upload_files`` gives them)."""
    _discard_stale()
    token = secrets.token_hex(16)
    errors = []
    uploads = request.FILES.getlist("files")
    if not uploads:
        errors.append(("", "Choose at least one file."))
    kept: list[tuple[str, str]] = []
    for number, upload in enumerate(uploads):
        # Any name: what a file holds decides whether it is read (ingest.files.parse_bytes).
        name = upload.name.replace("\\", "/").rsplit("/", 1)[-1]
        if upload.size > MAX_UPLOAD_BYTES:
            errors.append((name, f"larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"))
            continue
        part = f"{number:04d}"
        try:
            default_storage.save(_name(token, part), ContentFile(upload.read()))
        except OSError as error:
            # A full disk (or any write refused): nothing of this upload is kept, half or
            # whole, and the editor is told why.
            upload_delete(token)
            reason = "no room" if error.errno == errno.ENOSPC else "it could not be written"
            return token, [("", f"The server could not keep the upload ({reason}): nothing "
                            "was kept. Try again later, or with fewer files.")]  # fmt: skip
        kept.append((part, name))
    if kept:
        try:
            manifest = json.dumps(kept).encode()
            default_storage.save(_name(token, MANIFEST), ContentFile(manifest))
        except OSError:
            upload_delete(token)
            return token, [("", "The server could not keep the upload (no room): nothing "
                            "was kept. Try again later, or with fewer files.")]  # fmt: skip
    request.session[_SESSION_KEY] = [*request.session.get(_SESSION_KEY, [])[-9:], token]
    return token, errors


def upload_owned(request, token: str) -> bool:
    """Whether this session made the upload ``token``."""
    return token.isalnum() and token in request.session.get(_SESSION_KEY, [])


def upload_kept(token: str) -> bool:
    return token.isalnum() and default_storage.exists(_name(token, MANIFEST))


def upload_files_of(token: str):
    """The (name, bytes or ImportFailure) of a whole upload, or None (gone, or never whole)."""
    if not upload_kept(token):
        return None
    with default_storage.open(_name(token, MANIFEST), "rb") as handle:
        kept = json.loads(handle.read())
    files = []
    for part, name in kept:
        with default_storage.open(_name(token, part), "rb") as handle:
            files += list(file_members(name, handle.read()))
    return files


def upload_files(request, token: str):
    """The (name, bytes or ImportFailure) of an upload this session made, or None."""
    return upload_files_of(token) if upload_owned(request, token) else None


def upload_delete(token: str) -> None:
    """Remove what is kept of an upload, whole or partial."""
    if not token.isalnum():
        return
    try:
        _, files = default_storage.listdir(f"{PREFIX}/{token}")
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files, key=lambda f: f != MANIFEST):  # the manifest first
        default_storage.delete(_name(token, name))
    # A folder on disk is not left behind, empty (object storage has no folders: no path).
    with contextlib.suppress(OSError, NotImplementedError):
        os.rmdir(default_storage.path(f"{PREFIX}/{token}"))


def upload_discard(request, token: str) -> None:
    upload_delete(token)
    request.session[_SESSION_KEY] = [t for t in request.session.get(_SESSION_KEY, []) if t != token]
