"""What every format's parser shares: the failure it raises, the record it returns, and the
readings of lines that Muse sources and text exports both carry (authors' kinds, "Retrieved
on … from …" source lines, Muse inline markup)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from statements.core.dates import partial_date_in_text
from statements.core.languages import language_detect
from statements.core.names import GROUP_ENDINGS, GROUP_WORDS, author_kind
from statements.core.records import SourceData, StatementData

if TYPE_CHECKING:  # numpy is loaded where texts are fingerprinted, not by every reader
    from statements.core.fingerprints import Fingerprint

# Where importers always found them.
__all__ = ["GROUP_ENDINGS", "GROUP_WORDS", "author_kind", "language_detect"]


class ImportFailure(ValueError):
    """A file that cannot be imported, with the reason in words an editor understands."""


class NotImported(ImportFailure):
    """A file left aside, with the reason: a folder's or an archive's file that holds no
    statement (an image, a style sheet), which is reported but is no failure."""


@dataclass
class ParsedFile:
    """One statement read from a file (a JSON Lines file gives one per line)."""

    name: str
    format: str
    data: StatementData
    notes: list[str] = field(default_factory=list)
    fingerprint: Fingerprint | None = None  # its text's, computed where it is parsed


INLINE_LINK = re.compile(r"\[\[([^\]]+)\](?:\[([^\]]*)\])?\]")
_TAGS = re.compile(r"</?[a-zA-Z][^>]*>")


def muse_inline_plain(value: str) -> str:
    """A header value as plain text: links to their labels, markup dropped."""
    text = INLINE_LINK.sub(lambda m: m[2] or m[1], value)
    text = _TAGS.sub("", text)
    text = re.sub(r"(?<!\w)\*{1,3}([^*]+)\*{1,3}(?!\w)", r"\1", text)
    text = re.sub(r"(?<!\w)=([^=]+)=(?!\w)", r"\1", text)
    return " ".join(text.split())


# "Retrieved on <date> from <where>", or the date alone at the end ("Proofread version
# retrieved on October 4th, 2019").
_RETRIEVED = re.compile(r"retrieved\s+on\s+(.+?)(?:\s+from\b|[\s.]*$)", re.IGNORECASE | re.DOTALL)
# The Chinese library's form: "于2022-01-04从https://…拾获" (on <date> from <url> retrieved).
_RETRIEVED_ZH = re.compile(r"于\s*(.+?)\s*从\s*(\S+?)\s*拾获")
_URL = re.compile(r"https?://[^\s\]\[<>\"']+")
# A web address written without its scheme: "www.example.org", "libcom.org/library/…".
_BARE_ADDRESS = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/[^\s\]\[<>\"']*)?", re.IGNORECASE)


def _address(text: str) -> str:
    """``text`` as a web address: as it is with a scheme, with https:// when it is a bare
    host name (and path); "" when it is no address."""
    text = text.strip().rstrip(".,;)")
    if text.startswith(("http://", "https://")):
        return text
    return f"https://{text}" if _BARE_ADDRESS.fullmatch(text) else ""


def source_from_line(line: str) -> SourceData:
    """A "Retrieved on <date> from <where>" line (or any source line) as a source: the line
    kept as written in the note, the first web address, the site, the retrieval date."""
    link = INLINE_LINK.search(line)
    url = ""
    site = ""
    if link and _address(link[1]):
        url, site = _address(link[1]), (link[2] or "")
    elif found := _URL.search(line):
        url = found[0].rstrip(".,;)")
    plain = muse_inline_plain(line)
    chinese = _RETRIEVED_ZH.search(plain)
    if chinese and not link:
        url = _address(chinese[2]) or url
    if not site and not chinese:
        after = re.search(r"\bfrom\s+(.+)$", plain, re.IGNORECASE)
        if after:
            site = after[1].strip().rstrip(".")
            if site.startswith(("http://", "https://")):
                site = ""
            elif not url:
                url = _address(site)  # "from www.example.org": the address, kept as written
    retrieved = None
    when = _RETRIEVED.search(plain) or chinese
    if when:
        retrieved = partial_date_in_text(latex_plain(when[1]).rstrip(","))
    return SourceData(
        url=url[:2000],
        site_name=site[:300],
        note=plain,
        retrieved_on=retrieved,
    )


def latex_plain(text: str) -> str:
    """ "$13^{\\mathrm{th}}$" (a PDF export's ordinal) to "13th"."""
    text = re.sub(r"\\mathrm\{([^}]*)\}", r"\1", text)
    return re.sub(r"[$^{}]", "", text)
