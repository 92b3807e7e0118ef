"""A pseudo-locale for the tests: every message of the archive's catalogs (and of Django's
own, for the admin) wrapped and accented, "Search" becoming "[Šéåŕçĥ]". A page rendered in
it shows every word of the interface so; an English word left on it was never marked for
translation (or is missing from the catalogs)."""

from __future__ import annotations

import re
from pathlib import Path

import django
import polib
import taggit
from django.conf import settings

PSEUDO = "en-xa"  # the pseudo-locale's code, as Android and Chromium name theirs
ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçđéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
# What must survive: placeholders (%(name)s, %s, {name}), tags and entities.
KEPT = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]*>|&\w+;")


def pseudo(text: str) -> str:
    if not text:
        return text
    parts, last = [], 0
    for match in KEPT.finditer(text):
        parts.append(text[last : match.start()].translate(ACCENTED))
        parts.append(match.group())
        last = match.end()
    parts.append(text[last:].translate(ACCENTED))
    return "[" + "".join(parts) + "]"


def _sources() -> list[Path]:
    """The archive's catalog (any shipped language holds every message) and Django's own
    English ones (the admin's words, and the forms' and validators')."""
    base = Path(django.__file__).parent
    return [
        Path(settings.BASE_DIR) / "locale" / "uk" / "LC_MESSAGES" / "django.po",
        base / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po",
        base / "contrib" / "admin" / "locale" / "en" / "LC_MESSAGES" / "django.po",
        base / "contrib" / "auth" / "locale" / "en" / "LC_MESSAGES" / "django.po",
        Path(taggit.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po",
    ]


def pseudo_catalog(directory: Path) -> Path:
    """Write the pseudo-locale's compiled catalog under ``directory`` (a LOCALE_PATHS entry)."""
    catalog = polib.POFile()
    catalog.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": PSEUDO,
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    seen = set()
    for source in _sources():
        for entry in polib.pofile(str(source)):
            key = (entry.msgctxt, entry.msgid)
            if key in seen or not entry.msgid:
                continue
            seen.add(key)
            copy = polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid)
            if entry.msgid_plural:
                copy.msgid_plural = entry.msgid_plural
                copy.msgstr_plural = {0: pseudo(entry.msgid), 1: pseudo(entry.msgid_plural)}
            else:
                copy.msgstr = pseudo(entry.msgid)
            catalog.append(copy)
    target = directory / "en_XA" / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    catalog.save_as_mofile(str(target / "django.mo"))
    return target / "django.mo"


# Words that are the same in every language: names of formats, standards and programs, and
# units. Anything else in ASCII letters on a pseudo-localised page is an unmarked string.
NAMES = frozenset(
    [
        "EPUB",
        "PDF",
        "JSON",
        "API",
        "OPDS",
        "RSS",
        "Atom",
        "OAI",
        "PMH",
        "BibTeX",
        "RIS",
        "CSL",
        "SHA",
        "UTF",
        "UTC",
        "HTTP",
        "MB",
        "KB",
        "kB",
        "GB",
        "Markdown",
        "Muse",
        "Amusewiki",
        "APA",
        "Chicago",
        "Django",
        "Wikidata",
        "VIAF",
        "or",
        "body",
        "sort",
        "count",
        "from",
        "to",
        "add",
        "remove",
        "up",
        "down",
        "title",
        "clear",
        "keep",
        "paper",
        "imposed",
    ]
)
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(text: str, allowed: set[str]) -> list[str]:
    """The ASCII words of ``text`` outside the pseudo-locale's brackets that are neither
    ``allowed`` (the page's own content) nor NAMES."""
    outside = re.sub(r"\[[^\[\]]*\]", " ", text)
    return [
        word for word in ASCII_WORD.findall(outside) if word not in NAMES and word not in allowed
    ]
