"""Relevance: the order of a search's matches.

Known items first: a statement whose title (or its part before a colon or a dash, or title
and subtitle together) is the query's words, then one by an author so named, then one whose
title is nearly the words (another form, a typo: trigram similarity), then one whose title
holds every word. Within each tier,
a BM25-like score: for each word typed, its inverse document frequency (query.idf, from the
vocabulary's counts) times how well the statement holds it (ts_rank over the full vector:
title A, names and tags B, summary and body C; plus ts_rank over the compact vector, so
that title, names and summary count twice), gently lowered for a long text, a preference
for a statement over a book where the match is otherwise equal. Then the newest first.

Also the helpers every search query shares (the reading connection, an id list as SQL).
"""

from __future__ import annotations

import re
from collections.abc import Callable

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
    """One page in relevance order, when the matches are too many to rank every one.

    First the statements the query matches in their compact vector (title, names, summary),
    in tiers and by their compact score, found through that vector's own small GIN index;
    then those that match in the body only, newest first. Ranking every match of a common
    word (60,000 at 100,000 statements) cost more than everything else a search does
    together.

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
        tier_sql, tier_params = tier_sql_params(query)
        score_sql, score_params = compact_score_sql(query)
        ranked = in_compact.annotate(
            tier=RawSQL(tier_sql, tier_params),  # noqa: S611 (our SQL; words are parameters)
            score=RawSQL(score_sql, score_params),  # noqa: S611
        ).order_by("-tier", "-score", F("date_start").desc(nulls_last=True), "-pk")
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


TABLE = '"statements_statement"'
# The forms of a title a reader may type whole: as it is; its part before a colon ("Mutual
# Aid: A Factor of Evolution"); before a spaced dash ("The strike! - Paul Delesalle");
# title and subtitle together.
TITLE_FORMS = (
    f"{TABLE}.title",
    f"split_part({TABLE}.title, ':', 1)",
    f"regexp_replace({TABLE}.title, '\\s[-–—]\\s.*$', '')",
    f"{TABLE}.title || ' ' || {TABLE}.subtitle",
)
NEAR_TITLE = 0.55  # trigram similarity of a title nearly typed: one typo, another form


# The statements of an author named as the query: the name itself, its part before a bracket
# or the name in the bracket ("Ема Голдман (Emma Goldman)"); the names' trigram index finds
# the candidates (``<%``: the query's words within the name), once for the whole query.
AUTHOR_NAMED = f"""{TABLE}.id IN (
    SELECT ship.statement_id FROM statements_authorship ship
     WHERE ship.role = 'author' AND ship.author_id IN (
           SELECT a.id FROM statements_author a
            WHERE %(text)s <%% a.name
              AND archive_fold(%(text)s) IN (
                  archive_fold(a.name), archive_fold(split_part(a.name, ' (', 1)),
                  archive_fold(substring(a.name from '\\(([^)]+)\\)\\s*$')))))"""  # noqa: S608 (constants only)


def _positional(sql: str, named: dict) -> tuple[str, list]:
    """SQL with ``%(name)s`` parameters as ``%s`` ones, and their values in order (the ORM's
    own SQL, which this joins, takes no names)."""
    order = re.findall(r"%\((\w+)\)s", sql)
    return re.sub(r"%\((\w+)\)s", "%s", sql), [named[name] for name in order]


def tier_sql_params(query: ParsedQuery) -> tuple[str, list]:
    """SQL for a statement's tier and its parameters: 4 when one of its title's
    forms is the query's words (case, accents and punctuation aside), 3 when one of its
    authors is named so, 2 when its title is nearly the words (``query.near_ids``), 1 when
    its title holds them all (its weight-A lexemes match), else 0.

    The forms are folded only where a title can be one: it holds the words, it is near, or
    it is shorter than the query (the words then being title and subtitle)."""
    folded = _folded_sql("%(text)s")
    exact = " OR ".join(f"{_folded_sql(form)} = {folded}" for form in TITLE_FORMS)
    holds = f"ts_filter({TABLE}.search_rank_vector, '{{a}}') @@ %(tsquery)s::tsquery"
    near = f"{TABLE}.id = ANY(%(near)s::int[])"
    may_be = f"({holds} OR {near} OR length({TABLE}.title) < length(%(text)s))"
    sql = (
        f"CASE WHEN {may_be} AND ({exact}) THEN 4 WHEN {AUTHOR_NAMED} THEN 3"
        f" WHEN {near} THEN 2 WHEN {holds} THEN 1 ELSE 0 END"
    )
    params = {"text": query.text, "tsquery": query.tsquery, "near": id_array(query.near_ids)}
    return _positional(sql, params)


FULL_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C (summary, body), B (names, tags), A (title)
COMPACT_WEIGHTS = "{0, 0.3, 0.4, 1.0}"
LENGTH_DAMPING = 80


def _score_sql(query: ParsedQuery, parts: list[tuple[str, str, int]]) -> tuple[str, list]:
    """Σ over the words typed of idf × Σ over ``parts`` (vector, weights, normalization)
    of ts_rank; the whole query stands for the words where none was weighed."""
    terms = query.terms or [(query.tsquery, 1.0)]
    sql, params = [], []
    for tsquery, weight in terms:
        ranks = " + ".join(
            f"ts_rank('{weights}', {TABLE}.{vector}, %s::tsquery, {normalization})"
            for vector, weights, normalization in parts
        )
        sql.append(f"%s * ({ranks})")
        params += [weight, *[tsquery] * len(parts)]
    return " + ".join(sql), params


def compact_score_sql(query: ParsedQuery) -> tuple[str, list]:
    """The score over the compact vector alone (the statements matched there, at scale)."""
    return _score_sql(query, [("search_rank_vector", COMPACT_WEIGHTS, 0)])


def full_score_sql(query: ParsedQuery) -> tuple[str, list]:
    """The score over both vectors, divided by a gentle function of the text's size (its
    full vector's stored bytes, about ten a distinct word): a book's 30,000 words against a
    statement's 300 is 1.13 against 1.07, a preference where the match is otherwise equal.
    (A steeper one, 1.52 against 1.29, put short statements that name a subject once above
    the essays on it: bench.relevance.)"""
    sql, params = _score_sql(
        query,
        [("search_vector", FULL_WEIGHTS, 0), ("search_rank_vector", COMPACT_WEIGHTS, 0)],
    )
    size = f"pg_column_size({TABLE}.search_vector)"  # read from its header: nothing unpacked
    return f"({sql}) / (1 + ln(1 + {size} / 10.0) / {LENGTH_DAMPING})", params


def ranked_ids(ids: list[int], query: ParsedQuery, *, start: int, wanted: int) -> list[int]:
    """A page of ids in relevance order, when every match is in ``ids``: one query
    that ranks them all (tier, score, newest first)."""
    tier_sql, tier_params = tier_sql_params(query)
    score_sql, score_params = full_score_sql(query)
    sql = (
        f"SELECT id FROM {TABLE} WHERE id = ANY(%s::int[])"  # noqa: S608 (our SQL; values are parameters)
        f" ORDER BY {tier_sql} DESC, {score_sql} DESC, date_start DESC NULLS LAST, id DESC"
        " OFFSET %s LIMIT %s"
    )
    with reading_database().cursor() as cursor:
        cursor.execute(sql, [id_array(ids), *tier_params, *score_params, start, wanted])
        return [row[0] for row in cursor.fetchall()]
