"""Partial dates: a year, a year and month, or a full day.

A statement is often dated only "2025" or "March 2025". A partial date is stored as the first
day of the period it names plus its precision, so that it sorts and range-filters in SQL, and
it is displayed exactly as precise as it is, never as "1 January 2025".

Order (documented and tested): by first day; at the same first day the less precise date comes
first, so "2025" < "2025-01" < "2025-01-01" < "2025-01-02" < "2025-02". In SQL this is
``ORDER BY date_start, date_end DESC``.

Range filters use overlap: a date matches a range when any day of its period falls inside the
range, so "2025" matches a range starting in June 2025, and "2025-03" matches March but not April.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from statements.core import locales
from statements.core.locales import ascii_digits


class Precision(models.TextChoices):
    YEAR = "year", pgettext_lazy("precision of a date", "Year")
    MONTH = "month", pgettext_lazy("precision of a date", "Month")
    DAY = "day", pgettext_lazy("precision of a date", "Day")


_PARTIAL_DATE_RE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?")

MONTH_ABBREVIATIONS = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
]  # fmt: skip


def isoformat_or_none(date: PartialDate | None) -> str | None:
    """The machine form of a partial date that may be missing (JSON's null)."""
    return date.isoformat() if date else None


class PartialDateError(ValueError):
    """The text is not a partial date; the message says why, for a person to read."""


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise PartialDateError(
                _("Year %(year)s is out of range (0001 to 9999).") % {"year": f"{self.year:04d}"}
            )
        if self.month is None:
            if self.day is not None:
                raise PartialDateError(_("A day needs a month."))
            return
        if not 1 <= self.month <= 12:
            raise PartialDateError(
                _("Month %(month)s does not exist (months run 01 to 12).") % {"month": self.month}
            )
        if self.day is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise PartialDateError(
                    _("Day %(day)s does not exist in %(month)s")
                    % {"day": self.day, "month": PartialDate(self.year, self.month).display()}
                )

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read "YYYY", "YYYY-MM" or "YYYY-MM-DD"; raise PartialDateError with a reason."""
        cleaned = (text or "").strip()
        match = _PARTIAL_DATE_RE.fullmatch(cleaned)
        if match is None:
            shown = cleaned if len(cleaned) <= 40 else cleaned[:40] + "…"
            raise PartialDateError(
                _(
                    "“%(text)s” is not a date. Write a year (2025), a month (2025-03) or a "
                    "day (2025-03-13)."
                )
                % {"text": shown}
            )
        try:
            return cls(
                year=int(match["year"]),
                month=int(match["month"]) if match["month"] else None,
                day=int(match["day"]) if match["day"] else None,
            )
        except PartialDateError as error:
            raise PartialDateError(
                _("“%(text)s” is not a date: %(reason)s") % {"text": cleaned, "reason": error}
            ) from None

    @classmethod
    def read(cls, text: str) -> PartialDate:
        """Read a date as a reader types it: the machine forms ``parse`` takes, or the forms
        the site shows in any of its languages ("March 2025", "березня 2025", "13 mars
        2025", "2025年3月13日", "13. März 2025"), also "March 13, 2025", "13th March 2025",
        "Mar 2025" and "13.03.2025", in any letter case and digits of any script. Raise
        PartialDateError."""
        cleaned = " ".join(ascii_digits(text or "").split())
        if _PARTIAL_DATE_RE.fullmatch(cleaned):
            return cls.parse(cleaned)
        parts = _written_date_parts(cleaned)
        if parts is None:
            shown = cleaned if len(cleaned) <= 40 else cleaned[:40] + "…"
            raise PartialDateError(
                _(
                    "“%(text)s” is not a date. Write a year (2025), a month (%(month)s or "
                    "2025-03) or a day (%(day)s or 2025-03-13)."
                )
                % {
                    "text": shown,
                    "month": PartialDate(2025, 3).display(),
                    "day": PartialDate(2025, 3, 13).display(),
                }
            )
        try:
            return cls(*parts)
        except PartialDateError as error:
            raise PartialDateError(
                _("“%(text)s” is not a date: %(reason)s") % {"text": cleaned, "reason": error}
            ) from None

    @classmethod
    def from_start(cls, start: datetime.date, precision: str) -> PartialDate:
        """Rebuild a partial date from its stored first day and precision."""
        if precision == Precision.YEAR:
            return cls(start.year)
        if precision == Precision.MONTH:
            return cls(start.year, start.month)
        if precision == Precision.DAY:
            return cls(start.year, start.month, start.day)
        raise PartialDateError(f"Unknown precision {precision!r}.")

    @property
    def precision(self) -> str:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def start(self) -> datetime.date:
        """The first day of the period."""
        return datetime.date(self.year, self.month or 1, self.day or 1)

    @property
    def end(self) -> datetime.date:
        """The last day of the period."""
        if self.day is not None:
            return self.start
        if self.month is not None:
            return datetime.date(
                self.year, self.month, calendar.monthrange(self.year, self.month)[1]
            )
        return datetime.date(self.year, 12, 31)

    def isoformat(self) -> str:
        """The machine form, as precise as the date: "2025", "2025-03", "2025-03-13"."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    # Every output that writes a date writes it through one of these, as precise as it is.

    def date_parts(self) -> list[int]:
        """CSL's ``date-parts``: [2025], [2025, 3] or [2025, 3, 13]."""
        return [part for part in (self.year, self.month, self.day) if part is not None]

    def slashed(self) -> str:
        """Highwire's form: "2025", "2025/03" or "2025/03/13"."""
        return self.isoformat().replace("-", "/")

    def ris(self) -> str:
        """RIS's ``DA`` field, its unknown parts left empty: "2025///", "2025/03//"."""
        month = f"{self.month:02d}" if self.month else ""
        day = f"{self.day:02d}" if self.day else ""
        return f"{self.year:04d}/{month}/{day}/"

    def bibtex_month(self) -> str:
        """BibTeX's month macro ("mar"), or "" for a year alone."""
        return MONTH_ABBREVIATIONS[self.month - 1] if self.month else ""

    def as_record(self) -> dict:
        """The API's form: the value as precise as it is, its precision, first and last day."""
        return {
            "value": self.isoformat(),
            "precision": str(self.precision),
            "start": self.start,
            "end": self.end,
        }

    def display(self) -> str:
        """The reading form in the interface's language, as precise as the date: "2025",
        "March 2025", "13 March 2025"; "березень 2025 р."; "2025年3月13日"."""
        if self.month is None:
            return locales.format_year(self.year)
        if self.day is None:
            return locales.format_month(self.year, self.month)
        return locales.format_day(self.start)

    def __str__(self) -> str:
        return self.isoformat()


class PartialDateAttribute:
    """A model attribute that reads and writes a partial date kept in two columns.

    ``issued = PartialDateAttribute("date")`` maps to ``date_start`` and ``date_precision``.
    """

    def __init__(self, prefix: str) -> None:
        self.start_field = f"{prefix}_start"
        self.precision_field = f"{prefix}_precision"

    def __get__(self, instance, owner=None) -> PartialDate | PartialDateAttribute | None:
        if instance is None:
            return self
        start = getattr(instance, self.start_field)
        precision = getattr(instance, self.precision_field)
        if start is None or not precision:
            return None
        return PartialDate.from_start(start, precision)

    def __set__(self, instance, value: PartialDate | None) -> None:
        setattr(instance, self.start_field, value.start if value else None)
        setattr(instance, self.precision_field, value.precision if value else "")


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            (),
            ("january", "jan", "janvier", "enero", "gennaio", "januar", "janeiro"),
            ("february", "feb", "février", "fevrier", "febrero", "febbraio", "februar"),
            ("march", "mar", "mars", "marzo", "märz", "marz", "março", "marco"),
            ("april", "apr", "avril", "abril", "aprile"),
            ("may", "mai", "mayo", "maggio", "maio"),
            ("june", "jun", "juin", "junio", "giugno", "juni", "junho"),
            ("july", "jul", "juillet", "julio", "luglio", "juli", "julho"),
            ("august", "aug", "août", "aout", "agosto"),
            ("september", "sep", "sept", "septembre", "septiembre", "settembre", "setembro"),
            ("october", "oct", "octobre", "octubre", "ottobre", "oktober", "outubro"),
            ("november", "nov", "novembre", "noviembre", "novembro"),
            ("december", "dec", "décembre", "decembre", "diciembre", "dicembre", "dezember"),
        ]
    )
    for name in names
}
# "2025年3月13日", "2025年3月", "2025年" (Chinese and Japanese).
_CJK_DATE_RE = re.compile(r"(\d{4})\s*年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?)?")
# "13.03.2025", "13/03/2025" is not read: which comes first differs between languages.
_DOTTED_DATE_RE = re.compile(r"(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})")
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th", "er", "e", "º", "ª"})
# Which parts, in which order, a written date may have: Y year, M month, D day.
# (The year first is read only in the Chinese form: "2025 March" stays no date.)
_WRITTEN_ORDERS = {"Y": (0,), "MY": (1, 0), "DMY": (2, 1, 0), "MDY": (2, 0, 1)}


def _written_date_parts(text: str) -> tuple[int, ...] | None:
    """(year, month, day) as far as given, of a date written out in one of the interface's
    languages (its month names from CLDR; the interface's own first), or None."""
    for pattern, positions in ((_CJK_DATE_RE, (0, 1, 2)), (_DOTTED_DATE_RE, (2, 1, 0))):
        match = pattern.fullmatch(text)
        if match:
            groups = match.groups()
            return tuple(int(groups[i]) for i in positions if groups[i] is not None)
    languages = tuple(dict.fromkeys([get_language() or "en", *(c for c, _ in settings.LANGUAGES)]))
    months, fillers = locales.month_words(languages), locales.date_filler_words(languages)
    kinds, values = "", []
    for token in _WORD.findall(text.casefold()):
        if token.isdigit():
            kinds += "Y" if len(token) == 4 else "D" if len(token) <= 2 else "?"
            values.append(int(token))
        elif token in months or token in _MONTHS:
            kinds += "M"
            values.append(months.get(token) or _MONTHS[token])
        elif token in fillers or (token in _ORDINAL_SUFFIXES and kinds.endswith("D")):
            continue
        else:
            return None
    order = _WRITTEN_ORDERS.get(kinds)
    if order is None:
        return None
    # The year is where the order says; the month and day after it, as far as given.
    return tuple(values[order[i]] for i in range(len(order)))


_ISO_IN_TEXT = re.compile(r"\b(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ][\d:.]+)?\b")
_WORD = re.compile(r"[^\W\d_]+|\d+")


def partial_date_in_text(text: str) -> PartialDate | None:
    """The date a free-text date line gives, as precise as it is unambiguous, or None.

    "13 March 2025", "13th March 2025", "November 20, 1908." and "2025-03-13" are days;
    "January 1887", "November, 1914" and "1887-02" months; "1887" a year. A line naming
    several years ("2009/2013", "Detailing 1874, Published in 1899") or several months
    ("Aug-Sep 1888") keeps only what they share, or nothing.
    """
    cleaned = (text or "").strip()
    iso = _ISO_IN_TEXT.fullmatch(cleaned.rstrip("."))
    if iso:
        parts = [int(p) for p in iso.groups() if p]
        try:
            return PartialDate(*parts)
        except PartialDateError:
            return None
    words = _WORD.findall(cleaned.lower())
    years = {int(w) for w in words if w.isdigit() and len(w) == 4}
    months = {_MONTHS[w] for w in words if w in _MONTHS}
    # "13th" is read as 13 then "th", which is no month and no year.
    days = [int(w) for w in words if w.isdigit() and len(w) <= 2 and 1 <= int(w) <= 31]
    if len(years) != 1:
        return None
    year = years.pop()
    try:
        if len(months) != 1:
            return PartialDate(year)
        month = months.pop()
        if len(days) == 1:
            return PartialDate(year, month, days[0])
        return PartialDate(year, month)
    except PartialDateError:
        return PartialDate(year)


def accessed_note(day: datetime.date) -> str:
    """The access date of a plain-text citation, "(accessed 7 December 2026)": written
    here once, for the citation and for the stored pages that put today's back in it."""
    return f"(accessed {day.day} {day:%B %Y})"
