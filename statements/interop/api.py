"""The read-only JSON API under ``/api/`` (django-ninja), with its OpenAPI schema at
``/api/schema/`` and a documentation page at ``/api/docs/``.

Why django-ninja rather than DRF with drf-spectacular: the API is a handful of read-only GET
operations whose parameters are already checked by the site's own filter form
(``catalog.filters.StatementFilterForm``). Ninja's parameter and response types are pydantic
models from which the OpenAPI schema is generated: what the schema documents is what the code
declares, and it adds one small package (plus pydantic) where DRF would add two frameworks.

- Lists take the same filters and search as the site (``q``, ``tag`` (repeatable), ``author``,
  ``year``, ``from``, ``to``, ``lang``, ``sort``) and the same checks; a bad value is a 400
  with a message, an unknown tag or author a 404, as on the site.
- Pagination is by page number, and stable: every order ends with the statement's number,
  so statements with the same date never swap between pages. Search results, as on the
  site, stop at 1,000 (``count_capped``).
- Only published statements exist here; drafts and scheduled statements are 404s.
- A body's HTML has its notes at the end only, without the page's popovers
  (core.rendering.without_note_popovers). The types are in interop.api_schemas.
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from ninja import NinjaAPI, Query
from ninja.errors import HttpError, ValidationError

from statements.catalog import selectors
from statements.catalog.filters import SEARCH_SORTS, SORTS, FilterError, statement_filters_parse
from statements.core.dates import PartialDate
from statements.core.pagination import PageNotFound, page_get
from statements.core.rendering import without_note_popovers
from statements.editions.services import EDITION_TYPES
from statements.ingest.formats.writers import DOWNLOADS
from statements.interop.api_schemas import (
    AuthorDetailOut,
    AuthorPage,
    Error,
    StatementDetailOut,
    StatementPage,
    StatementQuery,
    TagOut,
    TagPage,
)
from statements.interop.citations import CITATION_DOWNLOADS
from statements.models import Author, Authorship, Statement, tags_by_name
from statements.search import selectors as search_selectors
from statements.search.query import SearchSyntaxError, search_text_clean

PAGE_SIZE = 25
DOWNLOADED = (*DOWNLOADS, *CITATION_DOWNLOADS)
DOWNLOAD_ROUTES = (("statements:statement_edition", tuple(EDITION_TYPES)),  # books first
                   ("statements:statement_download", DOWNLOADED))  # fmt: skip
NAME_PAGE_SIZE = 100

api = NinjaAPI(
    title=f"{settings.ARCHIVE_NAME} API",
    version="1",
    description=(
        "Read-only access to the published statements of the archive, their authors and tags. "
        "Lists take the same filters and search as the site's pages; a bad parameter is a 400 "
        "with a message, an unknown tag, author or page a 404. Pages are numbered and stable: "
        "every order ends with the statement's number. Search results stop at 1,000."
    ),
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url="/docs/",
)


def _read(path: str, **options):
    """A read operation: GET as the schema documents it, and HEAD (every public address
    answers it as GET does), left out of the schema where it would repeat the operation."""

    def register(view):
        api.api_operation(["HEAD"], path, include_in_schema=False, **options)(view)
        return api.get(path, **options)(view)

    return register


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError):
    first = error.errors[0] if error.errors else {}
    where = ".".join(str(part) for part in first.get("loc", ())[1:]) or "request"
    message = f"“{where}”: {first.get('msg', 'invalid value')}."
    return api.create_response(request, {"detail": message}, status=400)


def _bad(message: str) -> HttpError:
    return HttpError(400, message)


# --- building responses --------------------------------------------------------------------


def _partial(date: PartialDate | None) -> dict | None:
    return date.as_record() if date else None


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _author(request, author: Author) -> dict:
    return {
        "name": author.name,
        "slug": author.slug,
        "kind": author.kind,
        "url": _absolute(request, author.get_absolute_url()),
        "api_url": _absolute(request, reverse("api:author_detail", args=[author.slug])),
    }


def _tag(request, tag) -> dict:
    return {
        "name": tag.name,
        "slug": tag.slug,
        "url": _absolute(request, tag.get_absolute_url()),
        "api_url": _absolute(request, reverse("api:tag_detail", args=[tag.slug])),
    }


def _statement(request, statement: Statement, credited: list[Author]) -> dict:
    return {
        "slug": statement.slug,
        "title": statement.title,
        "subtitle": statement.subtitle or None,
        "summary": statement.summary or None,
        "issued": _partial(statement.issued),
        "date_text": statement.date_text or None,
        "language": statement.language or None,
        "authors": [_author(request, author) for author in credited],
        "tags": [_tag(request, tag) for tag in tags_by_name(statement)],
        "published_at": statement.published_at,
        "updated_at": statement.updated_at,
        "url": _absolute(request, statement.get_absolute_url()),
        "api_url": _absolute(request, reverse("api:statement_detail", args=[statement.slug])),
    }


def _card(request, statement: Statement) -> dict:
    return _statement(request, statement, [credit.author for credit in statement.credited])


def _page_links(request, number: int, has_next: bool) -> dict:
    def at(page: int) -> str:
        params = request.GET.copy()
        params["page"] = str(page)
        return _absolute(request, f"{request.path}?{params.urlencode()}")

    return {
        "page": number,
        "next": at(number + 1) if has_next else None,
        "previous": at(number - 1) if number > 1 else None,
    }


def _paginated(request, queryset, number: int, per_page: int, build) -> dict:
    try:
        page = page_get(queryset, number=number, per_page=per_page)
    except PageNotFound as error:
        raise HttpError(404, str(error)) from None
    return {
        "count": page.paginator.count,
        "count_capped": False,
        "results": [build(request, item) for item in page.object_list],
        **_page_links(request, number, page.has_next()),
    }


# --- operations ----------------------------------------------------------------------------

NOT_FOUND = {404: Error}
# Taken down, or the address of a person removed (statements.redaction).
NOT_FOUND_OR_GONE = {404: Error, 410: Error}
BAD_OR_NOT_FOUND = {400: Error, 404: Error}


@_read(
    "/statements/",
    response={200: StatementPage, **BAD_OR_NOT_FOUND},
    url_name="statement_list",
    summary="Published statements, filtered, searched and sorted as on the site",
)
def statement_list(request: HttpRequest, query: Query[StatementQuery]):
    try:
        text, _cut = search_text_clean(query.q or "")
        searching = bool(text)
        filters = statement_filters_parse(
            request.GET,
            sorts=SEARCH_SORTS if searching else SORTS,
            default_sort="relevance" if searching else "-date",
        )
    except FilterError as error:
        raise _bad(str(error)) from None
    try:
        tags, author = selectors.statement_filter_targets(filters)
    except selectors.UnknownFilterTarget as error:
        raise HttpError(404, str(error)) from None
    if not searching:
        statements = selectors.statement_list(filters=filters, tags=tags, author=author)
        return _paginated(request, statements, query.page, PAGE_SIZE, _card)
    if query.page > search_selectors.COUNT_CAP // search_selectors.SEARCH_PAGE_SIZE:
        raise HttpError(404, "Search results stop at 1,000: narrow the search instead.")
    try:
        results = search_selectors.statement_search(
            text=text, filters=filters, tags=tags, author=author, page=query.page
        )
    except SearchSyntaxError as error:
        raise _bad(str(error)) from None
    if query.page > 1 and not results.rows:
        raise HttpError(404, f"There is no page {query.page} of these results.")
    return {
        "count": results.total,
        "count_capped": results.total_capped,
        "some_words": results.any_words,
        "results": [_card(request, row) for row in results.rows],
        **_page_links(request, query.page, results.has_next),
    }


@_read(
    "/statements/{slug}/",
    response={200: StatementDetailOut, **NOT_FOUND_OR_GONE},
    url_name="statement_detail",
    summary="One published statement, with its text, credits and sources",
)
def statement_detail(request: HttpRequest, slug: str):
    statement = selectors.statement_detail_queryset().published().filter(slug=slug).first()
    if statement is None:
        if selectors.statement_takedown(slug=slug) is not None:
            raise HttpError(410, "This statement has been taken down.")
        raise HttpError(404, "No published statement has this slug.")
    credits = statement.public_authorships
    authors = [c.author for c in credits if c.role == Authorship.Role.AUTHOR]
    data = _statement(request, statement, authors)
    data.update(
        place=statement.place or None,
        rights=statement.rights or None,
        body=statement.body,
        body_html=without_note_popovers(statement.body_html),
        credits=[{**_author(request, c.author), "role": c.role} for c in credits],
        sources=[
            {
                "kind": source.kind,
                "url": source.url or None,
                "site_name": source.site_name or None,
                "retrieved_on": _partial(source.retrieved_on),
                "archived_url": source.archived_url or None,
                "note": source.note or None,
            }
            for source in statement.sources.all()
        ],
        downloads={
            suffix: _absolute(request, reverse(route, args=[statement.slug, suffix]))
            for route, suffixes in DOWNLOAD_ROUTES
            for suffix in suffixes
        },
    )
    return data


def _author_out(request, author: Author) -> dict:
    statements = reverse("api:statement_list") + f"?author={author.slug}"
    return {
        **_author(request, author),
        "statements": author.count,
        "statements_api_url": _absolute(request, statements),
    }


@_read(
    "/authors/",
    response={200: AuthorPage, **BAD_OR_NOT_FOUND},
    url_name="author_list",
    summary="Authors with at least one published statement, A to Z",
)
def author_list(
    request: HttpRequest,
    kind: Literal["collective", "organisation", "person"] | None = None,
    page: int = Query(1, ge=1, le=100_000),
):
    authors = selectors.author_list(kind=kind or "")
    return _paginated(request, authors, page, NAME_PAGE_SIZE, _author_out)


@_read(
    "/authors/{slug}/",
    response={200: AuthorDetailOut, **NOT_FOUND_OR_GONE},
    url_name="author_detail",
    summary="One author",
)
def author_detail(request: HttpRequest, slug: str):
    author = selectors.author_list().filter(slug=slug).first()
    if author is None:
        if selectors.author_removed(slug=slug):
            raise HttpError(410, "This person has been removed from the archive.")
        raise HttpError(404, "No author with a published statement has this slug.")
    return {
        **_author_out(request, author),
        "alternative_names": author.alternative_name_list,
        "description": author.description or None,
        "website": author.website or None,
        "location": author.location or None,
        "wikidata_id": author.wikidata_id or None,
        "viaf_id": author.viaf_id or None,
        "same_as": author.same_as,
    }


def _tag_out(request, tag) -> dict:
    statements = reverse("api:statement_list") + f"?tag={tag.slug}"
    return {
        **_tag(request, tag),
        "statements": tag.count,
        "statements_api_url": _absolute(request, statements),
    }


@_read(
    "/tags/",
    response={200: TagPage, **BAD_OR_NOT_FOUND},
    url_name="tag_list",
    summary="Tags of published statements, A to Z",
)
def tag_list(request: HttpRequest, page: int = Query(1, ge=1, le=100_000)):
    return _paginated(request, selectors.tag_list(), page, NAME_PAGE_SIZE, _tag_out)


@_read(
    "/tags/{slug}/",
    response={200: TagOut, **NOT_FOUND},
    url_name="tag_detail",
    summary="One tag",
)
def tag_detail(request: HttpRequest, slug: str):
    tag = selectors.tag_list().filter(slug=slug).first()
    if tag is None:
        raise HttpError(404, "No tag of a published statement has this slug.")
    return _tag_out(request, tag)
