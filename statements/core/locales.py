"""The interface's language as CLDR writes it (Babel): dates as precise as they are, month
names a reader may type, language names, and which way a language's script runs.

The interface language is Django's active one (the address's prefix, see archive.urls); with
none active, English. English is written the British way ("13 March 2025"), as the archive
always has.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import (
    format_date,
    format_skeleton,
    format_time,
    get_month_names,
)
from django.utils import translation

# A Django language code whose CLDR locale is not its own spelling.
_BABEL_NAMES = {"en": "en_GB", "zh-hans": "zh_Hans", "zh-hant": "zh_Hant"}


@cache
def babel_locale(language: str) -> Locale:
    """The CLDR locale of a Django language code; English for one CLDR does not know (the
    pseudo-locale of the tests, say)."""
    name = _BABEL_NAMES.get(language.lower(), language.replace("-", "_"))
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_GB")


def current_locale() -> Locale:
    return babel_locale(translation.get_language() or "en")


def format_year(year: int) -> str:
    return format_skeleton("y", datetime.date(year, 1, 1), locale=current_locale())


def format_month(year: int, month: int) -> str:
    """ "March 2025", "березень 2025 р.", "2025年3月": the month standing alone."""
    return format_skeleton("yMMMM", datetime.date(year, month, 1), locale=current_locale())


def format_day(day: datetime.date) -> str:
    """ "13 March 2025", "13 березня 2025 р.", "2025年3月13日"."""
    return format_date(day, "long", locale=current_locale())


def format_day_and_time(moment: datetime.datetime) -> str:
    """ "13 March 2025, 14:05" (the moment as given: make it local first)."""
    locale = current_locale()
    pattern = str(locale.datetime_formats["medium"])
    day, time = (
        format_date(moment, "long", locale=locale),
        format_time(moment, "HH:mm", locale=locale),
    )
    return pattern.replace("{1}", day).replace("{0}", time)


def month_name(month: int) -> str:
    """The month's name standing alone ("березень", not "березня")."""
    return get_month_names("wide", "stand-alone", current_locale())[month]


@cache
def _localized_language_names(interface: str) -> dict[str, str]:
    return dict(babel_locale(interface).languages)


def language_name_in_interface(code: str, english: str) -> str:
    """A language's name in the interface's language ("українська" for uk in Ukrainian), or
    ``english`` where CLDR has none."""
    return _localized_language_names(translation.get_language() or "en").get(code, english)


# Scripts written right to left, for the languages whose ISO 639-1 code does not say it by
# itself in CLDR (Kurdish, ku, is Kurmanji in Latin letters there; Sorani has no
# two-letter code).
@cache
def text_direction(code: str) -> str:
    """ "rtl" for a language written right to left (Arabic, Persian, Hebrew, Urdu, ...),
    else "ltr"; "" for no language."""
    if not code:
        return ""
    try:
        return Locale.parse(code).text_direction
    except (UnknownLocaleError, ValueError):
        return "ltr"


# -- dates as readers type them ------------------------------------------------------------

_DIGITS = re.compile(r"\d")


def ascii_digits(text: str) -> str:
    """Every decimal digit as 0-9 (Arabic-Indic, Persian, full-width...)."""
    return _DIGITS.sub(lambda m: str(unicodedata.digit(m.group(), m.group())), text)


def _word(name: str) -> str:
    return name.casefold().rstrip(".")


@cache
def month_words(languages: tuple[str, ...]) -> dict[str, int]:
    """Every wide and abbreviated month name of ``languages`` (formatting and stand-alone
    forms, so "березня" and "березень"), casefolded, without a final dot. A word that names
    different months in two languages keeps the first language's month."""
    words: dict[str, int] = {}
    for language in languages:
        locale = babel_locale(language)
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    words.setdefault(_word(name), number)
    return words


_QUOTED = re.compile(r"'([^']+)'")


@cache
def date_filler_words(languages: tuple[str, ...]) -> frozenset[str]:
    """The words CLDR's date patterns write around the numbers ("de", "р", "г"), which a
    reader may type or leave out."""
    words: set[str] = set()
    for language in languages:
        locale = babel_locale(language)
        for width in ("long", "medium"):
            for literal in _QUOTED.findall(locale.date_formats[width].pattern):
                words.update(_word(w) for w in literal.split())
        for skeleton in ("yMMMM", "y"):
            pattern = locale.datetime_skeletons.get(skeleton)
            if pattern is not None:
                for literal in _QUOTED.findall(str(pattern)):
                    words.update(_word(w) for w in literal.split())
    return frozenset(w for w in words if w)
