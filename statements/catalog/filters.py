"""The list filters of the public pages, read from URL parameters.

Every parameter is checked here; a bad value becomes a ``FilterError`` whose message is shown
to the reader with a 400, never a 500.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.http import QueryDict

from statements.core.dates import PartialDate, PartialDateError
from statements.core.languages import language_names

MAX_PARAMETER_LENGTH = 200
MAX_TAGS = 10
SLUG_RE = re.compile(r"[-\w]{1,255}")
SORTS = {
    "-date": "newest date first",
    "date": "oldest date first",
    "title": "title A–Z",
    "-added": "recently added",
}
DEFAULT_SORT = "-date"
SEARCH_SORTS = {
    "relevance": "best match",
    "-date": "newest date first",
    "date": "oldest date first",
}


class FilterError(ValueError):
    """A parameter the reader can fix; the message says how."""


@dataclass(frozen=True)
class StatementFilters:
    tags: tuple[str, ...] = ()
    author: str = ""
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


def _single(params: QueryDict, name: str) -> str:
    values = params.getlist(name)
    if len(values) > 1:
        raise FilterError(f"Give “{name}” once.")
    value = values[0].strip() if values else ""
    _check_text(name, value)
    return value


def _check_text(name: str, value: str) -> None:
    if len(value) > MAX_PARAMETER_LENGTH:
        raise FilterError(f"The value of “{name}” is too long.")
    if any(ord(char) < 32 for char in value):
        raise FilterError(f"The value of “{name}” contains control characters.")


def _slug(name: str, value: str) -> str:
    if value and not SLUG_RE.fullmatch(value):
        raise FilterError(f"“{value}” is not a valid {name}.")
    return value


def _partial_date(name: str, value: str) -> PartialDate | None:
    if not value:
        return None
    try:
        return PartialDate.parse(value)
    except PartialDateError as error:
        raise FilterError(f"“{name}”: {error}") from None


def statement_filters_parse(
    params: QueryDict, *, sorts: dict[str, str] = SORTS, default_sort: str = DEFAULT_SORT
) -> StatementFilters:
    """Read the filters from URL parameters; raise FilterError with a message for the reader."""
    tags = []
    for value in params.getlist("tag"):
        _check_text("tag", value)
        slug = _slug("tag", value.strip())
        if slug and slug not in tags:
            tags.append(slug)
    if len(tags) > MAX_TAGS:
        raise FilterError(f"Choose at most {MAX_TAGS} tags at once.")

    author = _slug("author", _single(params, "author"))

    year_text = _single(params, "year")
    year = None
    if year_text:
        if not re.fullmatch(r"\d{4}", year_text) or year_text == "0000":
            raise FilterError(f"“{year_text}” is not a year: write four digits, such as 2025.")
        year = int(year_text)

    date_from = _partial_date("from", _single(params, "from"))
    date_to = _partial_date("to", _single(params, "to"))
    if date_from and date_to and date_from.start > date_to.end:
        raise FilterError("“from” comes after “to”: swap them.")

    lang = _single(params, "lang").lower()
    if lang and lang not in language_names():
        raise FilterError(f"“{lang}” is not a language code (two letters, such as en or fr).")

    sort = _single(params, "sort") or default_sort
    if sort not in sorts:
        raise FilterError(f"Unknown sort order. Choose one of: {', '.join(sorts)}.")

    return StatementFilters(
        tags=tuple(tags),
        author=author,
        year=year,
        date_from=date_from,
        date_to=date_to,
        lang=lang,
        sort=sort,
    )
