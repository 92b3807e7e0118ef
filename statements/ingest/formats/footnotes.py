"""Footnotes that lost their other half: a reference to a note that has no text, or a note
that nothing cites. Pandoc's Muse reader and the Markdown renderer both drop a note nobody
cites, words and all; here its text is kept where it stands, as a paragraph, and both cases
are reported with their line."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# Muse: a note is "[1] text" (or a secondary "{1} text") at the start of a line, cited as
# "[1]" ("{1}") anywhere else.
_MUSE_NOTE = re.compile(r"^(?:\[(\d+)\]|\{(\d+)\})(?=\s)", re.MULTILINE)
_MUSE_CITE = re.compile(r"(?<![\[\]])\[(\d+)\](?!\])|\{(\d+)\}")  # not a link's "[[…][77]]"
# Markdown: "[^x]: text" at the start of a line, cited as "[^x]".
_MD_NOTE = re.compile(r"^\[\^([^\]\s]+)\]:", re.MULTILINE)
_MD_CITE = re.compile(r"\[\^([^\]\s]+)\](?!:)")


# What is code, not text: no note is cited there.
_MUSE_CODE = re.compile(
    r"<(example|verbatim|code|src)\b[^>]*>.*?</\1>|\{\{\{.*?\}\}\}|(?<!\w)=[^=\n]+=(?!\w)",
    re.DOTALL | re.IGNORECASE,
)
_MD_CODE = re.compile(r"^(```|~~~).*?^\1|`[^`\n]+`", re.DOTALL | re.MULTILINE)


def _code_blanked(text: str, muse: bool) -> str:
    """``text`` with its code blanked out, character for character (offsets stay)."""
    pattern = _MUSE_CODE if muse else _MD_CODE
    return pattern.sub(lambda found: re.sub(r"[^\n]", " ", found[0]), text)


def _line_of(text: str, offset: int, lines: list[str] | None, first_line: int) -> int:
    """The file's line of ``offset`` in ``text``: counted from ``first_line``, or, given the
    file's ``lines``, the first file line that is the text's line."""
    number = text.count("\n", 0, offset)
    if lines is not None:
        start = text.rfind("\n", 0, offset) + 1
        wanted = text[start : text.find("\n", offset) if "\n" in text[offset:] else None]
        return next((n + 1 for n, line in enumerate(lines) if line == wanted), number + 1)
    return first_line + number


def _key(found: re.Match) -> str:
    return f"[{found[1]}]" if found[1] else f"{{{found[2]}}}"


def footnotes_kept(
    body: str, *, muse: bool, first_line: int = 1, lines: list[str] | None = None
) -> tuple[str, list[str]]:
    """``body`` (Muse, or our Markdown) with every note that nothing cites made a paragraph
    that keeps its mark as text, and the warnings by line: such notes, and references to a
    note that has no text (which stay as written)."""
    note_pattern, cite_pattern = (_MUSE_NOTE, _MUSE_CITE) if muse else (_MD_NOTE, _MD_CITE)
    key = _key if muse else (lambda found: f"[^{found[1]}]")
    text = _code_blanked(body, muse)
    notes = {key(found): found for found in note_pattern.finditer(text)}
    note_starts = {found.start() for found in notes.values()}
    cited = [found for found in cite_pattern.finditer(text) if found.start() not in note_starts]
    said = []
    # "[1881]" with no such note is an editor's year, not a reference.
    for mark in {key(found) for found in cited if len(found[1] or found[2] or "") < 4} - set(notes):
        first = next(found for found in cited if key(found) == mark)
        line = _line_of(body, first.start(), lines, first_line)
        message = _("line %(line)s: note %(mark)s is cited but has no text: kept as written")
        said.append((line, message % {"line": line, "mark": mark}))
    uncited = [found for mark, found in notes.items() if mark not in {key(f) for f in cited}]
    for found in sorted(uncited, key=lambda found: -found.start()):
        line = _line_of(body, found.start(), lines, first_line)
        mark = key(found)
        message = _(
            "line %(line)s: note %(mark)s is cited nowhere: its text is kept as a paragraph"
        )
        said.append((line, message % {"line": line, "mark": mark}))
        escaped = f"<verbatim>{mark}</verbatim>" if muse else f"\\[{found[1]}\\]"
        body = body[: found.start()] + escaped + body[found.end() :]
    return body, [message for _line, message in sorted(said)]
