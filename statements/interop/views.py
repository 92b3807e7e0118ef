"""Pages for other tools: a statement in each download format, and robots.txt."""

from __future__ import annotations

from django.core.cache import caches
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from statements.cache import public_page
from statements.catalog.history import public_version_or_404, version_url
from statements.catalog.pages import bad_request, gone_answered, taken_down_or_404
from statements.catalog.selectors import statement_get_for_reader
from statements.catalog.summary import archive_summary
from statements.core.pandoc import ConversionError
from statements.editions.services import (
    EDITION_TYPES,
    EditionOptionError,
    edition_options_parse,
)
from statements.editions.tasks import edition_file_for_reader
from statements.ingest.formats.writers import DOWNLOADS
from statements.interop.citations import CITATION_DOWNLOADS


@require_safe
@public_page
@gone_answered
def statement_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The statement as Markdown, Muse, plain text or JSON (our JSON Lines record)."""
    statement = statement_get_for_reader(slug=slug, user=request.user)
    if statement is None:
        taken_down_or_404(slug)
    if fmt in CITATION_DOWNLOADS:
        content_type, cite = CITATION_DOWNLOADS[fmt]
        url = request.build_absolute_uri(statement.get_absolute_url())
        content = cite(statement=statement, url=url, accessed=timezone.localdate())
    else:
        content_type, write = DOWNLOADS[fmt]
        try:
            content = _download(statement, fmt, write)
        except ConversionError as error:
            # The statement is there; this format of it cannot be made within the bounds.
            return HttpResponse(
                _(
                    "This statement cannot be converted to .%(format)s here: %(error)s. The "
                    "Markdown and JSON downloads have all of it."
                )
                % {"format": fmt, "error": error},
                status=503,
                content_type="text/plain; charset=utf-8",
            )
    response = HttpResponse(content, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"{statement.slug}.{fmt}"
    )
    return response


@require_safe
@gone_answered
def statement_edition(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The statement as EPUB or PDF (``?paper=``, ``?imposed=a5-booklet``): a kept file,
    made on the first request for this version (see editions.services). Not in the page
    cache: the kept file is the cache, and a book has no place in Redis."""
    statement = statement_get_for_reader(slug=slug, user=request.user)
    if statement is None:
        taken_down_or_404(slug)
    try:
        options = edition_options_parse(fmt, request.GET)
    except EditionOptionError as error:
        return bad_request(request, str(error))
    try:
        name = edition_file_for_reader(statement, fmt=fmt, options=options)
    except ConversionError as error:
        return unavailable(
            _(
                "This statement cannot be made into .%(format)s here: %(error)s. The Markdown "
                "and JSON downloads have all of it."
            )
            % {"format": fmt, "error": error}
        )
    if name is None:
        return being_made(request, "file")
    # The name holds a digest of the file's inputs: an ETag that changes with them.
    etag = name.rsplit("-", 1)[-1].split(".")[0]
    return kept_file_response(name, fmt=fmt, stem=statement.slug, options=options, etag=etag)


BEING_MADE_SECONDS = 3


def being_made(request: HttpRequest, what: str) -> HttpResponse:
    """A file a worker is making: 202, and a page that asks again in a few seconds (with
    ``Retry-After`` for programs)."""
    from django.template.response import TemplateResponse

    response = TemplateResponse(
        request,
        "statements/being_made.html",
        {"what": what, "seconds": BEING_MADE_SECONDS},
        status=202,
    )
    response.headers["Retry-After"] = str(BEING_MADE_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def unavailable(message: str) -> HttpResponse:
    """A file that could not be made within its bounds: a 503 that says what to do."""
    return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")


def kept_file_response(
    name: str, *, fmt: str, stem: str, options, etag: str, cache: str = "public, max-age=3600"
) -> FileResponse:
    """A kept EPUB or PDF (editions.services), shown in the browser, named after ``stem`` and
    its paper unless A4 ("-letter", "-a5"), or its imposition, which names its own paper
    ("-a5-booklet", never "-a5-a5-booklet")."""
    part = options.imposed or (options.paper if options.paper != "a4" else "")
    label = f"-{part}" if part else ""
    response = FileResponse(
        default_storage.open(name, "rb"),
        content_type=EDITION_TYPES[fmt],
        as_attachment=False,
        filename=f"{stem}{label}.{fmt}",
    )
    response.headers["ETag"] = f'"{etag}"'
    response.headers["Cache-Control"] = cache
    return response


DOWNLOAD_SECONDS = 24 * 3600


def _download(statement, fmt: str, write) -> str:
    """The statement written in ``fmt``, kept in the fragments cache until the archive
    changes (the summary's version): .txt and .muse start a pandoc process each (about
    50 ms), which an uncached request paid every time."""
    cache = caches["fragments"]
    key = f"download:{fmt}:{statement.pk}:{get_language()}:{archive_summary().version}"
    content = cache.get(key)
    if content is None:
        content = write(statement)
        cache.set(key, content, DOWNLOAD_SECONDS)
    return content


@require_safe
@public_page
@gone_answered
def statement_version_citation(
    request: HttpRequest, slug: str, number: int, fmt: str
) -> HttpResponse:
    """A citation (BibTeX, RIS, CSL-JSON) of one public version, at its own address."""
    past, revision, _current = public_version_or_404(slug, number)
    content_type, cite = CITATION_DOWNLOADS[fmt]
    url = request.build_absolute_uri(version_url(slug, number))
    content = cite(statement=past, url=url, accessed=timezone.localdate(), version=revision)
    response = HttpResponse(content, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"{slug}-v{number}.{fmt}"
    )
    return response


ROBOTS_DISALLOWED = ["/admin/", "/search/", "/random/", "/sources/"]


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOWED), ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('statements:sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
