"""The list filters of ``/statements/``, ``/search/`` and the API, read from URL parameters.

One definition: ``StatementFilterForm``, whose dates are the admin's partial-date field. Every
parameter is checked there; a bad value becomes a ``FilterError`` whose message is shown to
the reader with a 400, never a 500.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from statements.catalog.forms import PartialDateFormField
from statements.core.dates import PartialDate
from statements.core.languages import language_names

MAX_PARAMETER_LENGTH = 200
MAX_TAGS = 10
MAX_AUTHORS = 5  # ?author=a&author=b: the statements they share
SLUG_RE = re.compile(r"[-\w]{1,255}")
SORTS = {
    "-date": gettext_lazy("newest date first"),
    "date": gettext_lazy("oldest date first"),
    "title": gettext_lazy("title A–Z"),
    "-added": gettext_lazy("recently added"),
}
DEFAULT_SORT = "-date"
SEARCH_SORTS = {
    "relevance": gettext_lazy("best match"),
    "-date": gettext_lazy("newest date first"),
    "date": gettext_lazy("oldest date first"),
}


# The URL parameters the filters read (the page cache keys on these, and on no others).
FILTER_PARAMETERS = ("tag", "author", "year", "from", "to", "lang", "sort")


class FilterError(ValueError):
    """A parameter the reader can fix; the message says how, ``param`` names it ("" when
    the problem is between two of them)."""

    def __init__(self, message: str, param: str = "") -> None:
        super().__init__(message)
        self.param = param


def single_value(params: QueryDict, name: str) -> str:
    """The one value of ``name`` (or ""): a parameter given twice is refused, as the list's
    filters refuse it."""
    values = params.getlist(name)
    if len(values) > 1:
        raise FilterError(_("Give “%(name)s” once.") % {"name": name}, name)
    return values[0] if values else ""


@dataclass(frozen=True)
class StatementFilters:
    tags: tuple[str, ...] = ()
    author: str = ""
    co_authors: tuple[str, ...] = ()  # more authors the statements must credit as well
    year: int | None = None
    date_from: PartialDate | None = None
    date_to: PartialDate | None = None
    lang: str = ""
    sort: str = DEFAULT_SORT

    @property
    def start(self) -> datetime.date | None:
        """The first day of the requested period (year and from/to combined)."""
        days = [self.date_from.start] if self.date_from else []
        if self.year:
            days.append(datetime.date(self.year, 1, 1))
        return max(days, default=None)

    @property
    def end(self) -> datetime.date | None:
        """The last day of the requested period."""
        days = [self.date_to.end] if self.date_to else []
        if self.year:
            days.append(datetime.date(self.year, 12, 31))
        return min(days, default=None)

    @property
    def is_filtered(self) -> bool:
        return bool(self.tags or self.author or self.year or self.date_from or self.date_to)


def _slug(what: str, value: str) -> str:
    if value and not SLUG_RE.fullmatch(value):
        message = (
            _("“%(value)s” is not a valid tag.")
            if what == "tag"
            else _("“%(value)s” is not a valid author.")
        )
        raise ValidationError(message % {"value": value}, code="invalid_slug")
    return value


class SlugListField(forms.Field):
    """Repeated slugs (``?tag=a&tag=b``), each checked, duplicates dropped, order kept."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, what: str, most: int, **kwargs) -> None:
        self.what, self.most = what, most
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> tuple[str, ...]:
        slugs: list[str] = []
        for item in value or ():
            slug = _slug(self.what, str(item).strip())
            if slug and slug not in slugs:
                slugs.append(slug)
        if len(slugs) > self.most:
            message = (
                ngettext(
                    "Choose at most %(count)s tag at once.",
                    "Choose at most %(count)s tags at once.",
                    self.most,
                )
                if self.what == "tag"
                else ngettext(
                    "Choose at most %(count)s author at once.",
                    "Choose at most %(count)s authors at once.",
                    self.most,
                )
            )
            raise ValidationError(message % {"count": self.most})
        return tuple(slugs)


class StatementFilterForm(forms.Form):
    """The filters a list of statements takes: ``tag`` and ``author`` (repeatable, all must
    match), ``year``, ``from`` and ``to`` (partial dates, overlap), ``lang`` and
    ``sort`` (one of ``sorts``)."""

    tag = SlugListField(what="tag", most=MAX_TAGS)
    author = SlugListField(what="author", most=MAX_AUTHORS)
    year = forms.CharField(required=False)
    lang = forms.CharField(required=False)
    sort = forms.CharField(required=False)
    SINGLE = ("year", "from", "to", "lang", "sort")
    REPEATED = ("tag", "author")

    def __init__(
        self,
        data: QueryDict,
        *,
        sorts: Mapping[str, object] = SORTS,
        default_sort: str = DEFAULT_SORT,
    ) -> None:
        super().__init__(data)
        self.params = data  # as sent, repeated values included
        self.sorts, self.default_sort = sorts, default_sort
        # "from" is a Python keyword: these two are added by name.
        self.fields["from"] = PartialDateFormField(required=False)
        self.fields["to"] = PartialDateFormField(required=False)

    def clean_year(self) -> int | None:
        text = self.cleaned_data["year"]
        if not text:
            return None
        if not re.fullmatch(r"\d{4}", text) or text == "0000":
            raise ValidationError(
                _("“%(text)s” is not a year: write four digits, such as 2025.") % {"text": text}
            )
        return int(text)

    def clean_lang(self) -> str:
        code = self.cleaned_data["lang"].lower()
        if code and code not in language_names():
            raise ValidationError(
                _("“%(code)s” is not a language code (two letters, such as en or fr).")
                % {"code": code}
            )
        return code

    def clean_sort(self) -> str:
        sort = self.cleaned_data["sort"] or self.default_sort
        if sort not in self.sorts:
            raise ValidationError(
                _("Unknown sort order. Choose one of: %(sorts)s.")
                % {"sorts": ", ".join(self.sorts)}
            )
        return sort

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start.start > end.end:
            raise ValidationError(_("“from” comes after “to”: swap them."))
        return cleaned

    def raw_problem(self) -> FilterError | None:
        """What is wrong with the parameters as sent, before any field reads them: a
        single-valued one given twice, a value too long or with control characters."""
        for name in (*self.REPEATED, *self.SINGLE):
            values = self.params.getlist(name)
            if len(values) > 1 and name not in self.REPEATED:
                return FilterError(_("Give “%(name)s” once.") % {"name": name}, name)
            for value in values:
                if len(value) > MAX_PARAMETER_LENGTH:
                    return FilterError(
                        _("The value of “%(name)s” is too long.") % {"name": name}, name
                    )
                if any(ord(char) < 32 for char in value):
                    message = _("The value of “%(name)s” contains control characters.")
                    return FilterError(message % {"name": name}, name)
        return None

    def first_error(self) -> FilterError:
        """The first problem, in words the reader can act on."""
        for error in self.non_field_errors():
            return FilterError(str(error))
        for name, errors in self.errors.items():
            prefix = f"“{name}”: " if name in ("from", "to") else ""
            return FilterError(prefix + str(errors[0]), name)
        return FilterError(_("The filters could not be read."))

    def filters(self) -> StatementFilters:
        data = self.cleaned_data
        return StatementFilters(
            tags=data["tag"],
            author=data["author"][0] if data["author"] else "",
            co_authors=data["author"][1:],
            year=data["year"],
            date_from=data["from"],
            date_to=data["to"],
            lang=data["lang"],
            sort=data["sort"],
        )


def statement_filters_parse(
    params: QueryDict, *, sorts: Mapping[str, object] = SORTS, default_sort: str = DEFAULT_SORT
) -> StatementFilters:
    """Read the filters from URL parameters; raise FilterError with a message for the reader."""
    form = StatementFilterForm(params, sorts=sorts, default_sort=default_sort)
    problem = form.raw_problem()
    if problem:
        raise problem
    if not form.is_valid():
        raise form.first_error()
    return form.filters()
