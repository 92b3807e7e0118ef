"""Reads: full-text search of the published statements, within the list filters.

A search runs a fixed number of queries whatever the number of matches: the parsed query,
the first ids of the match (count and facets come from them), one page of rows, snippets
for that page only, the facet queries, and the extras (exact name matches, or "did you
mean" when nothing matched).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchRank, TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Value

from statements.catalog.filters import StatementFilters
from statements.catalog.selectors import statement_cards, statement_filtered, statement_sorted
from statements.core.languages import language_name
from statements.core.textsearch import SIMPLE_CONFIG
from statements.models import Author, Statement, Tag
from statements.search.query import (
    HIGHLIGHT_START,
    HIGHLIGHT_STOP,
    ParsedQuery,
    headline_source,
    highlight_html,
    search_query,
    snippet_words,
)

SEARCH_PAGE_SIZE = 20
COUNT_CAP = 1000
FACET_SAMPLE = 1000  # as many as the count shows; 2,000 cost a search 14 ms more
FACET_SIZE = 12
RANKED_CAP = 1000
SNIPPET_SOURCE_LENGTH = 2_000  # a window around the first typed word found (query.py)


@dataclass
class SearchResults:
    rows: list[Statement]
    total: int
    total_capped: bool
    has_next: bool
    facets: dict[str, list[dict]]
    facets_sampled: bool
    facet_sample: int = 0
    exact_authors: list[Author] = field(default_factory=list)
    exact_tags: list[Tag] = field(default_factory=list)
    suggestion: str = ""
    similar_titles: list[Statement] = field(default_factory=list)
    similar_authors: list[Author] = field(default_factory=list)


FACET_SQL = {
    # ``= ANY(array)``: one parameter for up to FACET_SAMPLE ids; an IN list of that many
    # parameters cost Django and psycopg more than PostgreSQL spent on the query.
    "tags": """
        SELECT t.slug, t.name, count(*) AS n FROM statements_taggedstatement ts
          JOIN statements_tag t ON t.id = ts.tag_id
         WHERE ts.content_object_id = ANY(%s)
         GROUP BY t.id ORDER BY n DESC, t.name LIMIT %s""",
    "authors": """
        SELECT a.slug, a.name, count(*) AS n
          FROM statements_authorship ship JOIN statements_author a ON a.id = ship.author_id
         WHERE ship.statement_id = ANY(%s) AND ship.role = 'author'
         GROUP BY a.id ORDER BY n DESC, a.name LIMIT %s""",
    # Years and languages in one pass over the statements; each is cut to its size after.
    "years and languages": """
        SELECT extract(year FROM date_start)::int AS year, nullif(language, '') AS language,
               count(*) AS n
          FROM statements_statement
         WHERE id = ANY(%s)
         GROUP BY GROUPING SETS ((1), (2))
         ORDER BY n DESC, year DESC, language""",
}


def _facets(ids: list[int]) -> dict[str, list[dict]]:
    """Counts per tag, author, year and language over the given matching statements."""
    with connection.cursor() as cursor:
        cursor.execute(FACET_SQL["tags"], [ids, FACET_SIZE])
        tags = cursor.fetchall()
        # The authorship's (statement, author, role) is unique: count(*) counts statements.
        cursor.execute(FACET_SQL["authors"], [ids, FACET_SIZE])
        authors = cursor.fetchall()
        cursor.execute(FACET_SQL["years and languages"], [ids])
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


def _suggestion(text: str) -> str:
    """The query with each unknown word replaced by the closest word of the vocabulary."""
    tokens = re.findall(r"\w{3,}", text)[:6]
    if not tokens:
        return ""
    with connection.cursor() as cursor:
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


def _ranked_page(matching, filtered, query, *, start: int, wanted: int) -> list[Statement]:
    """One page in relevance order, in two tiers.

    First the statements the query matches in their compact vector (title, names, summary),
    ranked, found through that vector's own small GIN index; then those that match in the
    body only, newest first. Ranking every match of a common word (60,000 at 100,000
    statements) cost more than everything else a search does together.

    ``filtered`` is ``matching`` before the full-text condition: the full vector holds all
    of the compact one, so a compact match needs no second test against the full vector
    (which would read each statement's large vector), unless the query excludes a word.
    """
    in_compact = (matching if query.negated else filtered).filter(search_rank_vector=query)
    compact_ids = list(in_compact.order_by().values_list("pk", flat=True)[: RANKED_CAP + 1])
    compact_total = len(compact_ids)
    if compact_total <= RANKED_CAP:
        # All of them in hand: rank those rows without testing the query again.
        in_compact = Statement.objects.filter(pk__in=compact_ids)
    # Each tier gives ids; the page's rows are then read once, with their authors and tags.
    page_ids: list[int] = []
    if start < compact_total:
        ranked = in_compact.annotate(rank=SearchRank(F("search_rank_vector"), query)).order_by(
            "-rank", F("date_start").desc(nulls_last=True), "-pk"
        )
        page_ids = list(ranked.values_list("pk", flat=True)[start : start + wanted])
    if len(page_ids) < wanted:
        offset = max(0, start - compact_total)
        body_only = matching.exclude(search_rank_vector=query).by_date(descending=True)
        page_ids += body_only.values_list("pk", flat=True)[offset : offset + wanted - len(page_ids)]
    found = {row.pk: row for row in statement_cards(Statement.objects.filter(pk__in=page_ids))}
    return [found[pk] for pk in page_ids if pk in found]


def _match_ids(matching: QuerySet[Statement], query: ParsedQuery | None) -> list[int]:
    """The first FACET_SAMPLE + 1 ids of the match: the count and the facets come from them.

    Runs inside the search's transaction, whose planner settings it adjusts."""
    with connection.cursor() as cursor:
        # PostgreSQL prices evaluating `@@` on a row as almost free, although it detoasts a
        # large vector each time, so it filters a whole table (or an unrelated index) rather
        # than use the GIN index, even for a rare word: 21 ms instead of 3 ms at 3,000
        # statements. A dearer operator cost, for these queries only, sets that right.
        cursor.execute("SET LOCAL cpu_operator_cost = 1")
        if query is None:
            return list(matching.order_by().values_list("pk", flat=True)[: FACET_SAMPLE + 1])
        # Any ids will do, so the GIN index's bitmap is the way: it says which statements
        # match without reading their vectors. With a LIMIT PostgreSQL would rather walk a
        # date index and test each statement's vector: 68 ms instead of 14 for a word in
        # half of 100,000 statements.
        cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off")
        ids = list(matching.order_by().values_list("pk", flat=True)[: FACET_SAMPLE + 1])
        cursor.execute("SET LOCAL enable_indexscan = on; SET LOCAL enable_seqscan = on")
        return ids


def _page_rows(
    matching, filtered, query: ParsedQuery | None, ids: list[int], *, sort: str, page: int
) -> list[Statement]:
    """The rows of one page (and one more, to tell whether a next page exists)."""
    if not ids:
        return []
    start = (page - 1) * SEARCH_PAGE_SIZE
    wanted = SEARCH_PAGE_SIZE + 1
    if len(ids) <= FACET_SAMPLE:
        # Every match is in hand: page through those ids rather than let PostgreSQL walk a
        # date index testing each statement (277 ms for a rare word at 100,000).
        matching = filtered = Statement.objects.filter(pk__in=ids)
    if query is not None and sort == "relevance":
        return _ranked_page(matching, filtered, query, start=start, wanted=wanted)
    order = "-date" if sort == "relevance" else sort
    return list(statement_cards(statement_sorted(matching, order))[start : start + wanted])


def _snippets_add(rows: list[Statement], query: ParsedQuery, text: str) -> None:
    """Set ``snippet`` on this page's rows: their bodies' matches, over a bounded length."""
    headlines = dict(
        Statement.objects.filter(pk__in=[row.pk for row in rows])
        .annotate(
            headline=SearchHeadline(
                headline_source("body", SNIPPET_SOURCE_LENGTH, snippet_words(text)),
                query,
                config=Value(SIMPLE_CONFIG),
                start_sel=HIGHLIGHT_START,
                stop_sel=HIGHLIGHT_STOP,
                max_words=40,
                min_words=20,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        .values_list("pk", "headline")
    )
    for row in rows:
        # Without a match in the body (a title or author match), the summary says more.
        headline = headlines.get(row.pk, "")
        if HIGHLIGHT_START in headline or not row.summary:
            row.snippet = highlight_html(headline)


def _extras_add(results: SearchResults, text: str) -> None:
    """Authors and tags named exactly as searched; when nothing matched, "did you mean",
    titles and authors that look alike."""
    published_authors = Exists(
        Statement.objects.published().filter(authorships__author=OuterRef("pk"))
    )
    results.exact_authors = list(Author.objects.filter(published_authors, name__iexact=text)[:3])
    results.exact_tags = list(
        Tag.objects.filter(
            Exists(Statement.objects.published().filter(tagged_items__tag=OuterRef("pk"))),
            name__iexact=text,
        )[:3]
    )
    if results.total:
        return
    results.suggestion = _suggestion(text)
    results.similar_titles = list(
        Statement.objects.published()
        .filter(title__trigram_similar=text)
        .annotate(similarity=TrigramSimilarity("title", text))
        .order_by("-similarity")
        .only("slug", "title", "date_start", "date_precision")[:5]
    )
    results.similar_authors = list(
        Author.objects.filter(published_authors, name__trigram_similar=text)
        .annotate(similarity=TrigramSimilarity("name", text))
        .order_by("-similarity")[:5]
    )


def statement_search(
    *,
    text: str,
    filters: StatementFilters,
    tags: list[Tag] = (),
    author: Author | None = None,
    page: int = 1,
) -> SearchResults:
    """Search published statements: full text (websearch syntax) within the list filters.

    Match ids, then the page's rows, then snippets for that page, then the extras.
    """
    filtered = statement_filtered(filters=filters, tags=tags, author=author)
    matching = filtered
    query = search_query(text) if text else None
    if text and query is None:  # nothing searchable in it (punctuation only, say)
        matching = matching.none()
    elif query is not None:
        matching = matching.filter(search_vector=query)

    with transaction.atomic():
        ids = _match_ids(matching, query)
        rows = _page_rows(matching, filtered, query, ids, sort=filters.sort, page=page)
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
    )
    if text:
        _extras_add(results, text)
    return results
