"""Project Gutenberg's plain-text books: the header's fields, the title page, and the
hard-wrapped text made Markdown paragraphs and chapter headings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_GUTENBERG_START = re.compile(r"^\*\*\* ?START OF .*\*\*\*\s*$", re.MULTILINE)
_GUTENBERG_END = re.compile(r"^\*\*\* ?END OF .*\*\*\*\s*$", re.MULTILINE)
_START_NAMED = r"\*\*\* ?START OF (?:THE|THIS) PROJECT GUTENBERG E?BOOK,? (.+?) ?\*\*\*"
_FIELD = re.compile(r"^(Title|Author|Translator|Release Date|Language):\s*(.+)$", re.MULTILINE)


@dataclass
class GutenbergBook:
    text: str
    title: str = ""
    subtitle: str = ""
    author: str = ""
    translator: str = ""
    number: str = ""  # the eBook's number: its page is www.gutenberg.org/ebooks/<number>
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"https://www.gutenberg.org/ebooks/{self.number}" if self.number else ""


def gutenberg_read(text: str) -> GutenbergBook | None:
    """A Project Gutenberg book, or None when ``text`` is none: title and author from its
    header (or, where the header was cut, from the title page and the START line), the
    licence dropped, the text as our Markdown (see ``gutenberg_markdown``)."""
    start = _GUTENBERG_START.search(text)
    if not start:
        return None
    header = text[: start.start()]
    fields = {k: v.strip() for k, v in _FIELD.findall(header)}
    end = _GUTENBERG_END.search(text, start.end())
    inside = text[start.end() : end.start() if end else None]
    # Older books close the text with their own line: "End of Project Gutenberg's …".
    inside = re.sub(r"\n[ \t]*End of (?:the )?Project Gutenberg.*\s*\Z", "\n", inside, flags=re.I)
    fields = fields or {k: v.strip() for k, v in _FIELD.findall(inside[:3000])}
    page_title, page_author = _title_page(inside)
    named = re.match(_START_NAMED, start[0], re.IGNORECASE)
    on_start_line = named[1] if named and not named[1].strip().isdigit() else ""
    book = GutenbergBook(
        text="",
        title=fields.get("Title", "") or page_title or _capitalised(on_start_line),
        author=fields.get("Author", "") or page_author,
        translator=fields.get("Translator", ""),
    )
    continued = re.search(r"^Title:.*\n((?:[ \t]+\S.*\n)+)", header, re.MULTILINE)
    if continued:
        book.subtitle = " ".join(continued[1].split())
    number = re.search(r"\be?book\s*#?\s*(\d+)", f"{start[0]} {header}", re.IGNORECASE)
    book.number = number[1] if number else ""
    if "Release Date" in fields:
        book.metadata["release date"] = fields["Release Date"]
    book.text = gutenberg_markdown(inside, book.metadata)
    return book


_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to"}


def _capitalised(text: str) -> str:
    """ "MEMOIRS OF A REVOLUTIONIST" as "Memoirs of a Revolutionist"; text that is not all
    capitals is kept as it is."""
    text = " ".join(text.split())
    if not text or text != text.upper():
        return text
    words = text.lower().split(" ")
    return " ".join(
        w if i and w in _SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )


def _title_page(text: str) -> tuple[str, str]:
    """Title and author from a title page ("MEMOIRS / OF / A REVOLUTIONIST / BY / P.
    KROPOTKIN"): the lines above the first "BY" (up to an "OR" that starts a subtitle),
    the name after it."""
    lines = [line.strip() for line in text[:8000].split("\n")]
    for index, line in enumerate(lines):
        by = re.fullmatch(r"(?:_?by_?)(?:\s+(.+))?", line, re.IGNORECASE)
        if not by:
            continue
        author = by[1] or next((n for n in lines[index + 1 : index + 4] if n), "")
        above: list[str] = []
        blanks = 0
        for previous in reversed(lines[:index]):
            if not previous:
                blanks += 1
                if blanks > 1 and above:
                    break
                continue
            blanks = 0
            if previous.startswith("[") or previous.endswith("]") or len(previous) > 60:
                break
            above.insert(0, previous)
        if "OR" in above:
            above = above[: above.index("OR")]
        title = _capitalised(" ".join(above))
        return title[:500], _capitalised(author.strip("_ ").strip())[:300]
    return "", ""


_SECTION_BREAK = re.compile(r"^\s*(?:\*\s+){2,}\*\s*$")
_CHAPTER = re.compile(r"^(?:CHAPTER|PART|BOOK|SECTION|LETTER)\b.{0,60}$|^[IVXLC]+\.?$")
_SECTION_WORDS = re.compile(
    r"^(?:PREFACE|INTRODUCTION|CONTENTS|APPENDIX|NOTES|INDEX|EPILOGUE|PROLOGUE|CONCLUSION"
    r"|FOREWORD|POSTSCRIPT)\b.{0,60}$"
)
_NOTE_HEADING = re.compile(r"^TRANSCRIBER.?S NOTES?:?$", re.IGNORECASE)


def _is_heading(lines: list[str], *, after_title_page: bool) -> bool:
    """A paragraph of one line that names a part ("CHAPTER IV.", "PART FIRST", "II",
    "PREFACE."), or, once the text has begun, a short line in capitals at the margin
    ("MUTUAL AID AMONG ANIMALS"); never a title page's lines, a signature set in from the
    margin ("  P. KROPOTKIN.") or a contents line with its page number."""
    if len(lines) != 1:
        return False
    line = lines[0].rstrip()
    text = line.strip()
    letters = [c for c in text if c.isalpha()]
    if not letters or len(text) > 80 or text.startswith("[") or re.search(r"\S {3,}\S", text):
        return False
    if _CHAPTER.match(text) or _SECTION_WORDS.match(text):
        return True
    return after_title_page and line == text and len(letters) >= 3 and text.upper() == text


def gutenberg_markdown(text: str, metadata: dict[str, str]) -> str:
    """A Gutenberg text as our Markdown: hard-wrapped paragraphs joined into one line each
    (no indented block becomes a code block), headings for chapter lines and one-line
    paragraphs in capitals, centred title-page lines kept as lines, "* * *" a section
    break, tables (columns of spaces) kept as they are set; the transcriber's note is
    kept in the metadata."""
    paragraphs = re.split(r"\n[ \t]*\n", text.strip("\n"))
    out: list[str] = []
    index = 0
    prose = False  # past the title page: a paragraph of running text has come
    chapter = False  # the paragraph before was a chapter line
    while index < len(paragraphs):
        lines = [line.rstrip() for line in paragraphs[index].split("\n") if line.strip()]
        index += 1
        if not lines:
            continue
        if _NOTE_HEADING.match(lines[0].strip()):
            index = _transcribers_note(paragraphs, index, lines, metadata)
            continue
        chapter, after_chapter = False, chapter
        if _SECTION_BREAK.match(lines[0]) and len(lines) == 1:
            out.append("* * *")
        elif _is_heading(lines, after_title_page=prose or after_chapter):
            out.append("## " + _markdown_escaped(lines[0].strip()))
            # A chapter's own title follows its number ("CHAPTER I", then "OUR HOMES").
            chapter = bool(_CHAPTER.match(lines[0].strip()))
            continue
        elif any(re.search(r"\S {3,}\S", line.strip()) for line in lines) and len(lines) > 1:
            out.append("\n".join("    " + line for line in lines))  # a table: as it is set
        elif all(line.startswith("  ") for line in lines) or max(map(len, lines)) < 45:
            # Centred or short lines (a title page, verse, an address): one line each.
            out.append("\\\n".join(_markdown_escaped(line.strip()) for line in lines))
        else:
            joined = " ".join(line.strip() for line in lines)
            out.append(_markdown_escaped(joined))
            prose = prose or len(joined) >= 200
    return "\n\n".join(out)


def _transcribers_note(paragraphs: list[str], index: int, lines: list[str], metadata) -> int:
    """The transcriber's note that starts at paragraphs[index - 1] (its heading, ``lines``)
    into the metadata, after any note before it; the index of what follows it. A note set
    in from the margin ends where the indent does; one at the margin at the end of the book
    runs to the end, and elsewhere to the next heading."""
    note = [line.strip() for line in lines[1:]]
    indented = index < len(paragraphs) and paragraphs[index].startswith("  ")
    at_the_end = index > len(paragraphs) * 0.8
    while index < len(paragraphs):
        paragraph = paragraphs[index]
        if indented and not paragraph.startswith("  "):
            break
        part = [line.rstrip() for line in paragraph.split("\n") if line.strip()]
        if not indented and not at_the_end and part and _is_heading(part, after_title_page=True):
            break
        note += ["", *(line.strip() for line in part)]
        index += 1
    text = "\n".join(note).strip()
    if text:
        before = metadata.get("transcriber's note", "")
        metadata["transcriber's note"] = f"{before}\n\n{text}" if before else text
    return index


def _markdown_escaped(line: str) -> str:
    """A line of plain text that Markdown would take for markup at its start (a list item,
    a heading, a quote) escaped; Gutenberg's _italics_ are left to be emphasis."""
    return re.sub(r"^([#>+-]|\d+[.)])(?=\s)", r"\\\1", line)
