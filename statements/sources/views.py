"""Captured copies for readers: ``/sources/<id>/capture/`` replays the latest capture of a
published statement's source (statements.sources.replay says how it is kept harmless), and
its images and style sheets are served from the capture beside it."""

from __future__ import annotations

from csp.decorators import csp_exempt
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from statements.catalog.pages import Gone, gone_answered
from statements.models import Source, SourceCapture, SourceLink, Statement
from statements.sources import replay
from statements.sources.captures import is_html

# A replayed page is cached once made (a capture never changes), when it is this small.
CACHED_PAGE_CHARS = 2_000_000


def _capture_for_reader(source_id: int, capture_id: int | None) -> tuple[Source, SourceCapture]:
    """The source (of a published statement) and its capture, or 404: a draft's source and
    its copies are nobody's business but the editors'."""
    source = (
        Source.objects.select_related("statement")
        .filter(pk=source_id, statement__in=Statement.objects.published())
        .exclude(url="")
        .first()
    )
    if source is None:
        taken_down = Source.objects.filter(
            pk=source_id, statement__status=Statement.Status.WITHDRAWN
        ).exists()
        if taken_down:
            raise Gone("The statement this source belongs to has been taken down.")
        raise Http404(_("No published source with this number."))
    link = SourceLink.objects.filter(url=source.url).select_related("capture").first()
    if link is None:
        raise Http404(_("This source has not been captured."))
    if capture_id is None:
        capture = link.capture
    else:
        capture = SourceCapture.objects.filter(pk=capture_id, link=link).first()
    if capture is None:
        raise Http404(_("This source has not been captured."))
    if capture.hidden_at is not None or capture.suppressed_at is not None:
        state = "removed" if capture.suppressed_at else "hidden"
        when = capture.suppressed_at or capture.hidden_at
        raise Gone(
            f"This copy of the source has been {state}.",
            f"It was {state} on {when:%-d %B %Y} to protect the people it names.",
        )
    return source, capture


def _with_headers(
    request: HttpRequest,
    response: HttpResponse,
    source_id: int,
    capture_id: int,
    *,
    page: bool = False,
) -> HttpResponse:
    at = reverse("statements:source_capture_at", args=[source_id, capture_id])
    files = request.build_absolute_uri(f"{at}files/")
    response["Content-Security-Policy"] = replay.policy(files, page=page)
    for name, value in replay.HEADERS.items():
        response[name] = value
    return response


@csp_exempt()  # its own, stricter policy (replay.policy)
@require_safe
@gone_answered
def source_capture(
    request: HttpRequest, source_id: int, capture_id: int | None = None
) -> HttpResponse:
    source, capture = _capture_for_reader(source_id, capture_id)
    key = f"capture-page:{capture.pk}:{capture.sha256}:{settings.ARCHIVE_REPLAY_PAGE_BYTES}"
    made = cache.get(key)
    if made is None:
        made = _replayed(source, capture)
        if len(made[1]) <= CACHED_PAGE_CHARS:
            cache.set(key, made, 24 * 3600)
    title, html, kind, index, size, cut = made
    response = render(
        request,
        "statements/source_capture.html",
        {
            "source": source,
            "capture": capture,
            "title": title,
            # Sanitised by nh3 (replay.clean_page), never stored, and escaped here into the
            # srcdoc of a sandboxed iframe: the banner stays out of the copy's reach.
            "page_html": html,
            "kind": kind,
            "page_index": index,
            "size": size,
            "cut": cut,
            "size_shown": settings.ARCHIVE_REPLAY_PAGE_BYTES,
        },
    )
    return _with_headers(request, response, source.pk, capture.pk, page=True)


def _replayed(source: Source, capture: SourceCapture) -> tuple:
    """What the replay shows: title, cleaned page, the kind of file it is when not a page,
    the page's index among the records, its size, and whether it was cut at the limit."""
    kept = replay.capture_records(
        capture,
        read=lambda _, url: url == capture.url,
        limit=settings.ARCHIVE_REPLAY_PAGE_BYTES,
    )
    page = replay.page_of(capture, kept)
    title, html, kind = "", "", ""
    if page is not None and page.undecodable:
        kind = f"{_media_type(page.content_type) or 'unknown type'}, {page.undecodable}"
    elif page is not None and is_html(page.content_type) and page.body:
        paths = {
            k.url: reverse("statements:source_capture_file", args=[source.pk, capture.pk, index])
            for index, k in enumerate(kept)
            if k is not page and _media_type(k.content_type) in replay.INLINE_TYPES
        }
        title, html = replay.clean_page(page, paths)
    elif page is not None:
        kind = _media_type(page.content_type) or "unknown type"
    index = kept.index(page) if page is not None else None
    size = capture.page_size or (len(page.body) if page else 0)
    return title, html, kind, index, size, bool(page and page.truncated)


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


@csp_exempt()
@require_safe
@gone_answered
def source_capture_file(
    request: HttpRequest, source_id: int, capture_id: int, index: int
) -> HttpResponse:
    source, capture = _capture_for_reader(source_id, capture_id)
    kept = replay.capture_records(capture, read=lambda at, _: at == index)
    if not 0 <= index < len(kept):
        raise Http404(_("No such file in this capture."))
    item = kept[index]
    media_type = _media_type(item.content_type)
    if media_type in replay.INLINE_TYPES and not item.undecodable:
        response = HttpResponse(item.body, content_type=media_type)
    else:
        # Never shown in the archive's origin: anything else is only a download.
        response = HttpResponse(item.body, content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="capture-{capture.pk}-{index}"'
    response["Cache-Control"] = "public, max-age=86400, immutable"
    return _with_headers(request, response, source.pk, capture.pk)
