"""Full-text search queries: the reader's text cleaned and parsed by every configuration
(see core.textsearch), and matches highlighted in snippets."""

from __future__ import annotations

import math
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

    def __init__(self, tsquery: str, terms: list[tuple[str, float]] | None = None) -> None:
        super().__init__(tsquery)
        self.tsquery = tsquery
        self.text = ""  # the words as the reader typed them
        # Each word typed, parsed alone (every configuration OR-ed), with its weight: its
        # inverse document frequency (ranking.py scores a statement by these).
        self.terms = terms or []
        self.near_ids: list[int] = []  # statements whose title is nearly the words typed
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


MAX_TERMS = 8
LONE_DASH = re.compile(r"(?<!\S)-+(?!\S)")

# One round trip: the whole text parsed by every configuration ('all' rows), each word
# parsed alone with how many public statements hold it ('term' rows, for its weight), and
# how many statements there are (the planner's estimate in a large archive, else a count).
PARSE_SQL = """
    SELECT DISTINCT 'all', 0, websearch_to_tsquery(config::regconfig, %(text)s)::text, 0::float
      FROM unnest(%(configs)s::text[]) AS config
    UNION ALL
    SELECT 'term', t.ord, string_agg(DISTINCT '( ' || q::text || ' )', ' | '),
           coalesce((SELECT w.documents FROM statements_searchword w
                      WHERE w.word = lower(unaccent(t.word))), 0)::float
      FROM unnest(%(words)s::text[]) WITH ORDINALITY AS t(word, ord),
           unnest(%(configs)s::text[]) AS config,
           LATERAL websearch_to_tsquery(config::regconfig, t.word) AS q
     WHERE q::text <> ''
     GROUP BY t.ord, t.word
    UNION ALL
    SELECT 'statements', 0, '', CASE WHEN c.reltuples > %(estimated_from)s THEN c.reltuples
                                     ELSE (SELECT count(*) FROM statements_statement) END
      FROM pg_class c WHERE c.oid = 'statements_statement'::regclass"""
# Below this many statements they are counted (quickly), above it the planner's estimate
# serves: a small archive's estimate may be stale by a large share (a test's rows, say).
COUNTED_UP_TO = 20_000


def query_words(text: str) -> list[str]:
    """The words typed to be found (not excluded with "-", not "or"), quotes aside."""
    words = []
    for token in text.split():
        token = token.strip("\"'()")
        if token and not token.startswith("-") and token.lower() != "or":
            words.append(token)
    return list(dict.fromkeys(words))[:MAX_TERMS]


def idf(documents: float, statements: float) -> float:
    """BM25's inverse document frequency: near 0 for a word in every statement, highest
    for a word in none of the vocabulary's."""
    statements = max(statements, documents, 1.0)
    return math.log(1 + (statements - documents + 0.5) / (documents + 0.5))


def search_query(text: str) -> ParsedQuery | None:
    """The text parsed in websearch style by every configuration, OR-ed: each statement is
    matched in the language it was indexed in, and the GIN index serves every branch.

    The configurations often agree ("really" is "really" in six of them), so the distinct
    parses are OR-ed once, in one round trip, rather than eight near-copies per row. The
    same round trip weighs each word (``ParsedQuery.terms``).
    None when no configuration finds a word to search for.
    """
    from django.db import DatabaseError, connections, router, transaction

    alias = router.db_for_read(None)
    # A dash standing alone ("The strike! - Paul Delesalle", a title typed whole) separates;
    # websearch_to_tsquery would take it for "not" the next word.
    text = LONE_DASH.sub(" ", text)
    try:
        # A savepoint: a query PostgreSQL refuses leaves the request's transaction usable.
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            cursor.execute(
                PARSE_SQL,
                {
                    "text": text,
                    "configs": ALL_CONFIGS,
                    "words": query_words(text),
                    "estimated_from": COUNTED_UP_TO,
                },
            )
            rows = cursor.fetchall()
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
    parsed = sorted(query for kind, _, query, _ in rows if kind == "all" and query)
    if not parsed:
        return None
    statements = next((value for kind, *_, value in rows if kind == "statements"), 1.0)
    terms = [
        (query, idf(documents, statements))
        for kind, _, query, documents in sorted(rows, key=lambda row: row[1])
        if kind == "term"
    ]
    return ParsedQuery(" | ".join(f"( {query} )" for query in parsed), terms)


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
# heading underlines, an image's "!", link brackets, a list item's dash.
MARKDOWN_NOISE = (
    r"\[\^[^]]*\]:?|^#+ |^[ |:-]*-{3,}[ |:-]*$|^[=*_ ]{3,}$|[*_`|]+|^> |!(?=\[)|\]\([^)]*\)"
    r"|[][]|^[ \t]*[-+] "
)


# Markdown's escapes ("\\#38" for "#38"), hard line breaks (a backslash at a line's end) and
# autolinks ("<https://…>"): the character, nothing, the address.
MARKDOWN_ESCAPES = r"\\([[:punct:]])|\\$|<((?:https?|mailto):[^>[:space:]]*)>"

_SNIPPET_LEAD = 200


def snippet_words(text: str) -> list[str]:
    """The words typed (not excluded with "-", not "or"), as typed and capitalised: what
    the snippet window looks for in the body."""
    words = []
    for token in query_words(text):
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
    unescaped = f"regexp_replace({source}, %s, '\\1\\2', 'gn')"
    sql = f"translate(regexp_replace({unescaped}, %s, ' ', 'gn'), '<>', %s)"
    return sql, [*params, MARKDOWN_ESCAPES, MARKDOWN_NOISE, LT_STAND_IN + GT_STAND_IN]
