"""Reads: the queries behind public pages and the admin.

Every public page runs a fixed number of queries whatever the number of rows it shows:
related rows come through ``prefetch_related``, counts through annotations.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Length, Lower, Substr, Upper

from statements.catalog.cards import statement_card_rows
from statements.catalog.filters import StatementFilters
from statements.catalog.summary import archive_summary
from statements.core.dates import Precision
from statements.models import (
    Author,
    Authorship,
    RemovedAddress,
    Source,
    SourceLink,
    Statement,
    Tag,
    TaggedStatement,
    Takedown,
    address_digest,
    credit_public_via,
    folded_name,
    published_via,
    tags_by_name,
    tags_prefetch,
)
from statements.models.statements import StatementQuerySet


def _credited_authors() -> Prefetch:
    return Prefetch(
        "authorships",
        queryset=Authorship.objects.filter(role=Authorship.Role.AUTHOR)
        .select_related("author")
        .order_by("position", "pk"),
        to_attr="credited",
    )


def statement_cards(queryset: StatementQuerySet) -> StatementQuerySet:
    """What a list row shows: authors (``.credited``) and tags, prefetched; never the body."""
    return queryset.defer("body", "body_html", "body_toc", "editorial_notes").prefetch_related(
        _credited_authors(), tags_prefetch()
    )


def statement_detail_queryset() -> StatementQuerySet:
    """Statements with everything a detail page shows, in a constant number of queries."""
    return Statement.objects.prefetch_related(
        Prefetch(
            "authorships",
            queryset=Authorship.objects.select_related("author").order_by("role", "position"),
        ),
        Prefetch("sources", queryset=sources_with_links()),
        tags_prefetch(),
    )


def sources_with_links():
    """Sources, each with what the link checks found at its address (``seen_state``,
    ``seen_since``, ``seen_at``, ``seen_final_url``) and when the archive captured it
    (``captured_at``): in the sources' own query, so a page's query count stays put."""
    link = SourceLink.objects.filter(url=OuterRef("url"))
    return Source.objects.order_by("position", "pk").annotate(
        seen_state=Subquery(link.values("state")[:1]),
        seen_at=Subquery(link.values("seen_at")[:1]),
        seen_final_url=Subquery(link.values("final_url")[:1]),
        captured_at=Subquery(link.values("capture__captured_at")[:1]),
    )


def user_can_preview(user) -> bool:
    """Editors may read drafts and scheduled statements on the public site."""
    return bool(
        user.is_authenticated and user.is_staff and user.has_perm("statements.view_statement")
    )


def statement_get_for_reader(*, slug: str, user, page: bool = False) -> Statement | None:
    """The statement at ``slug`` if this reader may see it: the public sees published ones
    only. For its ``page``, without the Markdown source the page never shows (a book-length
    text is read once, as its HTML), but with its length (``body_length``, in characters)."""
    queryset = statement_detail_queryset()
    if page:
        queryset = queryset.defer("body", "search_names").annotate(body_length=Length("body"))
    if not user_can_preview(user):
        queryset = queryset.published()
    return queryset.filter(slug=slug).first()


def statement_redirect_target(*, old_slug: str, user) -> Statement | None:
    """The statement an old slug now points to, if this reader may see it."""
    queryset = Statement.objects.all() if user_can_preview(user) else Statement.objects.published()
    return queryset.filter(slug_redirects__old_slug=old_slug).only("slug").first()


def statement_takedown(*, slug: str) -> Takedown | None:
    """The takedown of the statement at ``slug`` or at an old address of it, if it is taken
    down (one query)."""
    return (
        Takedown.objects.select_related("statement")
        .filter(statement__status=Statement.Status.WITHDRAWN)
        .filter(Q(statement__slug=slug) | Q(statement__slug_redirects__old_slug=slug))
        .first()
    )


def statement_latest(*, limit: int = 10) -> StatementQuerySet:
    """The most recently published statements, as cards."""
    return statement_card_rows(Statement.objects.published().order_by("-published_at", "-pk"))[
        :limit
    ]


def statement_sorted(queryset: StatementQuerySet, sort: str) -> StatementQuerySet:
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
    if filters.co_authors:  # one query, however many (author_get's test: a public credit)
        credited = archive_summary().author_credits
        known = Author.objects.filter(slug__in=filters.co_authors).values_list("slug", "pk")
        public = {slug for slug, pk in known if credited.get(pk)}
        missing = [slug for slug in filters.co_authors if slug not in public]
        if missing:
            raise UnknownFilterTarget(f"No author called “{missing[0]}”.")
    return tags, author


def statement_filtered(
    *, filters: StatementFilters, tags: Sequence[Tag] = (), author: Author | None = None
) -> StatementQuerySet:
    """Published statements matching every filter (all tags, the author, the period, the language).

    ``tags`` and ``author`` are the resolved objects of ``filters.tags`` and ``filters.author``.
    """
    queryset = Statement.objects.published()
    # One Exists per tag: a statement must carry all of them, and no join multiplies rows.
    for tag in tags:
        queryset = queryset.filter(
            Exists(TaggedStatement.objects.filter(content_object=OuterRef("pk"), tag=tag))
        )
    # The co-authors by address: statement_filter_targets found them already.
    credited = [Q(author=author)] if author is not None else []
    for who in credited + [Q(author__slug=slug) for slug in filters.co_authors]:
        credits = Authorship.objects.filter(who, credit_public_via(), statement=OuterRef("pk"))
        queryset = queryset.filter(Exists(credits))
    if filters.start or filters.end:
        queryset = queryset.issued_between(filters.start, filters.end)
    if filters.lang:
        queryset = queryset.filter(language=filters.lang)
    return queryset


def statement_list(
    *,
    filters: StatementFilters,
    tags: Sequence[Tag] = (),
    author: Author | None = None,
    card_fields: Sequence[str] | None = None,
) -> StatementQuerySet:
    """The list page: filtered, sorted, with what a row shows: card rows with
    ``card_fields`` besides the card's own (see statement_card_rows), or, without
    ``card_fields``, statements with their authors and tags prefetched."""
    queryset = statement_sorted(
        statement_filtered(filters=filters, tags=tags, author=author), filters.sort
    )
    if card_fields is None:
        return statement_cards(queryset)
    return statement_card_rows(queryset, *card_fields)


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
    published = Statement.objects.published().only(
        "slug", "title", "language", "date_start", "date_precision"
    )
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
    # Without an identifier, a lookup of no rows by primary key (the same one query): with
    # uid = '' PostgreSQL walked the index over every statement that has none.
    found = (
        Statement.objects.filter(uid=statement.uid)
        if statement.uid
        else Statement.objects.filter(pk=0)
    )
    return list(
        found.published()
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
    author_ids = [credit.author_id for credit in statement.public_authorships]
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
        .only("slug", "title", "language", "date_start", "date_precision")
    }
    best = sorted(candidates, key=lambda pk: (-scores[pk], -pk))[:limit]
    return [candidates[pk] for pk in best]


def tag_list(*, limit: int | None = None, by_count: bool = False, containing: str = "") -> QuerySet:
    """Tags carried by at least one published statement, with ``count`` and ``letter``; by
    name or most used first; ``containing`` a text, case and accents aside."""
    queryset = _name_containing(Tag.objects.all(), containing).annotate(
        count=Count("tagged_statements", filter=published_via("tagged_statements__content_object")),
        letter=Upper(Substr(folded_name(), 1, 1)),
    )
    queryset = queryset.filter(count__gt=0).order_by(
        *(("-count",) if by_count else ()), folded_name(), "pk"
    )
    return queryset[:limit] if limit else queryset


def _name_containing(queryset: QuerySet, text: str) -> QuerySet:
    folded = Func(Value(text), function="archive_fold", output_field=TextField())
    return (
        queryset.annotate(folded=folded_name()).filter(folded__contains=folded)
        if text
        else queryset
    )


def _public_tags() -> QuerySet[Tag]:
    """Tags carried by a published statement: a tag of drafts alone does not exist for the
    public, and its name is shown nowhere."""
    return Tag.objects.filter(
        Exists(Statement.objects.published().filter(tagged_items__tag=OuterRef("pk")))
    )


def tag_get(*, slug: str) -> Tag | None:
    """The tag at ``slug`` if a published statement carries it (``count`` of them)."""
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None or not (count := archive_summary().tag_counts.get(tag.pk)):
        return None
    tag.count = count
    return tag


def author_list(*, kind: str = "", containing: str = "") -> QuerySet[Author]:
    """Authors with at least one published statement, A–Z, with ``count`` and ``letter``."""
    queryset = (
        _name_containing(Author.objects.all(), containing)
        .annotate(
            count=Count(
                "authorships__statement",
                filter=published_via("authorships__statement") & credit_public_via("authorships"),
                distinct=True,
            ),
            letter=Upper(Substr(folded_name(), 1, 1)),
        )
        .filter(count__gt=0)
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by(folded_name(), "pk")


def author_get(*, slug: str) -> Author | None:
    """The author at ``slug`` if they have a published statement (drafts do not reveal them)."""
    author = Author.objects.filter(slug=slug).first()
    return author if author is not None and author_credit_count(author=author) else None


def author_removed(*, slug: str) -> bool:
    """Whether ``slug`` was the address of a person removed from the archive."""
    return RemovedAddress.objects.filter(sha256=address_digest(slug)).exists()


def author_credit_count(*, author: Author) -> int:
    """How many credits the author has on published statements."""
    return archive_summary().author_credits.get(author.pk, 0)


CREDIT_FIELDS = ("slug", "title", "language", "date_start", "date_end", "date_precision")


def author_credits(*, author: Author) -> QuerySet[Authorship]:
    """The author's credits on published statements, grouped by role, newest date first."""
    role_order = ["author", "signatory", "translator", "publisher"]
    return (
        Authorship.objects.filter(author=author)
        .filter(published_via("statement"), credit_public_via())
        .select_related("statement")
        # What the page shows of each statement (the text would be read for nothing).
        .only("role", "statement_id", *(f"statement__{name}" for name in CREDIT_FIELDS))
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


def archive_year_statements(*, year: int) -> StatementQuerySet:
    """Statements of a year in date order: those dated only by the year come first."""
    return statement_card_rows(
        Statement.objects.published().filter(date_start__year=year).by_date()
    )


def archive_month_statements(*, year: int, month: int) -> StatementQuerySet:
    """Statements dated to this month or a day in it (never those dated only by the year)."""
    return statement_card_rows(
        Statement.objects.published()
        .filter(date_start__year=year, date_start__month=month)
        .exclude(date_precision=Precision.YEAR)
        .by_date()
    )


def archive_undated_statements() -> StatementQuerySet:
    """Statements with no date of issue, by title (the title-order index)."""
    return statement_card_rows(
        Statement.objects.published().filter(date_start=None).order_by(Lower("title"), "pk")
    )


def tag_list_by_slugs(*, slugs) -> QuerySet[Tag]:
    """The public tags among ``slugs`` (see tag_get)."""
    return _public_tags().filter(slug__in=list(slugs))


def author_redirected(*, slug: str) -> Author | None:
    """The author kept when the author at ``slug`` was merged into them."""
    return Author.objects.filter(redirects__old_slug=slug).first()


def tags_suggested(*, term: str, limit: int = 15) -> list[Tag]:
    """Tags an editor may mean by ``term``: names containing it (without regard to case or
    accents) and near spellings (trigram word similarity), closest first, each with
    ``uses``, how many statements carry it (drafts included: editors see those)."""
    folded = Func(Value(term), function="archive_fold", output_field=TextField())
    return list(
        Tag.objects.annotate(
            folded=folded_name(),
            closeness=TrigramWordSimilarity(term, "name"),
            uses=Count("tagged_statements"),
        )
        .filter(Q(folded__contains=folded) | Q(closeness__gte=0.4))
        .order_by("-closeness", Lower("name"))[:limit]
    )
