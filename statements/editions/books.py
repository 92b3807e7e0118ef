"""Statements as books: EPUB 3 written by pandoc, and PDF set by Typst from what pandoc
writes, each with the statement's metadata and a colophon (credits, date, sources, rights,
the text's SHA-256). See editions.services, which makes each file once per version."""

from __future__ import annotations

import hashlib
import json
import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from statements.core.locales import text_direction
from statements.core.pandoc import MARKDOWN_READER, pandoc_convert_file
from statements.core.rendering import ALLOWED_URL_SCHEMES
from statements.editions.typeset import typeset_pdf
from statements.models import Authorship, credited, tags_by_name

# Raw HTML in a body goes into a book as the text it is, never as markup (a script in an
# EPUB runs in some readers). Pandoc's CommonMark readers ignore "-raw_html", so a filter
# turns each raw HTML element into plain text. The archive keeps no images (the page shows
# none either): an image in a text, which names a file of the site it came from, becomes
# its caption in brackets, instead of a missing file that stops Typst.
# Raw blocks for any other output (```{=typst}, `...`{=latex}) are dropped: a PDF must not
# say what the page does not. Links follow the page's rules (statements.core.rendering's
# ALLOWED_URL_SCHEMES): one to any other scheme (javascript:, data:, vbscript:) keeps its
# text and loses its target, as does a relative one (a book has no site to be relative to);
# a note's or a heading's (#...) is kept.
_ALLOWED_LUA = ", ".join(f'["{scheme}"] = true' for scheme in sorted(ALLOWED_URL_SCHEMES))
BODY_FILTER = (
    "local ALLOWED = {"
    + _ALLOWED_LUA
    + "}"
    + """
function RawInline(el)
  if el.format:match("html") then return pandoc.Str(el.text) end
  return {}
end
function RawBlock(el)
  if el.format:match("html") then return pandoc.Para({pandoc.Str(el.text)}) end
  return {}
end
function Link(el)
  -- As browsers read an address: control characters and spaces do not count.
  local target = el.target:gsub("[%c%s]", "")
  if target:sub(1, 1) == "#" then return nil end
  local scheme = target:match("^([%a][%w+.-]*):")
  if not (scheme and ALLOWED[scheme:lower()]) then return el.content end
end
function Image(el)
  if #el.caption == 0 then return {} end
  return pandoc.Span({pandoc.Str("["), pandoc.Span(el.caption), pandoc.Str("]")})
end
"""
).encode()

PAPERS = {"a4": "a4", "letter": "us-letter", "a5": "a5"}

# Pandoc reads metadata values as Markdown: these characters are escaped to stay text.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~^$&@:])")


def _text(value: str) -> str:
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join((value or "").split()))


def signatories_count_text(count: int) -> str:
    """What the public reads of signatories who are not listed: their number only."""
    return ngettext("%(count)s individual signatory", "%(count)s individual signatories", count) % {
        "count": count
    }


def _names(statement, role: str) -> list[str]:
    return [author.name for author in credited(statement, role)]


def book_metadata(statement) -> dict:
    """Title, authors, date as precise as it is, language, tags as subjects, rights and
    identifier, as pandoc's metadata (EPUB's package document, the PDF's title block)."""
    issued = statement.issued
    metadata: dict = {
        "title": _text(statement.title),
        "author": [_text(name) for name in _names(statement, Authorship.Role.AUTHOR)],
        "lang": statement.language or "en",
        # Right to left where the language is written so (pandoc's EPUB and HTML writers;
        # Typst takes the direction from the language).
        "dir": text_direction(statement.language) or "ltr",
        # The contents' heading is one of the book's fixed words: the reader's language.
        "toc-title": _text(_("Contents")),
        "subject": [_text(tag.name) for tag in tags_by_name(statement)],
        "identifier": [{"scheme": "URN", "text": f"urn:sha256:{statement.body_sha256}"}],
    }
    if issued:
        metadata["date"] = issued.isoformat()
    # Never an empty element: a value of only spaces (written by a path that did not trim
    # it) is no value.
    for key, value in (("subtitle", statement.subtitle), ("rights", statement.rights),
                       ("description", statement.summary)):  # fmt: skip
        if _text(value):
            metadata[key] = _text(value)
    return metadata


def book_colophon(statement, *, address: str = "") -> str:
    """The last page: who wrote and signed it, when, in which language, where it was
    retrieved from, its rights, where it is archived and its text's SHA-256."""
    lines = []
    authors = _names(statement, Authorship.Role.AUTHOR)
    if authors:
        lines.append(f"**{_('By')}** {_text(', '.join(authors))}")
    signatories = _names(statement, Authorship.Role.SIGNATORY)
    if signatories:
        lines.append(f"**{_('Signed by')}** {_text(', '.join(signatories))}")
    if statement.signatories_withheld:
        withheld = signatories_count_text(statement.signatories_withheld)
        lines.append(f"**{_('Signed by')}** {withheld}")
    translators = _names(statement, Authorship.Role.TRANSLATOR)
    if translators:
        lines.append(f"**{_('Translated by')}** {_text(', '.join(translators))}")
    when = statement.issued.display() if statement.issued else statement.date_text
    lines.append(f"**{_('Date')}** {_text(when or _('undated'))}")
    tags = [tag.name for tag in tags_by_name(statement)]
    if tags:
        lines.append(f"**{_('Tags')}** {_text(', '.join(tags))}")
    for source in statement.sources.all():
        where = source.url or source.site_name or source.note
        if where and source.retrieved_on:
            line = _("Retrieved on %(date)s from %(where)s")
            lines.append(_text(line % {"date": source.retrieved_on.display(), "where": where}))
        elif where:
            lines.append(_text(_("Source: %(where)s") % {"where": where}))
    if statement.rights:
        lines.append(_text(statement.rights))
    if address:
        lines.append(_text(_("Archived at %(address)s") % {"address": address}))
    lines.append(f"{_('Text SHA-256:')} `{statement.body_sha256}`")
    heading = _text(_("About this text"))
    return f"# {heading} {{.unnumbered}}\n\n" + "\n\n".join(lines) + "\n"


def book_markdown(statement, *, address: str = "") -> str:
    """The body, then the colophon. A body written right to left is set so in a block of
    its own (the colophon's fixed words are the reader's)."""
    body = (statement.body or "").strip()
    if text_direction(statement.language) == "rtl":
        body = f"{_DIV} {{dir=rtl lang={statement.language}}}\n\n{body}\n\n{_DIV}"
    return body + "\n\n" + book_colophon(statement, address=address)


def _pandoc(markdown: str, *, to: str, metadata: dict, args=(), files=None, lua=b"") -> bytes:
    """Markdown through pandoc, with the metadata and the raw-HTML filter every book has."""
    return pandoc_convert_file(
        markdown,
        source=MARKDOWN_READER,
        to=to,
        extra_args=("--metadata-file=metadata.json", "--lua-filter=text.lua", *args),
        files={
            "metadata.json": json.dumps(metadata).encode(),
            "text.lua": BODY_FILTER + lua,
            **(files or {}),
        },
    )


def _pandoc_book(statement, *, to: str, metadata: dict, address: str, args=(), files=None) -> bytes:
    """The statement's text and colophon through pandoc."""
    markdown = book_markdown(statement, address=address)
    return _pandoc(markdown, to=to, metadata=metadata, args=args, files=files)


def statement_epub(statement, *, address: str = "") -> bytes:
    """EPUB 3 with a table of contents and the notes as e-readers expect (pandoc's)."""
    return _pandoc_book(
        statement,
        to="epub3",
        metadata=book_metadata(statement),
        address=address,
        args=("--toc", "--split-level=1"),
    )


# What our PDFs add to pandoc's Typst template: justified text hyphenated in the
# statement's language, and from the second page a running head of the title and page. The
# title page's grid of authors is never hyphenated ("Ten-ants' Assembly" in a narrow column).
TYPST_SETTINGS = """
#set text(hyphenate: true)
#set par(justify: true)
#show grid: set text(hyphenate: false)
#show grid: set par(justify: false)
#set page(header: context {
  if counter(page).get().first() > 1 {
    set text(size: 8pt)
    emph(%s)
    h(1fr)
    counter(page).display()
  }
})
"""


def _typst_string(text: str) -> str:
    """A Typst string literal: JSON's escapes for quotes and backslashes are Typst's too,
    and control characters are dropped first (JSON would write them as \\uXXXX)."""
    return json.dumps("".join(c for c in " ".join(text.split()) if c.isprintable()),
                      ensure_ascii=False)  # fmt: skip


def statement_typst(statement, *, paper: str = "a4", address: str = "") -> str:
    """The Typst source of the statement's PDF: pandoc's, with our settings."""
    metadata = book_metadata(statement)
    when = statement.issued.display() if statement.issued else statement.date_text
    if when:
        metadata["date"] = _text(when)
    head = TYPST_SETTINGS % _typst_string(statement.title)
    return _pandoc_book(
        statement,
        to="typst",
        metadata=metadata,
        address=address,
        args=(
            "--standalone",
            f"--variable=papersize:{PAPERS[paper]}",
            "--include-in-header=settings.typ",
        ),
        files={"settings.typ": head.encode()},
    ).decode("utf-8")


def statement_pdf(
    statement, *, paper: str = "a4", address: str = "", booklet: bool = False
) -> bytes:
    """A PDF set by Typst: serif body, hyphenation in the statement's language, notes at
    the foot of the page, running heads, the colophon last; or its pages imposed as a
    booklet (editions.imposition)."""
    return typeset_pdf(statement_typst(statement, paper=paper, address=address), booklet=booklet)


# A reader's book of several statements (the bookbuilder, editions.bookbuilder): each statement
# is a chapter, titled at the first level, its own headings one level down, its colophon last.
# In Typst a statement's language is set in a content block, not a layout block (pandoc's
# way with a div): a layout block around a book-length text took Typst past 2 GB.
CHAPTER_HEADINGS = b"""
function Header(el)
  if not el.classes:includes("chapter") then el.level = el.level + 1 end
  return el
end
function Div(el)
  if FORMAT ~= "typst" or not el.classes:includes("statement") then return nil end
  local blocks = {pandoc.RawBlock("typst", "#[")}
  local lang = el.attributes["lang"]
  if lang and lang:match("^%a%a$") then
    table.insert(blocks, pandoc.RawBlock("typst", '#set text(lang: "' .. lang .. '")'))
  end
  for _, block in ipairs(el.content) do table.insert(blocks, block) end
  table.insert(blocks, pandoc.RawBlock("typst", "]"))
  return blocks
end
"""
# Each statement's notes keep to its chapter: their labels get the chapter's number.
_NOTE_LABEL = re.compile(r"\[\^([^\]\s]+)\]")
_DIV = ":" * 12  # longer than any fence a body's own divs open with


def collection_metadata(statements, *, title: str) -> dict:
    """The book's title, its authors (up to six, else none named), the language most of its
    statements are in, and an identifier from the digests of its texts in their order."""
    authors: list[str] = []
    for statement in statements:
        for name in _names(statement, Authorship.Role.AUTHOR):
            if name not in authors:
                authors.append(name)
    languages = [s.language for s in statements if s.language]
    digest = hashlib.sha256(" ".join(s.body_sha256 for s in statements).encode()).hexdigest()
    return {
        "title": _text(title),
        "author": [_text(name) for name in authors] if len(authors) <= 6 else [],
        # The most common language; on a tie, the first statement's.
        "lang": max(languages, key=languages.count) if languages else "en",
        "toc-title": _text(_("Contents")),
        "identifier": [{"scheme": "URN", "text": f"urn:sha256:{digest}"}],
    }


def collection_markdown(statements, *, addresses: list[str]) -> str:
    """Every statement as a chapter in its own language: title, byline, text, colophon."""
    chapters = []
    for number, (statement, address) in enumerate(zip(statements, addresses, strict=True), 1):
        byline = ", ".join(_names(statement, Authorship.Role.AUTHOR))
        when = statement.issued.display() if statement.issued else statement.date_text
        line = " · ".join(part for part in (byline, when) if part)
        body = _NOTE_LABEL.sub(rf"[^c{number}-\1]", (statement.body or "").strip())
        lang = (
            f" lang={statement.language} dir={text_direction(statement.language)}"
            if statement.language
            else ""
        )
        chapters.append(
            f"# {_text(statement.title)} {{.chapter}}\n\n"
            + (f"*{_text(line)}*\n\n" if line else "")
            + f"{_DIV} {{.statement{lang}}}\n\n{body}\n\n{_DIV}\n\n"
            + book_colophon(statement, address=address)
        )
    return "\n\n".join(chapters)


def collection_epub(statements, *, title: str, addresses: list[str]) -> bytes:
    """One EPUB 3, a chapter and a table-of-contents entry per statement."""
    return _pandoc(
        collection_markdown(statements, addresses=addresses),
        to="epub3",
        metadata=collection_metadata(statements, title=title),
        args=("--toc", "--toc-depth=1", "--split-level=1"),
        lua=CHAPTER_HEADINGS,
    )


# Each statement starts on a new page.
TYPST_CHAPTERS = """
#show heading.where(level: 1): it => { pagebreak(weak: true); it }
"""


def collection_typst(statements, *, title: str, addresses: list[str], paper: str):
    """The Typst source of the book's PDF: a contents page by statement, then each one."""
    head = TYPST_SETTINGS % _typst_string(title) + TYPST_CHAPTERS
    return _pandoc(
        collection_markdown(statements, addresses=addresses),
        to="typst",
        metadata=collection_metadata(statements, title=title),
        args=(
            "--standalone",
            "--toc",
            "--toc-depth=1",
            f"--variable=papersize:{PAPERS[paper]}",
            "--include-in-header=settings.typ",
        ),
        files={"settings.typ": head.encode()},
        lua=CHAPTER_HEADINGS,
    ).decode("utf-8")
