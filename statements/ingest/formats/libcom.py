"""libcom.org's text exports: the metadata line near the top (the full title, then "Date: …
Source: <address> Tags: <names, …>", where the page's description and then its text often
run straight on after the last tag), and the reader comments under the page."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from statements.core.records import SourceData

if TYPE_CHECKING:
    from statements.ingest.formats.reading import TextReading

# libcom's metadata line. A PDF conversion may have wrapped the address with a space in it
# ("…-co mmunists-ast"): one such break is joined back.
LIBCOM = re.compile(
    r"Date:\s*(?P<date>.*?)\s+Source:\s*(?P<url>https?://\S+(?: [\w%./~-]+)?)"
    r"(?:\s+Tags:\s*(?P<tags>.*)|\s*)$"
)
# A libcom tag is a name: a few words, no sentence in it.
_TAG_MAX_WORDS = 8
_TAG_MAX_CHARS = 80
# A sentence ends inside: "…generally. The…", or glued "…2011.This"; never an initial or
# an abbreviation ("E. Rayner", "Vincent St. John", "assembly.org.ua").
_SENTENCE_INSIDE = re.compile(
    r"[a-z]{2}[.!?]\s+[A-Z0-9“\"]|[a-z0-9]{2}[.!?][A-Z][a-z]|\s\S*[a-z]{2}\.$"
)
# Reader comments under a libcom page: "<name>", "3 years 10 months ago", "In reply to …".
_COMMENT_AGE = re.compile(
    r"^\s*(?:\d+|an?)\s+(?:year|month|week|day|hour|minute|second)s?"
    r"(?:,?\s+\d+\s+(?:year|month|week|day|hour|minute|second)s?)?\s+ago\s*$",
    re.IGNORECASE,
)
# The same on the text's own line, after a sentence: "…win. Nadia 3 years 10 months ago …".
_COMMENT_AGE_INLINE = re.compile(
    r"(?<=[.!?\"”)])\s+(?P<name>[^\s.!?]{1,40}(?: [^\s.!?]{1,40})?)\s+(?:\d+|an?)\s+"
    r"(?:year|month|week|day|hour|minute|second)s?"
    r"(?:,?\s+\d+\s+(?:year|month|week|day|hour|minute|second)s?)?\s+ago\b",
    re.IGNORECASE,
)
_SITE_CHROME = re.compile(r"^\s*(?:#+\s*)?(?:Log in or register to post comments|In reply to)")


def libcom_line(reading: TextReading) -> None:
    """libcom's export keeps its metadata on one line near the top: the full title, then
    "Date: … Source: <address> Tags: <names, …>", where the text often runs straight on
    after the last tag, and a tag list too long for the line goes on as a "## " line."""
    for index, line in enumerate(reading.body_lines[:5]):
        found = LIBCOM.search(line)
        if not found:
            continue
        if not found["tags"] and (joined := _address_joined(reading.body_lines, index)):
            line, found = joined, LIBCOM.search(joined)
        if found["date"].lower() != "unknown":
            reading.date_line = reading.date_line or found["date"]
        url = found["url"].replace(" ", "")
        reading.sources.append(SourceData(url=url[:2000], site_name="libcom.org"))
        tags, rest = _libcom_tags(found["tags"] or "")
        if found["tags"] and not rest:
            tags = _libcom_tags_wrapped(reading, index, found["tags"], tags)
        reading.tags += tags
        before = line[: found.start()].strip()
        if before and same_title(reading.title, before):
            reading.title, before = before, ""  # the full form of a shortened title
        reading.body_lines[index : index + 1] = [part for part in (before, rest) if part]
        return


# The rest of an address the export broke across lines, and what followed it there.
_ADDRESS_REST = re.compile(r"^([\w%./~#?=&+-]+)(\s+Tags:.*)?$")


def _address_joined(lines: list[str], index: int) -> str:
    """The metadata line with the rest of its address, when the export broke the address at
    the end of the line ("…/rent-strike-four-" then "towers-call Tags: …"): the two lines
    made one (the second gone from the text); "" when the next line is no such rest."""
    if index + 1 >= len(lines) or not re.search(r"Source:\s*\S+$", lines[index]):
        return ""
    rest = _ADDRESS_REST.match(lines[index + 1].strip())
    if not rest or not (rest[2] or lines[index].endswith(("-", "/", "_", "."))):
        return ""
    joined = lines[index].rstrip() + lines[index + 1].strip()
    lines[index : index + 2] = [joined]
    return joined


def _is_name(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= _TAG_MAX_WORDS
        and len(text) <= _TAG_MAX_CHARS
        and not _SENTENCE_INSIDE.search(text)
    )


# Words a description starts with after the last tag ("…, James Meredith In 1962, …"),
# which no tag has inside it.
_STARTERS = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "This",
        "These",
        "We",
        "It",
        "After",
        "When",
        "While",
        "During",
        "Since",
        "Today",
        "Every",
        "Each",
        "Last",
    ]
)
_FUNCTION_FIRST = re.compile(r"^(?:and|or|but|the|a|an|which|who|that|to|with|as|while|so)\b")
_LINE_ENDS_SENTENCE = re.compile(r"[.!?…][\"”’)]?\s*$")


def _libcom_tags(text: str) -> tuple[list[str], str]:
    """libcom's tags, and the text that ran on after the last of them (the page's
    description, then its text): "…, police March 15 is the International Day…". The
    description starts in the first item that is no name, or, when the line ends a
    sentence (a description is there), that reads as prose: a word a sentence starts with
    after a name ("James Meredith In 1962"), a colon, a first word such as "and" or "the",
    a full stop at the end. There, at the word the sentence starts with; where that item
    has none (a list in the description: "…, the railways, the post"), in the nearest item
    before it that has one."""
    described = bool(_LINE_ENDS_SENTENCE.search(text))
    items = list(re.finditer(r"[^,]+", text))
    tags: list[str] = []
    for index, item in enumerate(items):
        value = item[0].strip()
        if _is_name(value) and not (described and _prose_like(value)):
            tags.append(value)
            continue
        for back in range(index, -1 if described else index - 1, -1):
            start = _sentence_start(items[back][0])
            if start is not None:
                kept = [*tags[:back], items[back][0][:start].strip()]
                return kept, text[items[back].start() + start :].strip()
        return tags, text[item.start() :].strip()
    return tags, ""


def _prose_like(value: str) -> bool:
    words = value.split()
    return bool(
        any(word in _STARTERS for word in words[1:-1] or words[1:2])
        or re.search(r"[:;]\s", value)
        or _FUNCTION_FIRST.match(value)
        or (len(words) > 1 and _LINE_ENDS_SENTENCE.search(value) and not value.endswith(" St."))
    )


def _starts_sentence(word: str) -> bool:
    return word[0].isupper() or word[0].isdigit() or word[0] in '"“‘('


def _sentence_start(item: str) -> int | None:
    """Where a sentence starts inside ``item`` after its first word: a word sentences start
    with first; else a capital or digit followed by a word in lower case ("Freedom Press
    The paper": not "Press"); else the first capital or digit. None when there is none."""
    words = list(re.finditer(r"\S+", item))[: _TAG_MAX_WORDS + 1]
    starts = [(n, w) for n, w in enumerate(words) if n and _starts_sentence(w[0])]
    for _n, word in starts:
        if word[0] in _STARTERS:
            return word.start()
    for n, word in starts:
        after = words[n + 1][0] if n + 1 < len(words) else ""
        if not after or not after[0].isupper():
            return word.start()
    return starts[0][1].start() if starts else None


def _libcom_tags_wrapped(reading: TextReading, index: int, text: str, tags: list[str]) -> list[str]:
    """A tag list the export wrapped: the next line, made a "## " heading, holds its end
    ("…, International Confederation of" then "## Labour, USI-CIT")."""
    following = index + 1
    while following < len(reading.body_lines) and not reading.body_lines[following].strip():
        following += 1
    if following >= len(reading.body_lines):
        return tags
    line = reading.body_lines[following]
    if not line.startswith("## ") or len(line) > 3 + _TAG_MAX_CHARS * 2:
        return tags
    more = [item.strip() for item in line[3:].split(",") if item.strip()]
    if not more or not all(_is_name(item) for item in more):
        return tags
    if tags and not text.rstrip().endswith(","):
        tags[-1] = f"{tags[-1]} {more.pop(0)}"  # a name cut in two: "Shaheen" / "Bagh"
    del reading.body_lines[index + 1 : following + 1]
    return tags + more


def _folded(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def same_title(short: str, full: str) -> bool:
    """Whether ``full`` is the whole of a title that ``short`` gives cut and without its
    punctuation ("Anti Fascist Or Pro Police" of "Anti-Fascist: Or Pro-Police? - …")."""
    short, full_folded = _folded(short), _folded(full)
    return len(short) >= 8 and len(full) <= 500 and full_folded.startswith(short)


def reader_comments(reading: TextReading) -> None:
    """Reader comments under a libcom page ("Fozzie", "3 years 10 months ago", "In reply
    to …", the comment) are not the statement's text: cut, and kept in the metadata."""
    lines = reading.body_lines
    age = next((i for i, line in enumerate(lines) if i >= 3 and _COMMENT_AGE.match(line)), None)
    inline = None
    if age is None:
        inline = next(
            (
                (i, found)
                for i, line in enumerate(lines)
                if i >= 1 and (found := _COMMENT_AGE_INLINE.search(line))
            ),
            None,
        )
    if inline is not None:  # "…we will win. Nadia 3 years ago Is there a date…"
        at, found = inline
        comments = "\n".join([lines[at][found.start("name") :], *lines[at + 1 :]]).strip()
        reading.metadata["reader comments"] = comments
        reading.body_lines = [*lines[:at], lines[at][: found.start()].rstrip()]
        return
    if age is None:
        chrome = [line for line in lines if _SITE_CHROME.match(line)]
        if chrome:
            reading.body_lines = [line for line in lines if not _SITE_CHROME.match(line)]
        return
    start = age
    name = next((i for i in range(age - 1, max(age - 4, 0), -1) if lines[i].strip()), None)
    if (
        name is not None
        and len(lines[name].strip()) <= 60
        and not _SENTENCE_INSIDE.search(lines[name].rstrip("."))
    ):
        start = name
    comments = "\n".join(lines[start:]).strip()
    reading.metadata["reader comments"] = comments
    reading.body_lines = lines[:start]
    while reading.body_lines and not reading.body_lines[-1].strip():
        reading.body_lines.pop()
