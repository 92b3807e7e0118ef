"""Full-text search queries: the reader's text cleaned and parsed by every configuration
(see core.textsearch), and matches highlighted in snippets."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from statements.core.textsearch import ALL_CONFIGS

MAX_QUERY_LENGTH = 300
HIGHLIGHT_START, HIGHLIGHT_STOP = "\x02", "\x03"
# ts_headline drops anything shaped like an HTML tag; angle brackets go through it as these
# private-use characters instead, and come back escaped.
LT_STAND_IN, GT_STAND_IN = "\ue000", "\ue001"
_CONTROL = {code: None for code in range(32) if code not in (9, 10, 13)}


def search_text_clean(text: str) -> tuple[str, bool]:
    """The query as PostgreSQL may receive it: no control characters (NUL included), white
    space folded, at most MAX_QUERY_LENGTH characters. Returns (text, was_cut)."""
    cleaned = " ".join((text or "").translate(_CONTROL).split())
    if len(cleaned) > MAX_QUERY_LENGTH:
        return cleaned[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0], True
    return cleaned, False


class SearchSyntaxError(ValueError):
    """A query PostgreSQL cannot take (too deeply nested, say): the reader's to change."""


class ParsedQuery(SearchQuery):
    """A tsquery PostgreSQL has already parsed, passed back as a literal."""

    def __init__(self, tsquery: str) -> None:
        super().__init__(tsquery)
        self.tsquery = tsquery
        self.text = ""  # the words as the reader typed them
        # A NOT (``-word``) outside the quoted lexemes: a statement can then match on its
        # title and names alone and still not match once its body counts.
        operators = re.sub(r"'(?:[^']|'')*'", "", tsquery)
        self.negated = "!" in operators
        # A quoted phrase: words at given distances (``<->``, ``<2>``), which a GIN index
        # cannot check (it keeps no positions).
        self.phrase = "<" in operators

    def as_sql(self, compiler, connection, function=None, template=None):
        return "%s::tsquery", [self.tsquery]


def _refused_query(error: Exception) -> bool:
    """Whether PostgreSQL refused the query itself (too complex, malformed), not failed."""
    state = getattr(error.__cause__, "sqlstate", None) or ""
    message = str(error)
    return (
        state.startswith(("54", "22", "42601"))  # limits passed, bad data, syntax
        or (state == "XX000" and "tsquery" in message)  # "tsquery stack too small"
    )


def search_query(text: str) -> SearchQuery | None:
    """The text parsed in websearch style by every configuration, OR-ed: each statement is
    matched in the language it was indexed in, and the GIN index serves every branch.

    The configurations often agree ("really" is "really" in six of them), so the distinct
    parses are OR-ed once, in one round trip, rather than eight near-copies per row.
    None when no configuration finds a word to search for.
    """
    from django.db import DatabaseError, connections, router, transaction

    alias = router.db_for_read(None)
    try:
        # A savepoint: a query PostgreSQL refuses leaves the request's transaction usable.
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT websearch_to_tsquery(config::regconfig, %s)::text"
                " FROM unnest(%s::text[]) AS config",
                [text, ALL_CONFIGS],
            )
            parsed = sorted(row[0] for row in cursor.fetchall() if row[0])
    except DatabaseError as error:
        if not _refused_query(error):
            raise  # the database away, say: the reader's query is not at fault
        # "tsquery stack too small" for forty hyphens in a row, and the like.
        raise SearchSyntaxError(
            _(
                "This search cannot be run: it has too many operators (-, OR, quotes) for the "
                "words it holds (%(detail)s). Search for words."
            )
            % {"detail": str(error).strip().splitlines()[0][:120]}
        ) from None
    if not parsed:
        return None
    return ParsedQuery(" | ".join(f"( {query} )" for query in parsed))


def highlight_html(headline: str) -> SafeString:
    """Escape a headline, then turn the sentinels PostgreSQL put around matches into <mark>.

    Safe by construction: every character of the text is escaped before the only markup,
    <mark> and </mark>, is put in.
    """
    marked = (
        escape(headline)
        .replace(LT_STAND_IN, "&lt;")
        .replace(GT_STAND_IN, "&gt;")
        .replace(HIGHLIGHT_START, "<mark>")
        .replace(HIGHLIGHT_STOP, "</mark>")
    )
    return mark_safe(marked)  # noqa: S308


# Markdown punctuation a reader should not see in a snippet: footnote marks, heading hashes,
# emphasis, quote and table markers, a table's delimiter row ("| --- | :-: |"), rules and
# heading underlines, link brackets.
MARKDOWN_NOISE = (
    r"\[\^[^]]*\]:?|^#+ |^[ |:-]*-{3,}[ |:-]*$|^[=*_ ]{3,}$|[*_`|]+|^> |\]\([^)]*\)|[][]"
)


_SNIPPET_LEAD = 200


def snippet_words(text: str) -> list[str]:
    """The words typed (not excluded with "-", not "or"), as typed and capitalised: what
    the snippet window looks for in the body."""
    words = []
    for token in text.split():
        if token.startswith("-") or token.lower() == "or":
            continue
        if word := re.search(r"\w{3,}", token):
            words += [word[0].lower(), word[0].lower().capitalize()]
    return list(dict.fromkeys(words))[:10]


def headline_sql(words: list[str], length: int) -> tuple[str, list]:
    """The SQL of a window of a statement's Markdown body as plain words, angle brackets
    swapped for stand-ins (an expression over ``body``), and its parameters.

    The window starts a little before the first place where one of ``words`` occurs as
    written, or at the start: ts_headline parses all it is given (about 6 MB/s), so it gets
    ``length`` characters around a likely match rather than the start of every body.
    strpos over the whole body costs less than over left() of it, which copies first."""
    if words:
        found = ", ".join(["NULLIF(strpos(body, %s), 0)"] * len(words))
        start = f"GREATEST(COALESCE(LEAST({found}), 1) - {_SNIPPET_LEAD}, 1)"
        params: list = list(words)
    else:
        start, params = "1", []
    source = f"substr(body, {start}, {int(length)})"
    sql = f"translate(regexp_replace({source}, %s, ' ', 'gn'), '<>', %s)"
    return sql, [*params, MARKDOWN_NOISE, LT_STAND_IN + GT_STAND_IN]
