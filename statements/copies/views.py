"""The copies as the site serves them: the git mirror for ``git clone`` over plain HTTP
(git's "dumb" protocol: the refs and objects as static files), the latest copies, and the
pages that list them."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from statements.catalog.pages import crumbs
from statements.copies.publish import KINDS, manifest

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


def _listed() -> dict[str, dict]:
    """The published copies (publish.manifest), each with its date read back."""
    listed = manifest()
    for entry in listed.values():
        entry["made"] = datetime.datetime.fromisoformat(entry["made_at"])
    return listed


@require_safe
def copies(request: HttpRequest) -> HttpResponse:
    """/about/copies/: the latest copy of each kind, with its date, size and fixity, and how
    to use it. Read from the list the copies keep (no query)."""
    listed = _listed()
    rows = [(kind, listed.get(kind)) for kind in KINDS]
    clone = request.build_absolute_uri(reverse("mirror_file", args=["HEAD"]))[: -len("HEAD")]
    return render(
        request,
        "statements/copies.html",
        {"rows": rows, "clone_url": clone, "crumbs": crumbs((_("Copies of the archive"), None))},
    )


@require_safe
def research_data(request: HttpRequest) -> HttpResponse:
    """/data/: the research data, its tables, and the latest package."""
    return render(
        request,
        "statements/data.html",
        {"latest": _listed().get("data"), "crumbs": crumbs((_("Research data"), None))},
    )


@require_safe
def copy_file(request: HttpRequest, name: str) -> FileResponse:
    """A published copy, by the name the list gives it (nothing else of the folder)."""
    listed = {entry["file"] for entry in manifest().values() if entry["kind"] != "git"}
    if name not in listed:
        raise Http404("No such copy.")
    try:
        stream = (settings.ARCHIVE_COPIES_ROOT / name).open("rb")
    except OSError:
        raise Http404("No such copy.") from None
    response = FileResponse(stream, as_attachment=True, filename=name)
    response["Cache-Control"] = "no-cache"  # the next copy replaces it under the same name
    return response
