"""Relevance: the order of a search's matches. A title that is the query's words comes
first; then the matches in the compact vector (title, names, summary), ranked; then those
in the body only, newest first. Also the helpers every search query shares (the reading
connection, an id list as SQL)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.postgres.search import SearchRank
from django.db import connections, router
from django.db.models import BooleanField, F, QuerySet
from django.db.models.expressions import RawSQL

from statements.models import Statement
from statements.search.query import ParsedQuery

RANKED_CAP = 1000


def reading_database():
    """The connection this request reads from: a replica's for a reader (infra.replicas),
    so that the search's own SQL goes where its querysets go."""
    return connections[router.db_for_read(Statement)]


def id_array(ids: list[int]) -> str:
    """Ids as one array literal, for ``= ANY(%s::int[])``: an IN list of up to FACET_SAMPLE
    parameters, or a Python list that psycopg checks element by element, cost more in
    Django and psycopg than PostgreSQL spends on the query."""
    return "{" + ",".join(map(str, ids)) + "}"


def among_ids(ids: list[int]) -> QuerySet[Statement]:
    """The statements of these ids (see id_array)."""
    return Statement.objects.filter(
        RawSQL('"statements_statement"."id" = ANY(%s::int[])', [id_array(ids)], BooleanField())
    )


RowReader = Callable[[QuerySet[Statement]], QuerySet[Statement]]


def ranked_page(
    matching, filtered, query, *, start: int, wanted: int, read: RowReader
) -> list[Statement]:
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
        in_compact = among_ids(compact_ids)
    # Each tier gives ids; the page's rows are then read once, with their authors and tags.
    page_ids: list[int] = []
    if start < compact_total:
        title_match = RawSQL(  # noqa: S611 (our SQL; the words are parameters)
            title_match_sql('"statements_statement"."title"', "%s"), [query.text, query.text]
        )
        ranked = in_compact.annotate(
            rank=SearchRank(F("search_rank_vector"), query), title_match=title_match
        ).order_by("-title_match", "-rank", F("date_start").desc(nulls_last=True), "-pk")
        page_ids = list(ranked.values_list("pk", flat=True)[start : start + wanted])
    if len(page_ids) < wanted:
        offset = max(0, start - compact_total)
        body_only = matching.exclude(search_rank_vector=query).by_date(descending=True)
        page_ids += body_only.values_list("pk", flat=True)[offset : offset + wanted - len(page_ids)]
    found = {row.pk: row for row in read(among_ids(page_ids))}
    return [found[pk] for pk in page_ids if pk in found]


def _folded_sql(value: str) -> str:
    """SQL folding a title or the query the same way: lower case, no accents, words only."""
    return f"trim(regexp_replace(lower(unaccent({value})), '[^[:alnum:]]+', ' ', 'g'))"


def title_match_sql(column: str, param: str) -> str:
    """SQL for how closely a statement's title is the query's words: 2 when it is exactly
    them (case, accents and punctuation aside), 1 when its part before a colon is ("Mutual
    Aid: A Factor of Evolution"), else 0. Such a title comes before any other match."""
    query = _folded_sql(param)
    return (
        f"CASE WHEN {_folded_sql(column)} = {query} THEN 2"
        f" WHEN {_folded_sql(f'split_part({column}, {chr(39)}:{chr(39)}, 1)')} = {query} THEN 1"
        " ELSE 0 END"
    )


# The two tiers of ranked_page in one ordering, over matches already in hand: compact
# matches first, by rank (a title that is the query first of all); then the others by date,
# newest first (StatementQuerySet.by_date).
RANKED_IDS_SQL = f"""
    SELECT id FROM statements_statement, CAST(%(query)s AS tsquery) AS query
     WHERE id = ANY(%(ids)s::int[])
     ORDER BY search_rank_vector @@ query DESC,
              CASE WHEN search_rank_vector @@ query
                   THEN {title_match_sql("title", "%(text)s")} END DESC NULLS LAST,
              CASE WHEN search_rank_vector @@ query
                   THEN ts_rank(search_rank_vector, query) END DESC NULLS LAST,
              date_start DESC NULLS LAST,
              CASE WHEN NOT search_rank_vector @@ query THEN date_end END ASC,
              id DESC
     OFFSET %(start)s LIMIT %(wanted)s"""  # noqa: S608 (our SQL; values are parameters)


def ranked_ids(ids: list[int], query: ParsedQuery, *, start: int, wanted: int) -> list[int]:
    """A page of ids in relevance order (as ranked_page), when every match is in ``ids``:
    one query over their compact vectors."""
    with reading_database().cursor() as cursor:
        cursor.execute(
            RANKED_IDS_SQL,
            {
                "query": query.tsquery,
                "text": query.text,
                "ids": id_array(ids),
                "start": start,
                "wanted": wanted,
            },
        )
        return [row[0] for row in cursor.fetchall()]


# Index scans rather than bitmaps, where the RUM index of migration 0026 exists.
