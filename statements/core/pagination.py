"""One way to page a list, for the site's pages, the API and OPDS: a page number that is not a
page of the list is a 404 with a message, never a 500, whoever asks."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, QueryDict
from django.utils.translation import gettext as _

MAX_PAGE_DIGITS = 10


class PageNotFound(LookupError):
    """Not a page of this list; the message says so, for a person to read."""


def page_number(params: QueryDict, *, last: int | None = None) -> int:
    """The page asked for with ``?page=`` (1 when none); PageNotFound when it is repeated,
    not a whole number from 1, or past ``last``."""
    values = params.getlist("page")
    if len(values) > 1:
        raise PageNotFound(_("Give one page number."))
    text = values[0] if values else "1"
    if not text.isdigit() or len(text) > MAX_PAGE_DIGITS or int(text) < 1:
        raise PageNotFound(_("There is no page “%(page)s”.") % {"page": text[:MAX_PAGE_DIGITS]})
    number = int(text)
    if last is not None and number > last:
        raise PageNotFound(
            _("There is no page %(number)s: the last is %(last)s.")
            % {"number": number, "last": last}
        )
    return number


def page_get(objects, *, number: int, per_page: int, count: int | None = None) -> Page:
    """Page ``number`` of ``objects``; page 1 of an empty list is an empty page. ``count``,
    where the caller knows it (statements.catalog.summary), spares counting the rows."""
    paginator = Paginator(objects, per_page)
    if count is not None:
        paginator.count = count  # the cached property, set beforehand
    try:
        return paginator.page(number)
    except (PageNotAnInteger, EmptyPage):
        last = paginator.num_pages
        raise PageNotFound(
            _("There is no page %(number)s: the last is %(last)s.")
            % {"number": number, "last": last}
        ) from None


def paginate(request: HttpRequest, objects, *, per_page: int, count: int | None = None) -> Page:
    """The page of ``objects`` the request asks for; Http404 when there is no such page."""
    try:
        return page_get(objects, number=page_number(request.GET), per_page=per_page, count=count)
    except PageNotFound as error:
        raise Http404(str(error)) from None
