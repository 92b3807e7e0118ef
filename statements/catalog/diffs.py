"""What changed between two states of a statement: the body word by word (lines are matched
first, then the words of each changed run of lines, so a long text costs little), and each
field, credit list, source list and tag list as before and after."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from statements.core.dates import PartialDate
from statements.models import Statement, credited, tags_by_name

# Words, runs of spaces and single punctuation marks: a changed comma shows as one.
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
# A changed run longer than this is shown as lines removed and added, not word by word:
# SequenceMatcher is quadratic at worst.
_WORDS_AT_MOST = 20_000
# Unchanged lines kept around a change; longer unchanged runs are folded.
_CONTEXT_LINES = 2


@dataclass(frozen=True)
class Segment:
    kind: str  # "equal", "delete", "insert", or "fold" (unchanged lines left out)
    text: str


def _words(old: str, new: str) -> list[Segment]:
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    if len(before) + len(after) > _WORDS_AT_MOST:
        return [Segment("delete", old), Segment("insert", new)]
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    segments = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("equal", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("delete", "".join(before[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", "".join(after[j1:j2])))
    return segments


def _unchanged(lines: list[str], first: bool, last: bool) -> list[Segment]:
    keep_head = 0 if first else _CONTEXT_LINES
    keep_tail = 0 if last else _CONTEXT_LINES
    if len(lines) <= keep_head + keep_tail + 1:
        return [Segment("equal", "".join(lines))]
    segments = []
    if keep_head:
        segments.append(Segment("equal", "".join(lines[:keep_head])))
    folded = len(lines) - keep_head - keep_tail
    segments.append(Segment("fold", f"{folded} unchanged line{'s' if folded != 1 else ''}"))
    if keep_tail:
        segments.append(Segment("equal", "".join(lines[-keep_tail:])))
    return segments


def text_diff(old: str, new: str) -> list[Segment]:
    """The changes from ``old`` to ``new``, word by word within changed lines; unchanged
    stretches folded but for a couple of lines around each change."""
    before, after = old.splitlines(keepends=True), new.splitlines(keepends=True)
    opcodes = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    segments: list[Segment] = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            first, last = index == 0, index == len(opcodes) - 1
            segments += _unchanged(before[i1:i2], first, last)
        else:
            segments += _words("".join(before[i1:i2]), "".join(after[j1:j2]))
    return segments


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


def _described(statement: Statement) -> dict[str, str]:
    def credits(role: str) -> str:
        return "\n".join(author.name for author in credited(statement, role, editors=True))

    issued = statement.issued
    return {
        str(_("Title")): statement.title,
        str(_("Subtitle")): statement.subtitle,
        str(_("Summary")): statement.summary,
        str(_("Date of issue")): issued.display() if isinstance(issued, PartialDate) else "",
        str(_("Date as written")): statement.date_text,
        str(_("Place")): statement.place,
        str(_("Language")): statement.language,
        str(_("Rights")): statement.rights,
        str(_("Editorial notes")): statement.editorial_notes,
        str(_("Status")): statement.get_status_display(),
        str(_("Published at")): (
            statement.published_at.strftime("%Y-%m-%d %H:%M") if statement.published_at else ""
        ),
        str(_("Authors")): credits("author"),
        str(_("Signatories")): credits("signatory"),
        str(_("Translators")): credits("translator"),
        str(_("Publishers")): credits("publisher"),
        str(_("Tags")): ", ".join(tag.name for tag in tags_by_name(statement)),
        str(_("Sources")): "\n".join(str(source) for source in statement.sources.all()),
    }


def fields_diff(old: Statement | None, new: Statement) -> list[FieldChange]:
    """Each field (and list of credits, tags, sources) that differs, before and after; the
    body is text_diff's. Against no earlier state, every field that has a value."""
    after = _described(new)
    before = _described(old) if old is not None else dict.fromkeys(after, "")
    return [
        FieldChange(label, before[label], after[label])
        for label in after
        if before[label] != after[label]
    ]


@dataclass(frozen=True)
class SideBySide:
    """One row of two texts compared: the left's part and the right's, as segments
    ("equal", "delete" on the left, "insert" on the right, "fold" on both)."""

    left: tuple[Segment, ...]
    right: tuple[Segment, ...]


def side_by_side(left: str, right: str) -> list[SideBySide]:
    """Two texts side by side, line runs matched, the words of changed runs marked, and long
    unchanged runs folded: for an editor deciding whether two statements are one text."""
    rows = []
    segments = text_diff(left, right)
    pending_left: list[Segment] = []
    pending_right: list[Segment] = []

    def flush() -> None:
        if pending_left or pending_right:
            rows.append(SideBySide(tuple(pending_left), tuple(pending_right)))
            pending_left.clear()
            pending_right.clear()

    for segment in segments:
        if segment.kind == "fold":
            flush()
            rows.append(SideBySide((segment,), (segment,)))
        elif segment.kind == "delete":
            pending_left.append(segment)
        elif segment.kind == "insert":
            pending_right.append(segment)
        else:
            pending_left.append(segment)
            pending_right.append(segment)
            if segment.text.endswith("\n"):
                flush()
    flush()
    return rows
