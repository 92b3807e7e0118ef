"""The search page (``/search/``) and the OpenSearch description that offers it to browsers."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from statements.cache import public_page
from statements.catalog.cards import statement_card_rows
from statements.catalog.filters import (
    FILTER_PARAMETERS,
    SEARCH_SORTS,
    FilterError,
    single_value,
    statement_filters_parse,
)
from statements.catalog.pages import (
    active_filters,
    crumbs,
    filter_form,
    filter_targets_or_404,
)
from statements.catalog.timeline import timeline_build
from statements.core import pagination
from statements.search.query import SearchSyntaxError, search_text_clean
from statements.search.selectors import (
    COUNT_CAP,
    FACET_SAMPLE,
    SEARCH_PAGE_SIZE,
    statement_search,
)


def _refused(request: HttpRequest, text: str, error: FilterError) -> HttpResponse:
    """The search page with the problem said beside the parameter at fault: a 400."""
    context = {
        "text": text,
        "form": filter_form(request.GET, None, error),
        "sorts": SEARCH_SORTS,
        "crumbs": crumbs((_("Search"), None)),
    }
    return render(request, "statements/search.html", context, status=400)


@require_safe
@public_page(params=("q", *FILTER_PARAMETERS, "page"))
def search(request: HttpRequest) -> HttpResponse:
    try:
        filters = statement_filters_parse(request.GET, sorts=SEARCH_SORTS, default_sort="relevance")
        text, cut = search_text_clean(single_value(request.GET, "q"))
    except FilterError as error:
        return _refused(request, request.GET.get("q", "")[:300], error)
    tags, author = filter_targets_or_404(filters)
    try:
        # Counts stop at 1,000 results: 50 pages of 20.
        page_number = pagination.page_number(request.GET, last=COUNT_CAP // SEARCH_PAGE_SIZE)
    except pagination.PageNotFound as error:
        raise Http404(str(error)) from None
    searching = bool(text) or filters.is_filtered or bool(filters.lang)
    results = timeline = None
    if searching:
        try:
            results = statement_search(
                text=text,
                filters=filters,
                tags=tags,
                author=author,
                page=page_number,
                read=statement_card_rows,
            )
        except SearchSyntaxError as error:
            return _refused(request, text, FilterError(str(error), "q"))
        if page_number > 1 and not results.rows:
            raise Http404(
                _("There is no page %(number)s of these results.") % {"number": page_number}
            )
        narrowed = _narrowing(request.GET)
        _facet_links(results.facets, narrowed=narrowed, tags=filters.tags)
        counts, undated = results.dates
        timeline = timeline_build(
            counts,
            undated=undated,
            link=lambda start, end: narrowed(**{"from": start, "to": end}),
            sampled=FACET_SAMPLE if results.facets_sampled else 0,
        )
    return render(
        request,
        "statements/search.html",
        {
            "text": text,
            "cut": cut,
            "filters": filters,
            "form": filter_form(request.GET, filters),
            "results": results,
            "page_number": page_number,
            "active_filters": active_filters(filters, tags, author),
            "sorts": SEARCH_SORTS,
            "timeline": timeline,
            "crumbs": crumbs((_("Search"), None)),
        },
    )


def _narrowing(params: QueryDict) -> Callable[..., str]:
    """What ``{% querystring name=value page=None %}`` writes, for many links at once: this
    search's parameters with some replaced, back to the first page."""
    base = {key: params.getlist(key) for key in params if key != "page"}

    def narrowed(**changes: str | list[str]) -> str:
        query = dict(base)
        for key, value in changes.items():
            query[key] = value if isinstance(value, list) else [str(value)]
        return "?" + urlencode([(key, value) for key, values in query.items() for value in values])

    return narrowed


def _facet_links(facets: dict, *, narrowed: Callable[..., str], tags: list[str]) -> None:
    """Give each facet value its ``label`` and the ``url`` of the search narrowed to it: a
    tag is added to the tags chosen, an author, a year or a language replaces its own."""
    for row in facets["tags"]:
        row["label"] = row["name"]
        row["url"] = narrowed(tag=list(dict.fromkeys([*tags, row["slug"]])))
    for row in facets["authors"]:
        row["label"] = row["name"]
        row["url"] = narrowed(author=row["slug"])
    for row in facets["years"]:
        row["label"] = row["year"]
        row["url"] = narrowed(**{"from": row["year"], "to": row["year"]})
    for row in facets["languages"]:
        row["label"] = row["name"]
        row["url"] = narrowed(lang=row["language"])


@require_safe
def opensearch(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "opensearch.xml",
        {"base": request.build_absolute_uri("/").rstrip("/")},
        content_type="application/opensearchdescription+xml",
    )
