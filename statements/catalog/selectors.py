"""Reads: the queries behind public pages and the admin.

Every public page runs a fixed number of queries whatever the number of rows it shows:
related rows come through ``prefetch_related``, counts through annotations.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchRank, TrigramSimilarity
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth, ExtractYear, Lower, Substr, Upper

from statements.catalog.filters import StatementFilters
from statements.core.dates import Precision
from statements.core.languages import language_name
from statements.core.textsearch import SIMPLE_CONFIG
from statements.models import (
    Author,
    Authorship,
    Source,
    Statement,
    Tag,
    TaggedStatement,
    published_via,
    tags_by_name,
    tags_prefetch,
)
from statements.search import (
    HIGHLIGHT_START,
    HIGHLIGHT_STOP,
    headline_source,
    highlight_html,
    search_query,
    snippet_words,
)

SNIPPET_SOURCE_LENGTH = 2_000  # a window around the first typed word found (search.py)


def _credited_authors() -> Prefetch:
    return Prefetch(
        "authorships",
        queryset=Authorship.objects.filter(role=Authorship.Role.AUTHOR)
        .select_related("author")
        .order_by("position", "pk"),
        to_attr="credited",
    )


def statement_cards(queryset: QuerySet[Statement]) -> QuerySet[Statement]:
    """What a list row shows: authors (``.credited``) and tags, prefetched; never the body."""
    return queryset.defer("body", "body_html", "body_toc", "editorial_notes").prefetch_related(
        _credited_authors(), tags_prefetch()
    )


def statement_detail_queryset() -> QuerySet[Statement]:
    """Statements with everything a detail page shows, in a constant number of queries."""
    return Statement.objects.prefetch_related(
        Prefetch(
            "authorships",
            queryset=Authorship.objects.select_related("author").order_by("role", "position"),
        ),
        Prefetch("sources", queryset=Source.objects.order_by("position", "pk")),
        tags_prefetch(),
    )


def user_can_preview(user) -> bool:
    """Editors may read drafts and scheduled statements on the public site."""
    return bool(
        user.is_authenticated and user.is_staff and user.has_perm("statements.view_statement")
    )


def statement_get_for_reader(*, slug: str, user) -> Statement | None:
    """The statement at ``slug`` if this reader may see it: the public sees published ones only."""
    queryset = statement_detail_queryset()
    if not user_can_preview(user):
        queryset = queryset.published()
    return queryset.filter(slug=slug).first()


def statement_redirect_target(*, old_slug: str, user) -> Statement | None:
    """The statement an old slug now points to, if this reader may see it."""
    queryset = Statement.objects.all() if user_can_preview(user) else Statement.objects.published()
    return queryset.filter(slug_redirects__old_slug=old_slug).only("slug").first()


def statement_latest(*, limit: int = 10) -> QuerySet[Statement]:
    """The most recently published statements, with their authors and tags."""
    return statement_cards(Statement.objects.published().order_by("-published_at", "-pk"))[:limit]


def statement_sorted(queryset: QuerySet[Statement], sort: str) -> QuerySet[Statement]:
    if sort == "date":
        return queryset.by_date()
    if sort == "-date":
        return queryset.by_date(descending=True)
    if sort == "title":
        return queryset.order_by(Lower("title"), "pk")
    return queryset.order_by("-published_at", "-pk")  # -added


class UnknownFilterTarget(LookupError):
    """A filter names a tag or an author the public archive does not have (message: which)."""


def statement_filter_targets(filters: StatementFilters) -> tuple[list[Tag], Author | None]:
    """The tag and author objects that ``filters`` name, for statement_filtered."""
    tags = []
    if filters.tags:
        found = {tag.slug: tag for tag in tag_list_by_slugs(slugs=filters.tags)}
        missing = [slug for slug in filters.tags if slug not in found]
        if missing:
            raise UnknownFilterTarget(f"No tag called “{missing[0]}”.")
        tags = [found[slug] for slug in filters.tags]
    author = None
    if filters.author:
        author = author_get(slug=filters.author)
        if author is None:
            raise UnknownFilterTarget(f"No author called “{filters.author}”.")
    return tags, author


def statement_filtered(
    *, filters: StatementFilters, tags: list[Tag] = (), author: Author | None = None
) -> QuerySet[Statement]:
    """Published statements matching every filter (all tags, the author, the period, the language).

    ``tags`` and ``author`` are the resolved objects of ``filters.tags`` and ``filters.author``.
    """
    queryset = Statement.objects.published()
    # One Exists per tag: a statement must carry all of them, and no join multiplies rows.
    for tag in tags:
        queryset = queryset.filter(
            Exists(TaggedStatement.objects.filter(content_object=OuterRef("pk"), tag=tag))
        )
    if author is not None:
        queryset = queryset.filter(
            Exists(Authorship.objects.filter(statement=OuterRef("pk"), author=author))
        )
    if filters.start or filters.end:
        queryset = queryset.issued_between(filters.start, filters.end)
    if filters.lang:
        queryset = queryset.filter(language=filters.lang)
    return queryset


def statement_list(
    *, filters: StatementFilters, tags: list[Tag] = (), author: Author | None = None
) -> QuerySet[Statement]:
    """The list page: filtered, sorted, with what a row shows."""
    queryset = statement_filtered(filters=filters, tags=tags, author=author)
    return statement_cards(statement_sorted(queryset, filters.sort))


def statement_random() -> Statement | None:
    """A published statement chosen at random (an offset, not ORDER BY random(): no full sort)."""
    published = Statement.objects.published()
    total = published.count()
    if not total:
        return None
    return published.order_by("pk").only("slug")[random.randrange(total)]  # noqa: S311


def statement_neighbours(statement: Statement) -> tuple[Statement | None, Statement | None]:
    """The published statements just before and after this one in the date order."""
    if statement.date_start is None:
        return None, None
    start, end, pk = statement.date_start, statement.date_end, statement.pk
    published = Statement.objects.published().only("slug", "title", "date_start", "date_precision")
    # The plain bound on date_start lets PostgreSQL start its index scan at this date; the
    # OR alone would make it walk the index from the beginning.
    before = published.filter(date_start__lte=start).filter(
        Q(date_start__lt=start) | Q(date_end__gt=end) | Q(date_end=end, pk__lt=pk)
    )
    after = published.filter(date_start__gte=start).filter(
        Q(date_start__gt=start) | Q(date_end__lt=end) | Q(date_end=end, pk__gt=pk)
    )
    return before.by_date(descending=True).first(), after.by_date().first()


def statement_translations(statement: Statement) -> list[Statement]:
    """The other published statements sharing this one's text identifier (its translations),
    by language. One query, also when there is no identifier."""
    return list(
        Statement.objects.published()
        .filter(uid=statement.uid)
        .exclude(uid="")
        .exclude(pk=statement.pk)
        .only("slug", "title", "language")
        .order_by("language", "title")[:50]
    )


def statement_related(statement: Statement, *, limit: int = 5) -> list[Statement]:
    """Published statements sharing the most tags and authors with this one.

    Scores are counted on the link tables alone (one grouped query each, the best 50 kept);
    only those candidates are then checked for being published. Joining every published
    statement to both tables instead took ten times as long at 10,000 statements.
    """
    tag_ids = [tag.pk for tag in tags_by_name(statement)]
    author_ids = [credit.author_id for credit in statement.authorships.all()]
    scores: Counter[int] = Counter()
    for rows, column in (
        (TaggedStatement.objects.filter(tag_id__in=tag_ids), "content_object_id"),
        (Authorship.objects.filter(author_id__in=author_ids), "statement_id"),
    ):
        top = (
            rows.exclude(**{column: statement.pk})
            .values(column)
            .annotate(shared=Count("pk"))
            .order_by("-shared", f"-{column}")[:50]
        )
        for row in top:
            scores[row[column]] += row["shared"]
    candidates = {
        item.pk: item
        for item in Statement.objects.published()
        .filter(pk__in=list(scores))
        .only("slug", "title", "date_start", "date_precision")
    }
    best = sorted(candidates, key=lambda pk: (-scores[pk], -pk))[:limit]
    return [candidates[pk] for pk in best]


def archive_counts() -> dict[str, int]:
    """What the home page counts, published statements only."""
    published = Statement.objects.published()
    return {
        "statements": published.count(),
        "authors": Author.objects.filter(
            Exists(published.filter(authorships__author=OuterRef("pk")))
        ).count(),
        "tags": Tag.objects.filter(
            Exists(published.filter(tagged_items__tag=OuterRef("pk")))
        ).count(),
    }


def tag_list(*, limit: int | None = None, by_count: bool = False) -> QuerySet[Tag]:
    """Tags carried by at least one published statement, with ``count``."""
    queryset = Tag.objects.annotate(
        count=Count("tagged_statements", filter=published_via("tagged_statements__content_object"))
    ).filter(count__gt=0)
    queryset = (
        queryset.order_by("-count", Lower("name")) if by_count else queryset.order_by(Lower("name"))
    )
    return queryset[:limit] if limit else queryset


def tag_get(*, slug: str) -> Tag | None:
    return Tag.objects.filter(slug=slug).first()


def author_list(*, kind: str = "") -> QuerySet[Author]:
    """Authors with at least one published statement, A–Z, with ``count`` and ``letter``."""
    queryset = Author.objects.annotate(
        count=Count(
            "authorships__statement",
            filter=published_via("authorships__statement"),
            distinct=True,
        ),
        letter=Upper(Substr("name", 1, 1)),
    ).filter(count__gt=0)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by(Lower("name"), "pk")


def author_get(*, slug: str) -> Author | None:
    """The author at ``slug`` if they have a published statement (drafts do not reveal them)."""
    return (
        Author.objects.filter(slug=slug)
        .filter(Exists(Statement.objects.published().filter(authorships__author=OuterRef("pk"))))
        .first()
    )


def author_credits(*, author: Author) -> QuerySet[Authorship]:
    """The author's credits on published statements, grouped by role, newest date first."""
    role_order = ["author", "signatory", "translator", "publisher"]
    return (
        Authorship.objects.filter(author=author)
        .filter(published_via("statement"))
        .select_related("statement")
        .annotate(
            role_rank=Case(
                *[When(role=role, then=Value(i)) for i, role in enumerate(role_order)],
                output_field=IntegerField(),
            )
        )
        .order_by(
            "role_rank",
            F("statement__date_start").desc(nulls_last=True),
            "statement__date_end",
            "-statement__pk",
        )
    )


def archive_years() -> list[dict]:
    """Years of issue with their number of published statements, newest first."""
    return list(
        Statement.objects.published()
        .filter(date_start__isnull=False)
        .annotate(year=ExtractYear("date_start"))
        .values("year")
        .annotate(count=Count("pk"))
        .order_by("-year")
    )


def archive_months(*, year: int) -> list[dict]:
    """Months of a year that have statements dated at least to the month, with counts."""
    return list(
        Statement.objects.published()
        .filter(date_start__year=year)
        .exclude(date_precision=Precision.YEAR)
        .annotate(month=ExtractMonth("date_start"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )


def archive_year_statements(*, year: int) -> QuerySet[Statement]:
    """Statements of a year in date order: those dated only by the year come first."""
    return statement_cards(Statement.objects.published().filter(date_start__year=year).by_date())


def archive_month_statements(*, year: int, month: int) -> QuerySet[Statement]:
    """Statements dated to this month or a day in it (never those dated only by the year)."""
    return statement_cards(
        Statement.objects.published()
        .filter(date_start__year=year, date_start__month=month)
        .exclude(date_precision=Precision.YEAR)
        .by_date()
    )


def tag_list_by_slugs(*, slugs) -> QuerySet[Tag]:
    return Tag.objects.filter(slug__in=list(slugs))


SEARCH_PAGE_SIZE = 20
COUNT_CAP = 1000
FACET_SAMPLE = 1000  # as many as the count shows; 2,000 cost a search 14 ms more
FACET_SIZE = 12


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


RANKED_CAP = 1000


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


def statement_search(
    *,
    text: str,
    filters: StatementFilters,
    tags: list[Tag] = (),
    author: Author | None = None,
    page: int = 1,
) -> SearchResults:
    """Search published statements: full text (websearch syntax) within the list filters.

    A fixed number of queries whatever the number of matches: the parsed query, the first
    ids of the match (count and facets come from them), one page of rows, snippets for that
    page only, four facet queries, and the extras (exact name matches, or "did you mean"
    when nothing matched).
    """
    filtered = statement_filtered(filters=filters, tags=tags, author=author)
    matching = filtered
    query = search_query(text) if text else None
    if text and query is None:  # nothing searchable in it (punctuation only, say)
        matching = matching.none()
    elif query is not None:
        matching = matching.filter(search_vector=query)

    with transaction.atomic(), connection.cursor() as cursor:
        # PostgreSQL prices evaluating `@@` on a row as almost free, although it detoasts a
        # large vector each time, so it filters a whole table (or an unrelated index) rather
        # than use the GIN index, even for a rare word: 21 ms instead of 3 ms at 3,000
        # statements. A dearer operator cost, for these queries only, sets that right.
        cursor.execute("SET LOCAL cpu_operator_cost = 1")
        # The match runs once for the count and the facets: its first ids, a bounded number.
        if query is not None:
            # Any ids will do, so the GIN index's bitmap is the way: it says which statements
            # match without reading their vectors. With a LIMIT PostgreSQL would rather walk
            # a date index and test each statement's vector: 68 ms instead of 14 for a word
            # in half of 100,000 statements.
            cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off")
        ids = list(matching.order_by().values_list("pk", flat=True)[: FACET_SAMPLE + 1])
        if query is not None:
            cursor.execute("SET LOCAL enable_indexscan = on; SET LOCAL enable_seqscan = on")
        total = len(ids)
        start = (page - 1) * SEARCH_PAGE_SIZE
        wanted = SEARCH_PAGE_SIZE + 1
        if 0 < total <= FACET_SAMPLE:
            # Every match is in hand: page through those ids rather than let PostgreSQL walk
            # a date index testing each statement (277 ms for a rare word at 100,000).
            matching = filtered = Statement.objects.filter(pk__in=ids)
        if not ids:
            rows = []
        elif query is not None and filters.sort == "relevance":
            rows = _ranked_page(matching, filtered, query, start=start, wanted=wanted)
        else:
            sort = "-date" if filters.sort == "relevance" else filters.sort
            rows = list(statement_cards(statement_sorted(matching, sort))[start : start + wanted])
    has_next = len(rows) > SEARCH_PAGE_SIZE
    rows = rows[:SEARCH_PAGE_SIZE]

    if query is not None and rows:
        # Snippets only for this page, over a bounded length of each body.
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

    results = SearchResults(
        rows=rows,
        total=min(total, COUNT_CAP),
        total_capped=total > COUNT_CAP,
        has_next=has_next,
        facets=_facets(ids[:FACET_SAMPLE]),
        facets_sampled=total > FACET_SAMPLE,
        facet_sample=FACET_SAMPLE,
    )
    if text:
        published_authors = Exists(
            Statement.objects.published().filter(authorships__author=OuterRef("pk"))
        )
        results.exact_authors = list(
            Author.objects.filter(published_authors, name__iexact=text)[:3]
        )
        results.exact_tags = list(
            Tag.objects.filter(
                Exists(Statement.objects.published().filter(tagged_items__tag=OuterRef("pk"))),
                name__iexact=text,
            )[:3]
        )
        if total == 0:
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
    return results
