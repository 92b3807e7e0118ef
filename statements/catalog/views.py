from __future__ import annotations

from urllib.parse import urlencode

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from statements.cache import page_depends, public_page, statements_shown
from statements.catalog import selectors, summary
from statements.catalog.filters import (
    FILTER_PARAMETERS,
    SORTS,
    FilterError,
    StatementFilters,
    statement_filters_parse,
)
from statements.catalog.links import statement_links
from statements.catalog.network import signs_with
from statements.catalog.pages import (
    AUTHORS,
    BY_DATE,
    STATEMENTS,
    TAGS,
    Gone,
    active_filters,
    bad_request,
    credits_by_role,
    crumbs,
    filter_form,
    filter_targets_or_404,
    gone_answered,
    name_filter,
    taken_down_or_404,
    text_length,
)
from statements.catalog.stored import stored_page
from statements.catalog.timeline import timeline_build, timeline_counts
from statements.core import locales
from statements.core.pagination import paginate
from statements.models import Author

PAGE_SIZE = 25


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "statements/home.html",
        {
            "latest": selectors.statement_latest(limit=10),
            "counts": summary.archive_counts(),
            "top_tags": summary.tags_top(limit=20),
            "years": summary.archive_years(),
        },
    )


@require_safe
@public_page(params=(*FILTER_PARAMETERS, "page"))
def statement_list(request: HttpRequest) -> HttpResponse:
    try:
        filters = statement_filters_parse(request.GET)
    except FilterError as error:
        context = {
            "form": filter_form(request.GET, None, error),
            "sorts": SORTS,
            "crumbs": crumbs((_("Statements"), None)),
        }
        return render(request, "statements/statement_list.html", context, status=400)
    tags, author = filter_targets_or_404(filters)
    statements = selectors.statement_list(filters=filters, tags=tags, author=author, card_fields=())
    # Unfiltered, the list is every published statement: the kept count serves.
    unfiltered = filters == StatementFilters(sort=filters.sort)
    count = summary.archive_counts()["statements"] if unfiltered else None
    page = paginate(request, statements, per_page=PAGE_SIZE, count=count)
    return render(
        request,
        "statements/statement_list.html",
        {
            "page": page,
            "filters": filters,
            "form": filter_form(request.GET, filters),
            "active_filters": active_filters(filters, tags, author),
            "sorts": SORTS,
            "crumbs": crumbs((_("Statements"), None)),
        },
    )


@require_safe
@public_page
@stored_page
@gone_answered
def statement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    statement = selectors.statement_get_for_reader(slug=slug, user=request.user, page=True)
    if statement is None:
        target = selectors.statement_redirect_target(old_slug=slug, user=request.user)
        if target is not None:
            return redirect(target, permanent=True)
        taken_down_or_404(slug)
    links = statement_links(statement)
    previous, following = links["previous"], links["next"]
    related, translations = links["related"], links["translations"]
    credits = credits_by_role(statement)
    # Related statements are found through the authors and tags, translations through uid.
    page_depends(
        request,
        f"s:{statement.pk}",
        f"n:{statement.pk}",
        *(f"a:{credit.author_id}" for credit in statement.authorships.all()),
        *(f"t:{tag.pk}" for tag in statement.tags_in_order),
        *([f"u:{statement.uid}"] if statement.uid else []),
    )
    statements_shown(request, [*related, *translations, *filter(None, (previous, following))])
    return render(
        request,
        "statements/statement_detail.html",
        {
            "statement": statement,
            **credits,
            "is_preview": not statement.is_public,
            "related": related,
            "translations": translations,
            "previous": previous,
            "next": following,
            "canonical_url": request.build_absolute_uri(statement.get_absolute_url()),
            "show_toc": len(statement.body_toc) >= 3,
            "length": text_length(getattr(statement, "body_length", 0)),
            "crumbs": crumbs(STATEMENTS, (statement.title, None)),
        },
    )


@require_safe
@public_page(params=("kind", "q", "page"))
def author_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind and kind not in Author.Kind.values:
        return bad_request(
            request,
            _("Unknown kind. Choose one of: %(kinds)s.") % {"kinds": ", ".join(Author.Kind.values)},
        )
    try:
        containing = name_filter(request.GET)
    except FilterError as error:
        return bad_request(request, str(error))
    authors = selectors.author_list(kind=kind, containing=containing)
    page = paginate(request, authors, per_page=200)
    return render(
        request,
        "statements/author_list.html",
        {
            "page": page,
            "kind": kind,
            "q": containing,
            "kinds": author_kinds(),
            "crumbs": crumbs((_("Authors"), None)),
        },
    )


@require_safe
@public_page(params=("page",))
@gone_answered
def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    author = selectors.author_get(slug=slug)
    if author is None:
        kept = selectors.author_redirected(slug=slug)  # merged into another author
        if kept is not None:
            return HttpResponsePermanentRedirect(kept.get_absolute_url())
        if selectors.author_removed(slug=slug):
            raise Gone(
                _("This person has been removed from the archive."),
                _("What the archive held under this address was removed to protect a person."),
            )
        raise Http404(_("No author at this address."))
    page = paginate(
        request,
        selectors.author_credits(author=author),
        per_page=50,
        count=selectors.author_credit_count(author=author),
    )
    page_depends(request, f"a:{author.pk}", *(f"s:{c.statement_id}" for c in page.object_list))
    # Who signs with them and when (a query each) read only the author's own statements,
    # whose every change moves "a:" already.
    return render(
        request,
        "statements/author_detail.html",
        {
            "author": author,
            "page": page,
            "signs_with": signs_with(author=author),
            "timeline": timeline_of(
                selectors.statement_filtered(filters=StatementFilters(), author=author),
                list_link(author=author.slug),
            ),
            "crumbs": crumbs(AUTHORS, (author.name, None)),
        },
    )


@require_safe
@public_page(params=("q", "sort"))
def tag_list(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "")
    if sort not in ("", "count"):
        return bad_request(request, _("Unknown order. Leave it out for A–Z, or write sort=count."))
    try:
        containing = name_filter(request.GET)
    except FilterError as error:
        return bad_request(request, str(error))
    tags = selectors.tag_list(by_count=bool(sort), containing=containing)
    context = {"tags": tags, "sort": sort, "q": containing, "crumbs": crumbs((_("Tags"), None))}
    return render(request, "statements/tag_list.html", context)


@require_safe
@public_page(params=("page",))
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = selectors.tag_get(slug=slug)
    if tag is None:
        raise Http404(_("No tag at this address."))
    filters = StatementFilters(tags=(tag.slug,))
    page = paginate(
        request,
        selectors.statement_list(filters=filters, tags=[tag], card_fields=()),
        per_page=PAGE_SIZE,
        count=tag.count,
    )
    page_depends(request, f"t:{tag.pk}")  # its timeline too: its statements move "t:"
    statements_shown(request, page.object_list)
    return render(
        request,
        "statements/tag_detail.html",
        {
            "tag": tag,
            "page": page,
            "timeline": timeline_of(
                selectors.statement_filtered(filters=filters, tags=[tag]),
                list_link(tag=tag.slug),
            ),
            "crumbs": crumbs(TAGS, (tag.name, None)),
        },
    )


@require_safe
@public_page
def archive_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "statements/archive_index.html",
        {
            "years": summary.archive_years(),
            "undated": summary.archive_undated_count(),
            "timeline": summary.archive_timeline(),
            "crumbs": crumbs((_("By date"), None)),
        },
    )


@require_safe
@public_page(params=("page",))
def archive_undated(request: HttpRequest) -> HttpResponse:
    """Statements with no date of issue (nearly half of a real archive), by title."""
    count = summary.archive_undated_count()
    page = paginate(request, selectors.archive_undated_statements(), per_page=100, count=count)
    statements_shown(request, page.object_list)
    return render(
        request,
        "statements/archive_undated.html",
        {"page": page, "count": count, "crumbs": crumbs(BY_DATE, (_("Undated"), None))},
    )


@require_safe
@public_page(params=("page",))
def archive_year(request: HttpRequest, year: int) -> HttpResponse:
    if not 1 <= year <= 9999:
        raise Http404(_("No such year."))
    count = summary.archive_year_count(year=year)
    page = paginate(
        request, selectors.archive_year_statements(year=year), per_page=100, count=count
    )
    if not page.object_list:
        raise Http404(_("No statements dated %(date)s.") % {"date": year})
    page_depends(request, f"y:{year}")
    statements_shown(request, page.object_list)
    months = [
        {"number": m["month"], "name": locales.month_name(m["month"]), "count": m["count"]}
        for m in summary.archive_months(year=year)
    ]
    return render(
        request,
        "statements/archive_year.html",
        {
            "year": year,
            "page": page,
            "months": months,
            "neighbours": summary.archive_year_neighbours(year=year),
            "crumbs": crumbs(BY_DATE, (str(year), None)),
        },
    )


@require_safe
@public_page(params=("page",))
def archive_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    if not (1 <= year <= 9999 and 1 <= month <= 12):
        raise Http404(_("No such month."))
    statements = selectors.archive_month_statements(year=year, month=month)
    count = summary.archive_month_count(year=year, month=month)
    page = paginate(request, statements, per_page=100, count=count)
    if not page.object_list:
        raise Http404(
            _("No statements dated %(date)s.") % {"date": locales.format_month(year, month)}
        )
    page_depends(request, f"y:{year}")
    statements_shown(request, page.object_list)
    return render(
        request,
        "statements/archive_month.html",
        {
            "year": year,
            "month": month,
            "month_name": locales.format_month(year, month),
            "page": page,
            "neighbours": [
                (found, locales.format_month(*found)) if found else None
                for found in summary.archive_month_neighbours(year=year, month=month)
            ],
            "crumbs": crumbs(
                BY_DATE,
                (str(year), reverse("statements:archive_year", args=[year])),
                (locales.month_name(month), None),
            ),
        },
    )


@never_cache
@require_safe
def random_statement(request: HttpRequest) -> HttpResponse:
    statement = selectors.statement_random()
    if statement is None:
        raise Http404(_("The archive has no published statements yet."))
    return redirect(statement)


def list_link(**fixed: str):
    """A timeline's links: the list of statements with ``fixed`` and a period."""
    base = reverse("statements:statement_list")
    return lambda start, end: f"{base}?{urlencode({**fixed, 'from': start, 'to': end})}"


def timeline_of(statements, link):
    """The timeline of a queryset of public statements, each bar linking to ``link``'s
    address for its period (one query)."""
    counts, undated = timeline_counts(statements)
    return timeline_build(counts, undated=undated, link=link)


def author_kinds() -> list[tuple[str, str]]:
    """The kinds of author as the list's filter names them, in the plural."""
    plural: dict[str, str] = {
        Author.Kind.COLLECTIVE: _("Collectives"),
        Author.Kind.ORGANISATION: _("Organisations"),
        Author.Kind.PERSON: _("People"),
    }
    return [(value, plural[value]) for value in Author.Kind.values]
