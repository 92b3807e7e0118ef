"""The copies as the site serves them: the git mirror for ``git clone`` over plain HTTP
(git's "dumb" protocol: the refs and objects as static files), the latest copies, and the
pages that list them."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

# What a dumb-protocol client reads: the refs, the pack list, packs and loose objects.
MIRROR_FILES = re.compile(
    r"HEAD|info/refs|objects/info/packs|objects/[0-9a-f]{2}/[0-9a-f]{38}"
    r"|objects/pack/pack-[0-9a-f]{40,64}\.(?:pack|idx)"
)


@require_safe
def mirror_file(request: HttpRequest, path: str) -> FileResponse:
    """A file of the git mirror, read-only; nothing else of its folder (not its state)."""
    if not MIRROR_FILES.fullmatch(path):
        raise Http404("Not a file of the git mirror.")
    file = settings.ARCHIVE_COPIES_ROOT / "mirror.git" / path
    try:
        stream = file.open("rb")
    except OSError:
        raise Http404("Not in the git mirror (it may not have been made yet).") from None
    text = path in ("HEAD", "info/refs", "objects/info/packs")
    response = FileResponse(
        stream, content_type="text/plain; charset=utf-8" if text else "application/octet-stream"
    )
    # Refs change with each run; objects never do (their name is their content's hash).
    response["Cache-Control"] = "no-cache" if text else "public, max-age=31536000, immutable"
    return response
