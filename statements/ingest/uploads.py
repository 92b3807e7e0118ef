"""Files uploaded to the admin's import page, kept on disk between the preview and the
import (in the server's temporary folder, under a random token tied to the session)."""

from __future__ import annotations

import errno
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from statements.ingest.files import MAX_FILE_BYTES, file_members

MAX_UPLOAD_BYTES = MAX_FILE_BYTES  # the importer's own limit for one file
ALLOWED_SUFFIXES = (".muse", ".txt", ".md", ".html", ".htm", ".jsonl", ".zip")
_SESSION_KEY = "statement_import_tokens"


def _folder(token: str) -> Path:
    return Path(tempfile.gettempdir()) / f"archive-import-{token}"


STALE_SECONDS = 24 * 3600


def _discard_stale() -> None:
    """Uploads previewed but never imported are removed after a day."""
    limit = time.time() - STALE_SECONDS
    for folder in Path(tempfile.gettempdir()).glob("archive-import-*"):
        try:
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def upload_receive(request) -> tuple[str, list[tuple[str, str]]]:
    """Keep the uploaded files for the preview and the import: (token, refusals). What
    each file holds is read by a dry run of the import (``upload_files`` gives them)."""
    _discard_stale()
    token = secrets.token_hex(16)
    folder = _folder(token)
    folder.mkdir(mode=0o700)
    errors = []
    uploads = request.FILES.getlist("files")
    if not uploads:
        errors.append(("", "Choose at least one file."))
    for number, upload in enumerate(uploads):
        name = Path(upload.name).name
        if not name.lower().endswith(ALLOWED_SUFFIXES):
            errors.append((name, f"not a {', '.join(ALLOWED_SUFFIXES[:-1])} or .zip file"))
            continue
        if upload.size > MAX_UPLOAD_BYTES:
            errors.append((name, f"larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"))
            continue
        try:
            _keep(folder / f"{number:04d}", upload.read(), name)
        except OSError as error:
            # A full disk (or any write refused): nothing of this upload is kept, half or
            # whole, and the editor is told why.
            shutil.rmtree(folder, ignore_errors=True)
            reason = "no room" if error.errno == errno.ENOSPC else "it could not be written"
            return token, [("", f"The server could not keep the upload ({reason}): nothing "
                            "was kept. Try again later, or with fewer files.")]  # fmt: skip
    if not any(folder.iterdir()):
        folder.rmdir()  # every file refused: nothing is kept
    request.session[_SESSION_KEY] = [*request.session.get(_SESSION_KEY, [])[-9:], token]
    return token, errors


def _keep(path: Path, content: bytes, name: str) -> None:
    """The file, then its name, each written under a temporary name and renamed: a reader
    finds a whole file or none."""
    for target, data in ((path, content), (path.with_name(path.name + ".name"), name.encode())):
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(data)
        partial.rename(target)


def upload_files(request, token: str):
    """The (name, bytes or ImportFailure) of an upload this session made, or None."""
    if token not in request.session.get(_SESSION_KEY, []) or not token.isalnum():
        return None
    folder = _folder(token)
    if not folder.is_dir():
        return None
    files = []
    for path in sorted(folder.glob("[0-9][0-9][0-9][0-9]")):
        name = (folder / f"{path.name}.name").read_text(encoding="utf-8")
        files += list(file_members(name, path.read_bytes()))
    return files


def upload_discard(request, token: str) -> None:
    shutil.rmtree(_folder(token), ignore_errors=True)
    request.session[_SESSION_KEY] = [t for t in request.session.get(_SESSION_KEY, []) if t != token]
