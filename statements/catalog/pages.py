"""What the public pages share, whichever package serves them: breadcrumbs, the filter form
and the filters in force, the 400 and 404 answers, a statement's credits by role, and how
long a text is to read."""

from __future__ import annotations

from functools import wraps
from typing import NoReturn

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import Resolver404, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import defaults

from statements.catalog import selectors, summary
from statements.catalog.filters import (
    FILTER_PARAMETERS,
    FilterError,
    StatementFilters,
    single_value,
)
from statements.core import locales
from statements.core.dates import PartialDate
from statements.core.languages import language_name
from statements.models import Author, Authorship


def active_filters(filters: StatementFilters, tags, author) -> list[dict]:
    """The filters in force, each with the parameter that removes it (for ``{% querystring %}``
    in includes/_active_filters.html) and, for a tag, the tags that stay."""
    active = [
        {
            "label": _("Tag: %(name)s") % {"name": tag.name},
            "param": "tag",
            "keep": [t.slug for t in tags if t != tag],
        }
        for tag in tags
    ]
    if author:
        others = list(filters.co_authors)
        active.append(
            {
                "label": _("Author: %(name)s") % {"name": author.name},
                "param": "author",
                "keep_authors": others,
            }
        )
        names = dict(Author.objects.filter(slug__in=others).values_list("slug", "name"))
        for slug in others:
            active.append(
                {
                    "label": _("Author: %(name)s") % {"name": names.get(slug, slug)},
                    "param": "author",
                    "keep_authors": [author.slug, *(o for o in others if o != slug)],
                }
            )
    if filters.year:
        label = _("Year: %(year)s") % {"year": filters.year}
        active.append({"label": label, "param": "year"})
    if filters.date_from:
        label = _("From: %(date)s") % {"date": filters.date_from.display()}
        active.append({"label": label, "param": "from"})
    if filters.date_to:
        label = _("To: %(date)s") % {"date": filters.date_to.display()}
        active.append({"label": label, "param": "to"})
    if filters.lang:
        label = _("Language: %(name)s") % {"name": language_name(filters.lang)}
        active.append({"label": label, "param": "lang"})
    return active


def filter_form(params, filters: StatementFilters | None, error: FilterError | None = None):
    """What the filter form shows: the filters in force, dates in the site's own forms; or,
    after a bad value, every value as the reader sent it, the problem, and the address
    without the parameter at fault."""
    if filters is not None:
        values = {
            "tags": filters.tags,
            "author": filters.author,
            "co_authors": filters.co_authors,
            "year": filters.year or "",
            "from": filters.date_from.display() if filters.date_from else "",
            "to": filters.date_to.display() if filters.date_to else "",
            "lang": filters.lang,
            "sort": filters.sort,
        }
    else:
        values = {name: params.get(name, "") for name in FILTER_PARAMETERS if name != "tag"}
        values["tags"] = params.getlist("tag")
    languages, lang = summary.archive_languages(), str(values["lang"])
    if lang and lang not in dict(languages):
        languages.append((lang, language_name(lang)))
    form = {
        "values": values,
        "languages": languages,
        "example_month": PartialDate(2025, 3).display(),
    }
    if error is not None:
        form.update(error=str(error), error_param=error.param, retry_url="")
        if error.param:
            kept = params.copy()
            kept.pop(error.param, None)
            kept.pop("page", None)
            form["retry_url"] = "?" + kept.urlencode() if kept else "?"
    return form


def name_filter(params) -> str:
    """The ``q`` of /tags/ and /authors/: part of a name, checked like the list filters."""
    text = " ".join(single_value(params, "q").split())
    if len(text) > 100 or any(ord(char) < 32 for char in text):
        raise FilterError(_("Write part of a name, in at most 100 characters."), "q")
    return text


def page_not_found(request: HttpRequest, exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "There is nothing at this address."}, status=404)
    # An address that matches no page says nothing more; a page's own "not found" says why.
    if isinstance(exception, Resolver404):
        exception = Http404("")
    return defaults.page_not_found(request, exception)


def crumbs(*trail: tuple[object, str | None]) -> list[dict]:
    """Breadcrumbs after Home: (label, url) pairs, the last one the current page. A url
    "statements:name" is the address of that page in the interface's language."""
    return [
        {"label": str(label), "url": reverse(url) if url and url.startswith("statements:") else url}
        for label, url in trail
    ]


STATEMENTS = (gettext_lazy("Statements"), "statements:statement_list")


AUTHORS = (gettext_lazy("Authors"), "statements:author_list")


TAGS = (gettext_lazy("Tags"), "statements:tag_list")


BY_DATE = (gettext_lazy("By date"), "statements:archive_index")


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "400.html", {"message": message}, status=400)


def filter_targets_or_404(filters: StatementFilters) -> tuple[list, Author | None]:
    """The tag and author objects the filters name; an unknown one is a 404."""
    try:
        return selectors.statement_filter_targets(filters)
    except selectors.UnknownFilterTarget as error:
        raise Http404(str(error)) from None


def credits_by_role(statement) -> dict:
    """A statement page's credits: authors in the byline, signatories in their list, and
    the others (translators, publishers) in the footer; of signatories who are not listed
    publicly, only their number."""
    authorships = statement.public_authorships
    main = (Authorship.Role.AUTHOR, Authorship.Role.SIGNATORY)
    return {
        "authors": [a for a in authorships if a.role == Authorship.Role.AUTHOR],
        "signatories": [a for a in authorships if a.role == Authorship.Role.SIGNATORY],
        "other_credits": [a for a in authorships if a.role not in main],
        "signatories_withheld": statement.signatories_withheld,
    }


# A reader's pace, and what an A4 page of the PDF holds (Libertinus 11 pt: a 90,000-character
# text set on 27 A4 pages, title block and colophon included).
READING_CHARACTERS_PER_MINUTE = 1_300  # about 230 words a minute


CHARACTERS_PER_PAGE = 3_300


def reading_time(minutes: int) -> str:
    """ "1 minute", "25 minutes", "2 hours", "9 hours 41 minutes": past an hour, in hours and
    minutes (nobody reads "581 minutes"), with each language's plural forms."""
    hours, rest = divmod(minutes, 60)
    minutes_text = ngettext("%(count)s minute", "%(count)s minutes", rest) % {"count": rest}
    if not hours:
        return minutes_text
    hours_text = ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    if not rest:
        return hours_text
    return _("%(hours)s %(minutes)s") % {"hours": hours_text, "minutes": minutes_text}


def text_length(characters: int) -> dict:
    """How long a text is to read, in minutes (and in words, ``reading``), and to print, in
    A4 pages."""
    minutes = max(1, round(characters / READING_CHARACTERS_PER_MINUTE))
    return {
        "minutes": minutes,
        "reading": reading_time(minutes),
        "pages": max(1, round(characters / CHARACTERS_PER_PAGE)),
    }


class Gone(Exception):
    """What was at an address has been withheld on purpose (a statement taken down, a version
    hidden, a person removed): answered 410 Gone with a short public note, by gone_answered."""

    def __init__(self, heading: str, note: str = "") -> None:
        super().__init__(heading)
        self.heading, self.note = heading, note


def gone_response(request: HttpRequest, gone: Gone) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": f"{gone.heading} {gone.note}".strip()}, status=410)
    return render(request, "410.html", {"heading": gone.heading, "note": gone.note}, status=410)


def gone_answered(view):
    """The view, with a Gone it raises answered as 410 (inside the page cache's wrapper,
    which keeps no 410)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Gone as gone:
            return gone_response(request, gone)

    return wrapped


def takedown_note(takedown) -> Gone:
    """The public note of a statement taken down: when and why, and its title and date only
    where the editor chose to name them."""
    statement = takedown.statement
    heading = _("This statement has been taken down.")
    on = locales.format_day(timezone.localtime(takedown.taken_down_at))
    reason = takedown.get_reason_class_display()
    if not takedown.show_title:
        note = _("It was taken down on %(date)s (reason: %(reason)s).")
        return Gone(heading, note % {"date": on, "reason": reason})
    when = statement.issued.display() if statement.issued else statement.date_text
    if when:
        note = _("“%(title)s”, %(when)s, was taken down on %(date)s (reason: %(reason)s).")
    else:
        note = _("“%(title)s” was taken down on %(date)s (reason: %(reason)s).")
    return Gone(
        heading, note % {"title": statement.full_title, "when": when, "date": on, "reason": reason}
    )


def taken_down_or_404(slug: str) -> NoReturn:
    """Raise Gone if the statement at ``slug`` (or at an old address of it) was taken down;
    else Http404."""
    takedown = selectors.statement_takedown(slug=slug)
    if takedown is not None:
        raise takedown_note(takedown)
    raise Http404(_("No published statement at this address."))
