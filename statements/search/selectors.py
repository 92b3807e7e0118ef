"""Reads: full-text search of the published statements, within the list filters.

A search runs a fixed number of queries whatever the number of matches: the parsed query,
the first ids of the match (count and facets come from them), one page of rows, snippets
for that page only, the facet queries, and the extras (exact name matches, or "did you
mean" when nothing matched).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from statements.catalog.filters import StatementFilters
from statements.catalog.phrase_index import INDEX as PHRASE_INDEX
from statements.catalog.selectors import statement_cards, statement_filtered, statement_sorted
from statements.catalog.timeline import timeline_counts
from statements.core.languages import language_name
from statements.core.textsearch import SIMPLE_CONFIG
from statements.models import Author, Statement, Tag, slug_url
from statements.search.query import (
    HIGHLIGHT_START,
    HIGHLIGHT_STOP,
    ParsedQuery,
    headline_sql,
    highlight_html,
    query_words,
    search_query,
    snippet_words,
)
from statements.search.ranking import (
    NEAR_TITLE,
    RowReader,
    among_ids,
    id_array,
    ranked_ids,
    ranked_page,
    reading_database,
)

SEARCH_PAGE_SIZE = 20
COUNT_CAP = 1000
FACET_SAMPLE = 1000  # as many as the count shows; 2,000 cost a search 14 ms more
FACET_SIZE = 12
NEAR_TITLE_CAP = 20
SNIPPET_SOURCE_LENGTH = 1_000  # a window around the first typed word found (query.py);
# 2,000 cost a rare word's search 5 ms more at 100,000 statements, for 80 words shown


class Named(NamedTuple):
    """An author or a tag named exactly as searched: its name and its page."""

    name: str
    url: str


@dataclass
class SearchResults:
    rows: list[Statement]
    total: int
    total_capped: bool
    has_next: bool
    facets: dict[str, list[dict]]
    facets_sampled: bool
    facet_sample: int = 0
    exact_authors: list[Named] = field(default_factory=list)
    exact_tags: list[Named] = field(default_factory=list)
    suggestion: str = ""
    similar_titles: list[Named] = field(default_factory=list)
    similar_authors: list[Named] = field(default_factory=list)
    any_words: bool = False
    # The matches' dates (of the same sample as the facets): catalog.timeline's counts.
    dates: tuple[dict, int] = ({}, 0)


FACET_SQL = {
    "tags": """
        SELECT t.slug, t.name, count(*) AS n FROM statements_taggedstatement ts
          JOIN statements_tag t ON t.id = ts.tag_id
         WHERE ts.content_object_id = ANY(%s::int[])
         GROUP BY t.id ORDER BY n DESC, t.name LIMIT %s""",
    "authors": """
        SELECT a.slug, a.name, count(*) AS n
          FROM statements_authorship ship JOIN statements_author a ON a.id = ship.author_id
         WHERE ship.statement_id = ANY(%s::int[]) AND ship.role = 'author'
         GROUP BY a.id ORDER BY n DESC, a.name LIMIT %s""",
    # Years and languages in one pass over the statements; each is cut to its size after.
    "years and languages": """
        SELECT extract(year FROM date_start)::int AS year, nullif(language, '') AS language,
               count(*) AS n
          FROM statements_statement
         WHERE id = ANY(%s::int[])
         GROUP BY GROUPING SETS ((1), (2))
         ORDER BY n DESC, year DESC, language""",
}


def _facets(ids: list[int]) -> dict[str, list[dict]]:
    """Counts per tag, author, year and language over the given matching statements."""
    with reading_database().cursor() as cursor:
        array = id_array(ids)
        cursor.execute(FACET_SQL["tags"], [array, FACET_SIZE])
        tags = cursor.fetchall()
        # The authorship's (statement, author, role) is unique: count(*) counts statements.
        cursor.execute(FACET_SQL["authors"], [array, FACET_SIZE])
        authors = cursor.fetchall()
        cursor.execute(FACET_SQL["years and languages"], [array])
        grouped = cursor.fetchall()
    # A grouping set leaves the other column NULL; a statement with no date (or no
    # language) gives a NULL in its own set, which counts for nothing.
    years = [(y, c) for y, language, c in grouped if y is not None and language is None]
    languages = [(code, c) for y, code, c in grouped if code is not None and y is None]
    return {
        "tags": [{"slug": s, "name": n, "count": c} for s, n, c in tags],
        "authors": [{"slug": s, "name": n, "count": c} for s, n, c in authors],
        "years": sorted(
            ({"year": y, "count": c} for y, c in years[:FACET_SIZE]), key=lambda row: -row["year"]
        ),
        "languages": [
            {"language": code, "name": language_name(code), "count": c}
            for code, c in languages[:FACET_SIZE]
        ],
    }


# Named as searched, letter case and accents aside (the names' archive_fold indexes), with at
# least one published statement.
EXACT_SQL = """
    (SELECT 'author', a.slug, a.name FROM statements_author a
      WHERE archive_fold(a.name) = archive_fold(%(text)s)
        AND EXISTS (SELECT 1 FROM statements_authorship ship
                      JOIN statements_statement s ON s.id = ship.statement_id
                     WHERE ship.author_id = a.id AND statements_is_public(s.status, s.published_at)
                       AND (s.signatories_public OR ship.role <> 'signatory'))
      ORDER BY a.name LIMIT 3)
    UNION ALL
    (SELECT 'tag', t.slug, t.name FROM statements_tag t
      WHERE archive_fold(t.name) = archive_fold(%(text)s)
        AND EXISTS (SELECT 1 FROM statements_taggedstatement ts
                      JOIN statements_statement s ON s.id = ts.content_object_id
                     WHERE ts.tag_id = t.id AND statements_is_public(s.status, s.published_at))
      ORDER BY t.name LIMIT 3)"""


# Titles and authors that look like the text (pg_trgm's similarity, through the trigram
# indexes), of published statements only.
SIMILAR_SQL = """
    (SELECT 'title', s.slug, s.title FROM statements_statement s
      WHERE statements_is_public(s.status, s.published_at)
        AND s.title %% %(text)s
      ORDER BY similarity(s.title, %(text)s) DESC, s.id LIMIT 5)
    UNION ALL
    (SELECT 'author', a.slug, a.name FROM statements_author a
      WHERE a.name %% %(text)s
        AND EXISTS (SELECT 1 FROM statements_authorship ship
                      JOIN statements_statement s ON s.id = ship.statement_id
                     WHERE ship.author_id = a.id AND statements_is_public(s.status, s.published_at)
                       AND (s.signatories_public OR ship.role <> 'signatory'))
      ORDER BY similarity(a.name, %(text)s) DESC, a.id LIMIT 5)"""


def _exact_names(text: str) -> tuple[list[Named], list[Named]]:
    """Authors and tags named as searched: one query, served by the names' indexes."""
    with reading_database().cursor() as cursor:
        cursor.execute(EXACT_SQL, {"text": text})
        rows = cursor.fetchall()
    return (
        [Named(name, slug_url("statements:author_detail", slug)) for kind, slug, name in rows
         if kind == "author"],
        [Named(name, slug_url("statements:tag_detail", slug)) for kind, slug, name in rows
         if kind == "tag"],
    )  # fmt: skip


def _suggestion(text: str) -> str:
    """The query with each unknown word replaced by the closest word of the vocabulary."""
    tokens = re.findall(r"\w{3,}", text)[:6]
    if not tokens:
        return ""
    with reading_database().cursor() as cursor:
        cursor.execute(
            """
            SELECT t.token,
                   EXISTS (SELECT 1 FROM statements_searchword w
                            WHERE w.word = lower(unaccent(t.token))),
                   (SELECT w.word FROM statements_searchword w
                     WHERE w.word %% lower(unaccent(t.token))
                     ORDER BY w.word <-> lower(unaccent(t.token)), w.documents DESC
                     LIMIT 1)
              FROM unnest(%s::text[]) AS t(token)
            """,
            [tokens],
        )
        rows = cursor.fetchall()
    suggestion, changed = text, False
    for token, known, closest in rows:
        if not known and closest:
            suggestion = re.sub(rf"\b{re.escape(token)}\b", closest, suggestion, count=1)
            changed = True
    return suggestion if changed else ""


PHRASE_INDEX_SQL = f"""
    SELECT set_config('enable_indexscan', 'on', true), set_config('enable_bitmapscan', 'off', true)
     WHERE to_regclass('{PHRASE_INDEX}') IS NOT NULL"""


def _match_ids(matching: QuerySet[Statement], query: ParsedQuery | None) -> list[int]:
    """The first FACET_SAMPLE + 1 ids of the match: the count and the facets come from them.

    Runs inside the search's transaction, whose planner settings it adjusts."""
    with reading_database().cursor() as cursor:
        # PostgreSQL prices evaluating `@@` on a row as almost free, although it detoasts a
        # large vector each time, so it filters a whole table (or an unrelated index) rather
        # than use the GIN index, even for a rare word: 21 ms instead of 3 ms at 3,000
        # statements. A dearer operator cost, for these queries only, sets that right.
        # Parallel workers cost more to start than these queries take (a common word's ids
        # in 11 ms instead of 21 at 100,000 statements).
        cursor.execute(
            "SET LOCAL cpu_operator_cost = 1; SET LOCAL max_parallel_workers_per_gather = 0"
        )
        if query is None:
            return list(matching.order_by().values_list("pk", flat=True)[: FACET_SAMPLE + 1])
        # Any ids will do, so the GIN index's bitmap is the way: it says which statements
        # match without reading their vectors. With a LIMIT PostgreSQL would rather walk a
        # date index and test each statement's vector: 68 ms instead of 14 for a word in
        # half of 100,000 statements.
        cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off")
        if query.phrase:
            # A phrase's words in a GIN bitmap are only candidates, each statement's whole
            # vector then read to check their positions (134 ms for a phrase of two common
            # words at 100,000 statements). Where migration 0026 made the RUM index, which
            # keeps positions, its index scan checks them instead (29 ms).
            cursor.execute(PHRASE_INDEX_SQL)
        ids = list(matching.order_by().values_list("pk", flat=True)[: FACET_SAMPLE + 1])
        cursor.execute(
            "SET LOCAL enable_indexscan = on; SET LOCAL enable_seqscan = on;"
            " SET LOCAL enable_bitmapscan = on"
        )
        return ids


def _page_rows(
    matching,
    filtered,
    query: ParsedQuery | None,
    ids: list[int],
    *,
    sort: str,
    page: int,
    read: RowReader,
) -> list[Statement]:
    """The rows of one page (and one more, to tell whether a next page exists)."""
    if not ids:
        return []
    start = (page - 1) * SEARCH_PAGE_SIZE
    wanted = SEARCH_PAGE_SIZE + 1
    if len(ids) <= FACET_SAMPLE:
        # Every match is in hand: page through those ids rather than let PostgreSQL walk a
        # date index testing each statement (277 ms for a rare word at 100,000).
        matching = filtered = among_ids(ids)
    if query is not None and sort == "relevance":
        if len(ids) <= FACET_SAMPLE:
            page_ids = ranked_ids(ids, query, start=start, wanted=wanted)
            found = {row.pk: row for row in read(among_ids(page_ids))}
            return [found[pk] for pk in page_ids if pk in found]
        return ranked_page(matching, filtered, query, start=start, wanted=wanted, read=read)
    order = "-date" if sort == "relevance" else sort
    return list(read(statement_sorted(matching, order))[start : start + wanted])


HEADLINE_OPTIONS = (
    f'StartSel="{HIGHLIGHT_START}", StopSel="{HIGHLIGHT_STOP}", MaxWords=40, MinWords=20,'
    ' MaxFragments=2, FragmentDelimiter=" … "'
)


def _snippets_add(rows: list[Statement], query: ParsedQuery, text: str) -> None:
    """Set ``snippet`` on this page's rows: their bodies' matches, over a bounded length."""
    source, params = headline_sql(snippet_words(text), SNIPPET_SOURCE_LENGTH)
    sql = (
        f"SELECT id, ts_headline(%s::regconfig, {source}, %s::tsquery, %s)"  # noqa: S608 (the words are parameters)
        " FROM statements_statement WHERE id = ANY(%s::int[])"
    )
    with reading_database().cursor() as cursor:
        cursor.execute(
            sql,
            [SIMPLE_CONFIG, *params, query.tsquery, HEADLINE_OPTIONS,
             id_array([row.pk for row in rows])],
        )  # fmt: skip
        headlines = dict(cursor.fetchall())
    for row in rows:
        # Without a match in the body (a title or author match), the summary says more.
        headline = headlines.get(row.pk, "")
        if HIGHLIGHT_START in headline or not row.summary:
            row.snippet = highlight_html(headline)


def _extras_add(results: SearchResults, text: str) -> None:
    """Authors and tags named exactly as searched; when nothing matched, "did you mean",
    titles and authors that look alike."""
    results.exact_authors, results.exact_tags = _exact_names(text)
    if results.total:
        return
    results.suggestion = _suggestion(text)
    with reading_database().cursor() as cursor:
        cursor.execute(SIMILAR_SQL, {"text": text})
        rows = cursor.fetchall()
    results.similar_titles = [
        Named(name, slug_url("statements:statement_detail", slug))
        for kind, slug, name in rows
        if kind == "title"
    ]
    results.similar_authors = [
        Named(name, slug_url("statements:author_detail", slug))
        for kind, slug, name in rows
        if kind == "author"
    ]


def _near_title_ids(filtered: QuerySet[Statement], text: str) -> list[int]:
    """Statements, within the filters, whose title is nearly the text (a typo, another
    form): candidates the words alone miss ("conquest of bred"). Served by the titles'
    trigram index."""
    # ``%`` finds titles alike at pg_trgm's threshold, NEAR_TITLE for this query only: a
    # request's later queries (look-alike titles) keep the default.
    near = filtered.filter(RawSQL('"statements_statement"."title" %% %s', [text], BooleanField()))
    with reading_database().cursor() as cursor:
        cursor.execute(f"SET LOCAL pg_trgm.similarity_threshold = {NEAR_TITLE}")
        ids = list(near.order_by().values_list("pk", flat=True)[:NEAR_TITLE_CAP])
        cursor.execute("SET LOCAL pg_trgm.similarity_threshold TO DEFAULT")
    return ids


def _near_titles_wanted(query: ParsedQuery, text: str, ids: list[int]) -> bool:
    """Whether to look for titles nearly typed: a title is two words or more, typed with
    neither an exclusion nor a phrase; a single word, when nothing holds it ("comunisation").
    (The titles' trigram index costs a few milliseconds a search at 100,000 statements.)"""
    if _exactly_asked(query, text) or len(ids) > FACET_SAMPLE:
        return False
    return len(query_words(text)) >= 2 or not ids


def _exactly_asked(query: ParsedQuery, text: str) -> bool:
    """Whether the reader excluded a word or quoted a phrase: then no other form of the
    words is offered. (A phrase the parser makes of "Text::Amuse" was not asked for.)"""
    return query.negated or '"' in text


def _any_word_query(query: ParsedQuery, text: str) -> ParsedQuery | None:
    """The text's words, any of them: the query tried when no statement holds them all."""
    words = query_words(text)
    if len(words) < 2 or _exactly_asked(query, text):
        return None  # one word, an exclusion or a phrase: the reader asked for exactly that
    any_query = search_query(" or ".join(words))
    if any_query is not None:
        any_query.text = text  # the title tiers compare the words as typed
    return any_query


def statement_search(
    *,
    text: str,
    filters: StatementFilters,
    tags: list[Tag] = (),
    author: Author | None = None,
    page: int = 1,
    read: RowReader = statement_cards,
) -> SearchResults:
    """Search published statements: full text (websearch syntax) within the list filters.

    Match ids, then the page's rows, then snippets for that page, then the extras. ``read``
    says what the rows carry: models with their credits and tags (statement_cards, the
    default), or what a card shows (catalog.cards.statement_card_rows).

    Ordered by relevance, a statement whose title is nearly the text is a match too, and
    when no statement holds every word, those holding any of them are the results (with
    ``any_words`` set, which the page says).
    """
    filtered = statement_filtered(filters=filters, tags=tags, author=author)
    query = search_query(text) if text else None
    if query is not None:
        query.text = text  # for a title that is the query's words (ranking.tier_sql_params)
    any_words = False
    with transaction.atomic(using=reading_database().alias):
        ids = _match_ids(_matching(filtered, text, query), query)
        ranked = query is not None and filters.sort == "relevance"
        if ranked and _near_titles_wanted(query, text, ids):
            query.near_ids = _near_title_ids(filtered, text)
            ids = [pk for pk in query.near_ids if pk not in set(ids)] + ids
        if ranked and not ids and (any_query := _any_word_query(query, text)) is not None:
            query, any_words = any_query, True
            ids = _match_ids(_matching(filtered, text, query), query)
        matching = _matching(filtered, text, query)
        rows = _page_rows(matching, filtered, query, ids, sort=filters.sort, page=page, read=read)
    has_next = len(rows) > SEARCH_PAGE_SIZE
    rows = rows[:SEARCH_PAGE_SIZE]
    if query is not None and rows:
        _snippets_add(rows, query, text)
    results = SearchResults(
        rows=rows,
        total=min(len(ids), COUNT_CAP),
        total_capped=len(ids) > COUNT_CAP,
        has_next=has_next,
        facets=_facets(ids[:FACET_SAMPLE]),
        facets_sampled=len(ids) > FACET_SAMPLE,
        facet_sample=FACET_SAMPLE,
        any_words=any_words,
        dates=timeline_counts(among_ids(ids[:FACET_SAMPLE])) if ids else ({}, 0),
    )
    if text:
        _extras_add(results, text)
    return results


def _matching(filtered: QuerySet[Statement], text: str, query: ParsedQuery | None):
    """The statements the query matches, within the filters; none when the text has no word
    to search for (punctuation only, say)."""
    if query is not None:
        return filtered.filter(search_vector=query)
    return filtered.none() if text else filtered
