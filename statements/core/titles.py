"""Titles as exports leave them, and as they are: a page saved as PDF or Markdown keeps the
browser's tab title ("Anarchist Morality https://theanarchistlibrary.org/library/…", "The
Facts of Anarchy | The Anarchist Library") or the file's name ("… _ The Anarchist
Library.pdf"). The address and the site belong to the source, not to the title."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Sites whose name a tab title carries after its own, as the export wrote them.
SITE_NAMES = (
    "The Anarchist Library (Mirror)",
    "The Anarchist Library",
    "theanarchistlibrary.org",
    "libcom.org",
    "CrimethInc. Ex-Workers Collective",
    "CrimethInc.",
    "Project Gutenberg",
)
# An address at the end: whole, cut by the export ("…/petr-kropotkin-an..."), or Firefox's
# reader view ("about:reader?url=https%3A%2F%2F…").
_ADDRESS_AT_END = re.compile(r"\s+(?P<address>(?:about:reader\?url=|https?://|www\.)\S*)\s*$")
# A file's extension at the end ("… Library.pdf").
_EXTENSION = re.compile(r"\.(?:pdf|html?|php|muse|txt|md|epub|docx?|odt|rtf)$", re.IGNORECASE)
# "Title | Site", "Title _ Site" (the file-name form of "|"), "Title – Site".
_SEPARATED = re.compile(r"^(?P<title>.+?)\s+[|_–—]\s+(?P<site>[^|_–—]+)$")
_CUT = re.compile(r"(?:\.\.\.|…)$")
# A file name that shows the separator the title lost ("…-_-the-anarchist-library.md").
_NAME_WITH_SITE = re.compile(r"[-_ ]_[-_ ]the[-_ ]anarchist[-_ ]library", re.IGNORECASE)
_LIGATURES = re.compile("[\ufb00-\ufb06]")
_UNSEPARATED_SITE = re.compile(r"\s+the anarchist library$", re.IGNORECASE)


@dataclass
class TitleTidied:
    title: str
    address: str = ""  # a whole web address the title carried ("" when cut or none)
    site: str = ""  # the site's name the title carried


def _site_named(text: str, extra: tuple[str, ...]) -> str:
    """The known site ``text`` names, whole or cut short ("The Anarchist ..."); "" else."""
    written = " ".join(text.split())
    cut = bool(_CUT.search(written))
    written = _CUT.sub("", written).strip().casefold()
    for site in (*extra, *SITE_NAMES):
        known = site.casefold()
        if written == known or (cut and len(written) >= 3 and known.startswith(written)):
            return site
    return ""


def title_tidy(title: str, *, file_name: str = "", sites: tuple[str, ...] = ()) -> TitleTidied:
    """``title`` without the address, the site's name or the file extension an export left
    at its end, with what was taken off. ``sites`` names more sites than SITE_NAMES (a
    page's own og:site_name). A title that would be left empty is kept as it is."""
    # A PDF's ligatures ("Reﬂections") are two letters each.
    title = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m[0]), title)
    tidied = TitleTidied(" ".join(title.split()))
    text = tidied.title
    for _ in range(3):  # "Title | Site https://…" and "Title _ Site.pdf": a few layers
        before = text
        if found := _ADDRESS_AT_END.search(text):
            address = found["address"]
            if address.startswith(("http://", "https://")) and not _CUT.search(address):
                tidied.address = tidied.address or address.rstrip(".,;)")
            text = text[: found.start()].rstrip()
        text = _EXTENSION.sub("", text).rstrip()
        if (parts := _SEPARATED.match(text)) and (site := _site_named(parts["site"], sites)):
            tidied.site, text = tidied.site or site, parts["title"].rstrip()
        if file_name and _NAME_WITH_SITE.search(file_name) and _UNSEPARATED_SITE.search(text):
            tidied.site, text = (
                tidied.site or "The Anarchist Library",
                _UNSEPARATED_SITE.sub("", text),
            )
        if text == before:
            break
    if text.strip():
        tidied.title = text.strip()
    else:
        tidied.address = tidied.site = ""
    return tidied
