"""Plain-text and Markdown exports: The Anarchist Library's (title, author, date, body, and
the library's closing block), with what other exports carry (YAML front matter, a libcom
metadata line, a "SOURCE:" first line, Project Gutenberg's header and licence)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from statements.core.dates import partial_date_in_text
from statements.core.records import AuthorCredit, SourceData, StatementData
from statements.ingest.formats.common import (
    ImportFailure,
    ParsedFile,
    author_kind,
    language_detect,
    latex_plain,
    source_from_line,
)
from statements.ingest.formats.footnotes import footnotes_kept
from statements.ingest.formats.gutenberg import gutenberg_read
from statements.ingest.formats.libcom import LIBCOM, libcom_line, reader_comments, same_title
from statements.ingest.formats.reading import TextReading

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_LIBRARY_BLOCK = re.compile(
    r"^#*\s*The Anarchist Library(?: \(Mirror\))?[ \t]*(?P<rights>[^\n]*)$", re.MULTILINE
)
_PAGE_FOOTER = re.compile(r"^\s*\d+ of \d+ \d{1,2}/\d{1,2}/\d{2,4}, \d{1,2}:\d{2} [AP]M\s*$")
_RETRIEVED_LINE = re.compile(r"^\s*Retrieved on .+$", re.IGNORECASE | re.MULTILINE)


def _front_matter(reading: TextReading) -> None:
    """YAML front matter (Markdown exports): the title; the rest kept as metadata."""
    front = _FRONT_MATTER.match(reading.text)
    if not front:
        return
    reading.text = reading.text[front.end() :]
    for line in front[1].splitlines():
        key, _, value = line.partition(":")
        value = value.strip().strip("\"'")
        if key.strip() == "title":
            reading.title = value
        elif key.strip():
            # The exports' "date: 2025" is when they were converted, not the text's date.
            reading.metadata[f"front matter {key.strip()}"] = value


def _gutenberg(reading: TextReading) -> None:
    """A Project Gutenberg book (see statements.ingest.formats.gutenberg)."""
    book = gutenberg_read(reading.text)
    if book is None:
        return
    reading.text, reading.gutenberg = book.text, True
    reading.title = reading.title or book.title
    reading.subtitle = book.subtitle
    reading.author = reading.author or book.author
    reading.translators = _authors(book.translator) or (
        [book.translator] if book.translator else []
    )
    reading.metadata.update(book.metadata)
    if book.address:
        reading.sources.append(
            SourceData(
                url=book.address,
                site_name="Project Gutenberg",
                note=f"Project Gutenberg eBook #{book.number}",
            )
        )
    reading.rights = "Public domain in the USA (Project Gutenberg)"


def _source_first_line(reading: TextReading) -> None:
    """A "SOURCE: https://…" first line."""
    stripped = reading.text.lstrip("\n")
    first = stripped.split("\n", 1)[0]
    if re.match(r"(?i)source:\s*https?://", first):
        url = first.split(":", 1)[1].strip()
        reading.sources.append(SourceData(url=url[:2000], note=first.strip()))
        reading.text = stripped.split("\n", 1)[1] if "\n" in stripped else ""


def _library_block(reading: TextReading) -> None:
    """The Anarchist Library's closing block: rights, then author, title and date again, the
    "Retrieved on" line and the library's address. Metadata, not text."""
    block = _LIBRARY_BLOCK.search(reading.text)
    if not block or block.start() <= len(reading.text) // 3:
        return
    closing = reading.text[block.start() :]
    reading.text = reading.text[: block.start()]
    reading.rights = block["rights"].strip()
    for line in _RETRIEVED_LINE.findall(closing):
        reading.sources.append(source_from_line(latex_plain(" ".join(line.split()))))


def _library_headings(reading: TextReading) -> list[str]:
    """Title, author and date as the library's export lays them out ("# ", "### ", "#### "):
    the body is what follows them. Returns every line of the text."""
    lines = reading.text.split("\n")
    body_start = 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if line.startswith("# ") and not _heading_before(index, lines):
            reading.title = reading.title or line[2:].strip()
            body_start = index + 1
            continue
        if line.startswith("### ") and not reading.author and index < body_start + 4:
            reading.author = line[4:].strip()
            body_start = index + 1
            continue
        if line.startswith("#### ") and not reading.date_line and index < body_start + 4:
            candidate = line[5:].strip()
            if partial_date_in_text(candidate):
                reading.date_line = candidate
                body_start = index + 1
                continue
        break
    reading.body_lines = lines[body_start:]
    return lines


def _full_title(reading: TextReading) -> None:
    """A body whose first line is the full form of the (shortened) title: the line is the
    title, and is not kept twice."""
    reading.title = reading.tidy(reading.title)
    for index, line in enumerate(reading.body_lines[:3]):
        if not line.strip():
            continue
        value = reading.tidy(line.strip().lstrip("#").strip(), keep=False)
        if same_title(reading.title, value) and not LIBCOM.search(line):
            reading.title = reading.tidy(line.strip().lstrip("#").strip())
            del reading.body_lines[index]
        return


def _pdf_export(reading: TextReading) -> None:
    """A web page saved as PDF and converted back: the page header's author and date, and
    no page footers."""
    if not reading.author or not reading.date_line:
        found_author, found_date = _pdf_export_header(reading.body_lines, reading.title)
        reading.author = reading.author or found_author
        reading.date_line = reading.date_line or found_date
    reading.body_lines = [line for line in reading.body_lines if not _PAGE_FOOTER.match(line)]


def _retrieved_line(reading: TextReading) -> None:
    """Without any other source, a "Retrieved on" line near the end of the text."""
    if reading.sources:
        return
    for line in reading.body_lines[::-1][:40]:
        if _RETRIEVED_LINE.match(line):
            reading.sources.append(source_from_line(" ".join(line.split())))
            return


def text_parse(text: str, *, name: str) -> list[ParsedFile]:
    """A text or Markdown export, read by each convention in turn."""
    reading = TextReading(text=text, name=name)
    _front_matter(reading)
    _gutenberg(reading)
    _source_first_line(reading)
    _library_block(reading)
    lines = _library_headings(reading)
    if not reading.gutenberg:  # a book's title page keeps its lines
        libcom_line(reading)
        _full_title(reading)
        reader_comments(reading)
    _pdf_export(reading)
    _retrieved_line(reading)
    body = "\n".join(reading.body_lines).strip("\n")
    title = reading.title or next((line.strip("# ").strip() for line in lines if line.strip()), "")
    if not title:
        raise ImportFailure(_("no title: the file has no heading and no text"))
    notes = [] if body.strip() else [_("no body")]
    if not reading.gutenberg:
        body, footnote_notes = footnotes_kept(body, muse=False, lines=text.split("\n"))
        notes += footnote_notes
    title = reading.tidy(title)
    _title_source(reading, notes)
    date_line = reading.date_line
    issued = partial_date_in_text(date_line) if date_line else None
    data = StatementData(
        title=" ".join(title.split())[:500],
        subtitle=reading.subtitle[:500],
        body=body + "\n" if body else "",
        issued=issued,
        date_text=date_line[:200] if date_line and issued is None else "",
        language=language_detect(body),
        rights=reading.rights[:500],
        credits=[AuthorCredit(name=a[:300], kind=author_kind(a)) for a in _authors(reading.author)]
        + [
            AuthorCredit(name=t[:300], role="translator", kind=author_kind(t))
            for t in reading.translators
        ],
        sources=reading.sources,
        tags=[t for t in reading.tags if len(t) <= 100],
        metadata=reading.metadata,
    )
    return [ParsedFile(name=name, format="text", data=data, notes=notes)]


def _title_source(reading: TextReading, notes: list[str]) -> None:
    """The address or site a title carried, as a source when the file names none."""
    took = next((t for t in reading.title_took if t.address), None) or next(
        iter(reading.title_took), None
    )
    if took is None:
        return
    before = reading.titles_before[reading.title_took.index(took)]
    if took.address or took.site:
        said = _("the title was “%(before)s”: “%(title)s” kept: moved to the source")
    else:
        said = _("the title was “%(before)s”: “%(title)s” kept")
    notes.append(said % {"before": before, "title": took.title})
    if not took.address and not took.site:
        return
    if took.address and any(s.url == took.address for s in reading.sources):
        return
    if took.address or not reading.sources:
        reading.sources.append(
            SourceData(url=took.address[:2000], site_name=took.site, note="from the page's title")
        )


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
