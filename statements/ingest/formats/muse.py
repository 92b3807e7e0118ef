"""Amusewiki Muse sources: the header as Text::Amuse reads it, the body through pandoc."""

from __future__ import annotations

import datetime
import re
from pathlib import PurePosixPath

from django.utils.text import slugify
from django.utils.translation import gettext as _

from statements.core.dates import PartialDate, PartialDateError, partial_date_in_text
from statements.core.pandoc import ConversionError, pandoc_convert
from statements.core.records import AuthorCredit, StatementData
from statements.ingest.formats.common import (
    ImportFailure,
    ParsedFile,
    author_kind,
    language_detect,
    muse_inline_plain,
    source_from_line,
)
from statements.ingest.formats.footnotes import footnotes_kept

# Text::Amuse's \s on decoded text: a no-break space parts a directive's name from its value.
_DIRECTIVE = re.compile(r"#([A-Za-z0-9_-]+)(?:[ \t\u00a0]+(.*))?")
# Directives with a field of their own; every other one is kept in the statement's metadata.
MAPPED = {"title", "subtitle", "author", "authors", "sortauthors", "date", "lang", "source"}
MAPPED |= {"sorttopics", "topics", "cat", "teaser", "notes", "deleted", "issued", "pubdate", "uid"}


def directive_name(raw: str) -> str:
    """Text::Amuse ignores "-" and "_" in names; Amusewiki matches them case-insensitively."""
    return raw.replace("-", "").replace("_", "").lower()


def muse_split(text: str, repeats: list | None = None) -> tuple[dict[str, str], str]:
    """The header directives and the body, by Text::Amuse's rules.

    The header is every line from the top that is a ``#name value`` directive, a blank
    line, or a continuation (a line that follows a directive with no blank line between,
    joined to it); the body starts at the first other line. A repeated directive keeps its
    last value, as Text::Amuse does; ``repeats``, when given, gets (name, line number,
    the value that lost) for each directive given again.
    """
    directives: dict[str, str] = {}
    last: str | None = None
    lines = text.split("\n")
    index = 0
    for index, line in enumerate(lines):  # the index is read after the loop too
        line = line.expandtabs(4).rstrip()
        if not line.strip():
            last = None
            continue
        match = _DIRECTIVE.fullmatch(line)
        if match:
            name = directive_name(match[1])
            if not name:  # "#____": no name left, nothing to keep
                last = None
                continue
            if repeats is not None and name in directives:
                repeats.append((name, index + 1, " ".join(directives[name].split())))
            directives[name] = match[2] or ""
            last = name
        elif last is not None:
            directives[last] += "\n" + line
        else:
            break
    else:
        index = len(lines)
    cleaned = {name: " ".join(value.split()) for name, value in directives.items()}
    return cleaned, "\n".join(lines[index:])


def looks_like_muse(text: str) -> bool:
    """A Muse source starts with a header holding a #title directive."""
    head = text.lstrip("\n")[:20000]
    if not head.startswith("#") or head.startswith(("# ", "##")):
        return False
    directives, _body = muse_split(head)
    return "title" in directives


# Characters pandoc's Markdown writer copies as they are (checked one by one against pandoc
# in tests/ingest/test_importers.py), besides letters, digits, spaces and line ends.
# Not { }: "{1}" is Muse's secondary footnote.
_PLAIN_PUNCTUATION = set(".,;:!?'\"()-–—…’‘“”«»/%+，。、；：？！「」『』《》（）·„‚‹›°§№")
# Line starts Muse reads as something else: indentation, comments, lists, rules.
_PLAIN_START = re.compile(r"^(?:[ \t;:\-+]|\d+[.)])", re.MULTILINE)
# A first word Markdown could take for a list marker ("(5)", "A.", "iv)"): pandoc escapes it.
_LIST_MARKER_START = re.compile(r"^\(?\w{1,10}[.)](?:\s|$)")
_LITERAL_TAGS = re.compile(
    r"(?P<open><(?:example|verbatim|literal|src|comment|verse)\b|\{\{\{)"
    r"|(?P<close></(?:example|verbatim|literal|src|comment|verse)>|\}\}\})"
)
_PLACEHOLDER = "Zmuseplain{:06d}q"


def _plain_paragraph(block: str) -> bool:
    """A paragraph with no Muse markup, whose Markdown is its own words on one line."""
    if not block or not (block[0].isalnum() or block[0] in "\"'“‘«(„‚‹"):
        return False
    if _PLAIN_START.search(block) or _LIST_MARKER_START.match(block):
        return False
    if "::" in block or "://" in block or "www." in block:
        return False
    return all(c.isalnum() or c in _PLAIN_PUNCTUATION or c in " \n" for c in block)


def _set_aside_plain_paragraphs(body: str) -> tuple[str, dict[str, str]]:
    """Paragraphs without markup replaced by placeholder words, so that pandoc's Muse
    reader (about 60 KB/s) reads only what has markup; the paragraphs are put back in its
    output. Nothing inside a literal block (<example>, {{{ }}}, <verse>...) is touched."""
    blocks = re.split(r"(\n[ \t]*\n)", body)
    aside: dict[str, str] = {}
    inside_literal = False
    for index in range(0, len(blocks), 2):
        block = blocks[index]
        if not inside_literal and _plain_paragraph(block.strip("\n")):
            token = _PLACEHOLDER.format(len(aside))
            aside[token] = " ".join(block.split())
            blocks[index] = token
            continue
        for tag in _LITERAL_TAGS.finditer(block):
            inside_literal = tag["open"] is not None
    return "".join(blocks), aside


# Muse's table rows ("a | b", "Name || Count"), with the outer bars some files add
# ("| a | b |"), and its caption line ("|+ The caption +|").
_TABLE_ROW = re.compile(r"^\s*(?:\|{1,3}\s)?.*\s\|{1,3}(?:\s.*)?$")
_TABLE_OUTER_BARS = re.compile(r"^\s*\|{1,3}\s+|\s+\|{1,3}\s*$")
_TABLE_CAPTION = re.compile(r"^\s*\|\+\s*(.*?)\s*\+\|\s*$")


def _muse_patched(body: str) -> str:
    """What pandoc's Muse reader gets wrong, put the way it reads right:
    - a {{{ … }}} code block holding a "}" is flattened into a paragraph: made <example>;
    - table rows written between bars ("| a | 1 |") gain an empty column and a literal
      "|": the outer bars go;
    - a table's caption ("|+ … +|") comes out after the table: it goes before it, as an
      emphasised line of its own.
    Nothing inside a literal block (<example>, <verse>, …) is touched."""
    lines = body.split("\n")
    out: list[str] = []
    inside_literal = inside_code = False
    table_start = None  # where the table being read starts in ``out``
    for line in lines:
        stripped = line.strip()
        if inside_code:
            if stripped == "}}}":
                out.append("</example>")
                inside_code = False
            else:
                out.append(line)
            continue
        if not inside_literal and stripped == "{{{":
            out.append("<example>")
            inside_code = True
            table_start = None
            continue
        if not inside_literal:
            caption = _TABLE_CAPTION.match(line)
            if caption and table_start is not None:
                out[table_start:table_start] = [f"<em>{caption[1]}</em>", ""]
                continue
            if _TABLE_ROW.match(line) and not stripped.startswith(">"):
                table_start = len(out) if table_start is None else table_start
                out.append(_TABLE_OUTER_BARS.sub("", line) if stripped.startswith("|") else line)
                continue
            if caption:  # a caption before its table's rows
                out += [f"<em>{caption[1]}</em>", ""]
                continue
        table_start = None
        out.append(line)
        for tag in _LITERAL_TAGS.finditer(line):
            inside_literal = tag["open"] is not None
    if inside_code:
        out.append("</example>")
    return "\n".join(out)


def muse_to_markdown(body: str) -> str:
    """Muse body to our Markdown (CommonMark with footnotes, tables and hard line breaks),
    with pandoc's Muse reader. Muse's top heading level (*) becomes ## under the title.
    Paragraphs without markup go around pandoc (see _set_aside_plain_paragraphs)."""
    if not body.strip():
        return ""
    body = _muse_patched(body)
    source, aside = _set_aside_plain_paragraphs(body)
    markdown = _pandoc_muse(source)
    if aside:
        found = re.findall(r"Zmuseplain\d{6}q", markdown)
        if sorted(found) != sorted(aside):  # pandoc moved or dropped one: no shortcut
            return _pandoc_muse(body)
        markdown = re.sub(r"Zmuseplain\d{6}q", lambda m: aside[m[0]], markdown)
    return markdown


def _pandoc_muse(body: str) -> str:
    try:
        markdown = pandoc_convert(
            body,
            source="muse",
            # No "smart": it would write “quotes”, dashes and … as ASCII ('---' shows
            # as three hyphens on our pages); the text keeps the characters it was written in.
            to="commonmark_x-smart-attributes-bracketed_spans-fenced_divs-raw_html",
            extra_args=("--wrap=none", "--shift-heading-level-by=1"),
        )
    except (ConversionError, OSError) as error:
        raise ImportFailure(
            _("the Muse body could not be converted: %(error)s") % {"error": error}
        ) from None
    return markdown.lstrip("\n").rstrip() + "\n"  # a code block first keeps its indent


def _names(value: str) -> list[str]:
    separator = ";" if ";" in value else ","
    return [" ".join(name.split()) for name in value.split(separator) if name.strip()]


def slug_from_name(name: str) -> str:
    return slugify(PurePosixPath(name).stem, allow_unicode=True)[:255]


def muse_parse(text: str, *, name: str) -> list[ParsedFile]:
    repeats: list[tuple[str, int, str]] = []
    directives, body = muse_split(text, repeats)
    title = muse_inline_plain(directives.get("title", ""))
    if not title:
        raise ImportFailure(_("no #title in the header"))
    notes = [
        _(
            "line %(line)s: #%(directive)s given again: the last is kept, as Amusewiki keeps "
            "it (“%(kept)s”), not “%(lost)s”"
        )
        % {"line": line, "directive": directive, "kept": directives[directive], "lost": lost}
        for directive, line, lost in repeats
        if lost != directives[directive]
    ]
    if "sortauthors" in directives:
        names = _names(directives["sortauthors"])
    elif "authors" in directives:
        names = _names(directives["authors"])
    else:
        names = _names(muse_inline_plain(directives.get("author", "")))
    date_text = muse_inline_plain(directives.get("date", ""))
    issued = partial_date_in_text(date_text) if date_text else None
    if directives.get("issued"):  # our own exports: the exact partial date
        try:
            issued = PartialDate.parse(directives["issued"])
        except PartialDateError:
            notes.append(
                _("#issued “%(value)s” is not a date: left out") % {"value": directives["issued"]}
            )
    if date_text and issued is None:
        notes.append(_("date kept as written only: “%(text)s”") % {"text": date_text})
    language = directives.get("lang", "").strip().lower()[:3]
    first_line = text.count("\n") - body.count("\n") + 1
    body, footnote_notes = footnotes_kept(body, muse=True, first_line=first_line)
    notes += footnote_notes
    markdown = muse_to_markdown(body)
    if not language and (language := language_detect(markdown)):
        notes.append(_("no #lang: the language detected is %(language)s") % {"language": language})
    topics = directives.get("sorttopics") or directives.get("topics") or ""
    tags = _names(muse_inline_plain(topics)) if topics else []
    tags += directives.get("cat", "").replace(",", " ").split()  # category codes
    sources = [source_from_line(directives["source"])] if directives.get("source") else []
    metadata = {key: value for key, value in directives.items() if key not in MAPPED}
    published_at = _pubdate(directives["pubdate"]) if directives.get("pubdate") else None
    if directives.get("pubdate") and published_at is None:
        metadata["pubdate"] = directives["pubdate"]
        notes.append(
            _("#pubdate “%(value)s” is not a date: kept as read") % {"value": directives["pubdate"]}
        )
    if "deleted" in directives:
        metadata["deleted"] = directives["deleted"]
        notes.append(_("marked #DELETED in Amusewiki: imported as a draft"))
    if not body.strip():
        notes.append(_("no body"))
    data = StatementData(
        title=title[:500],
        subtitle=muse_inline_plain(directives.get("subtitle", ""))[:500],
        slug=slug_from_name(name),
        summary=muse_inline_plain(directives.get("teaser", "")),
        body=markdown,
        issued=issued,
        date_text=_date_text(date_text, issued),
        language=language,
        editorial_notes=muse_inline_plain(directives.get("notes", "")),
        credits=[AuthorCredit(name=n[:300], kind=author_kind(n)) for n in names],
        sources=sources,
        tags=[t[:100] for t in tags],
        metadata=metadata,
        uid=directives.get("uid", "")[:200],
        published_at=published_at,
    )
    return [ParsedFile(name=name, format="muse", data=data, notes=notes)]


def _pubdate(value: str) -> datetime.datetime | None:
    """Amusewiki's #pubdate in any of its shapes ("2018-11-01T14:36:51", "2019-06-14
    18:55:23 +0200", "2020-01-01", "…T…​.123Z"), as an aware time (UTC when none is given)."""
    text = value.strip().replace("Z", "+00:00")
    text = re.sub(r"\s*([+-])(\d{2}):?(\d{2})$", r"\1\2:\3", text)
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def _date_text(written: str, issued: PartialDate | None) -> str:
    """The date as written, unless it says no more than the date itself."""
    if not written or (issued and written in (issued.isoformat(), issued.display())):
        return ""
    return written[:200]
