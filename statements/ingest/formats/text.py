"""Plain-text and Markdown exports: The Anarchist Library's (title, author, date, body, and
the library's closing block), with what other exports carry (YAML front matter, a libcom
metadata line, a "SOURCE:" first line, Project Gutenberg's header and licence)."""

from __future__ import annotations

import re

from statements.core.dates import partial_date_in_text
from statements.core.records import AuthorCredit, SourceData, StatementData
from statements.ingest.formats.common import (
    ImportFailure,
    ParsedFile,
    author_kind,
    latex_plain,
    source_from_line,
)

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_LIBRARY_BLOCK = re.compile(
    r"^#*\s*The Anarchist Library(?: \(Mirror\))?[ \t]*(?P<rights>[^\n]*)$", re.MULTILINE
)
_LIBCOM = re.compile(
    r"Date:\s*(?P<date>.*?)\s+Source:\s*(?P<url>https?://\S+)(?:\s+Tags:\s*(?P<tags>.*))?$"
)
_PAGE_FOOTER = re.compile(r"^\s*\d+ of \d+ \d{1,2}/\d{1,2}/\d{2,4}, \d{1,2}:\d{2} [AP]M\s*$")
_GUTENBERG_START = re.compile(r"^\*\*\* ?START OF .*\*\*\*\s*$", re.MULTILINE)
_GUTENBERG_END = re.compile(r"^\*\*\* ?END OF .*\*\*\*\s*$", re.MULTILINE)
_FIELD = re.compile(r"^(Title|Author|Release Date|Language):\s*(.+)$", re.MULTILINE)
_RETRIEVED_LINE = re.compile(r"^\s*Retrieved on .+$", re.IGNORECASE | re.MULTILINE)

# A few frequent words per language; the language whose words are most frequent wins.
_FUNCTION_WORDS = {
    "en": {"the", "and", "of", "to", "is", "that", "which", "with"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "qui"},
    "de": {"der", "die", "und", "das", "ist", "nicht", "mit", "ein"},
    "es": {"el", "los", "las", "y", "que", "del", "una", "por"},
    "it": {"il", "di", "che", "gli", "della", "una", "sono", "per"},
    "pt": {"os", "que", "não", "uma", "do", "da", "para", "com"},
}


def guess_language(text: str) -> str:
    words = re.findall(r"[^\W\d_]+", text[:20000].lower())
    if len(words) < 20:
        return ""
    scores = {
        code: sum(1 for w in words if w in vocabulary)
        for code, vocabulary in _FUNCTION_WORDS.items()
    }
    best = max(scores, key=scores.get)
    return best if scores[best] >= len(words) * 0.05 else ""


def text_parse(text: str, *, name: str) -> list[ParsedFile]:
    notes: list[str] = []
    metadata: dict[str, str] = {}
    title = author = date_line = ""
    sources: list[SourceData] = []
    tags: list[str] = []
    rights = ""

    front = _FRONT_MATTER.match(text)
    if front:
        text = text[front.end() :]
        for line in front[1].splitlines():
            key, _, value = line.partition(":")
            value = value.strip().strip("\"'")
            if key.strip() == "title":
                title = value
            elif key.strip():
                # The exports' "date: 2025" is when they were converted, not the text's date.
                metadata[f"front matter {key.strip()}"] = value

    start = _GUTENBERG_START.search(text)
    if start:
        header = text[: start.start()]
        fields = {k: v.strip() for k, v in _FIELD.findall(header)}
        title = fields.get("Title", title)
        author = fields.get("Author", author)
        if "Release Date" in fields:
            metadata["release date"] = fields["Release Date"]
        end = _GUTENBERG_END.search(text, start.end())
        licence = text[end.start() :] if end else ""
        text = text[start.end() : end.start() if end else None]
        fields = {k: v.strip() for k, v in _FIELD.findall(text[:3000])}
        title = title or fields.get("Title", "")
        author = author or fields.get("Author", "")
        rights = "Public domain in the USA (Project Gutenberg)" if licence or start else ""

    first = text.lstrip("\n").split("\n", 1)[0]
    if re.match(r"(?i)source:\s*https?://", first):
        url = first.split(":", 1)[1].strip()
        sources.append(SourceData(url=url[:2000], note=first.strip()))
        text = text.lstrip("\n").split("\n", 1)[1] if "\n" in text.lstrip("\n") else ""

    # The library's closing block: rights, then author, title and date again, the
    # "Retrieved on" line and the library's address. Metadata, not text.
    block = _LIBRARY_BLOCK.search(text)
    if block and block.start() > len(text) // 3:
        closing = text[block.start() :]
        text = text[: block.start()]
        rights = block["rights"].strip()
        for line in _RETRIEVED_LINE.findall(closing):
            sources.append(source_from_line(latex_plain(" ".join(line.split()))))

    lines = text.split("\n")
    # Title, author and date as the library's export lays them out: "# ", "### ", "#### ".
    body_start = 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if line.startswith("# ") and not _heading_before(index, lines):
            title = title or line[2:].strip()
            body_start = index + 1
            continue
        if line.startswith("### ") and not author and index < body_start + 4:
            author = line[4:].strip()
            body_start = index + 1
            continue
        if line.startswith("#### ") and not date_line and index < body_start + 4:
            candidate = line[5:].strip()
            if partial_date_in_text(candidate):
                date_line = candidate
                body_start = index + 1
                continue
        break
    body_lines = lines[body_start:]

    # libcom's export keeps its metadata on the first line of the text.
    for index, line in enumerate(body_lines[:5]):
        found = _LIBCOM.search(line)
        if found:
            if found["date"].lower() != "unknown":
                date_line = date_line or found["date"]
            sources.append(SourceData(url=found["url"][:2000], site_name="libcom.org"))
            tags += [t.strip() for t in (found["tags"] or "").split(",") if t.strip()]
            body_lines[index] = line[: found.start()].rstrip()
            break

    if not author or not date_line:
        found_author, found_date = _pdf_export_header(body_lines, title)
        author, date_line = author or found_author, date_line or found_date
    body_lines = [line for line in body_lines if not _PAGE_FOOTER.match(line)]
    if not sources:
        for line in body_lines[::-1][:40]:
            if _RETRIEVED_LINE.match(line):
                sources.append(source_from_line(" ".join(line.split())))
                break
    body = "\n".join(body_lines).strip("\n")
    if not title:
        title = next((line.strip("# ").strip() for line in lines if line.strip()), "")
    if not title:
        raise ImportFailure("no title: the file has no heading and no text")
    if not body.strip():
        notes.append("no body")
    issued = partial_date_in_text(date_line) if date_line else None
    language = guess_language(body)
    data = StatementData(
        title=" ".join(title.split())[:500],
        body=body + "\n" if body else "",
        issued=issued,
        date_text=date_line[:200] if date_line and issued is None else "",
        language=language,
        rights=rights[:500],
        credits=[AuthorCredit(name=a[:300], kind=author_kind(a)) for a in _authors(author)],
        sources=sources,
        tags=[t[:100] for t in tags],
        metadata=metadata,
    )
    return [ParsedFile(name=name, format="text", data=data, notes=notes)]


def _heading_before(index: int, lines: list[str]) -> bool:
    """Only the first "# " heading is the title; later ones are part of the text."""
    return any(line.startswith("# ") for line in lines[:index])


def _authors(value: str) -> list[str]:
    value = " ".join(re.sub(r"\s*\(https?://[^)]*\)", "", value).split())
    if not value:
        return []
    parts = re.split(r"\s*;\s*|\s+and\s+|,\s*(?=[A-Z])", value) if ";" in value else [value]
    return [p for p in parts if p]


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _pdf_export_header(lines: list[str], title: str) -> tuple[str, str]:
    """A web page saved as PDF and converted back keeps the library's page header: the
    page's address, then the author, the title and the date on lines of their own."""
    author = date_line = ""
    start = next(
        (i for i, line in enumerate(lines[:6]) if "theanarchistlibrary" in line.lower()), None
    )
    for line in lines[:15]:
        found = re.match(r"\s*Author:\s*(.+)$", line)
        if found:
            author = found[1].strip()
    if start is None:
        return author, date_line
    title_words = _words(title)
    for line in lines[start + 1 : start + 10]:
        value = line.strip().removeprefix("## ").strip()
        if not value or value.lower() == "theanarchistlibrary.org":
            continue
        if not (line.startswith(("  ", "## "))):
            break
        if partial_date_in_text(value) and re.fullmatch(r"[\w ,.–-]{4,30}", value):
            date_line = value
            break
        if not author and _words(value) not in title_words:
            author = value
    return author, date_line
