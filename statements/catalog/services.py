"""Writes: every change to statements, authors and tags that has derived state goes through here."""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from statements.catalog.changes import public_pages_changed
from statements.catalog.copying import statements_copy
from statements.catalog.indexing import (
    search_names_rewrite,
    search_words_add,
    search_words_remove,
    statement_search_names_refresh,
)
from statements.catalog.names import authors_by_alternative_name, names_folded
from statements.core.records import AuthorCredit, StatementData
from statements.core.rendering import render_body
from statements.models import (
    Author,
    Authorship,
    ImportedFile,
    RemovedName,
    SlugRedirect,
    Source,
    Statement,
    Tag,
    TaggedStatement,
    folded_name,
    name_digest,
)

log = logging.getLogger(__name__)


def tags_statement_ids(*, tags: Iterable[Tag]) -> set[int]:
    rows = TaggedStatement.objects.filter(tag__in=list(tags))
    return set(rows.values_list("content_object_id", flat=True))


def unique_slug(*, model, text: str, exclude_pk: int | None = None, max_length: int = 255) -> str:
    """A slug for ``text`` that no other row of ``model`` uses ("title", "title-2", ...)."""
    base = slugify(text, allow_unicode=True)[: max_length - 8].strip("-") or "untitled"
    rows = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    taken = set(rows.filter(slug__startswith=base).values_list("slug", flat=True))
    return slug_free(text, taken, max_length=max_length)


# The short fields a reader sees as metadata: only spaces is none (an EPUB's empty
# dc:description fails EPUBCheck), and spaces around a value are never kept.
TRIMMED_FIELDS = ("title", "subtitle", "summary", "date_text", "place", "rights")


def statement_trim(statement: Statement) -> None:
    """Strip the short fields' surrounding whitespace, on every write path."""
    for name in TRIMMED_FIELDS:
        value = getattr(statement, name)
        if isinstance(value, str) and value != value.strip():
            setattr(statement, name, value.strip())


@transaction.atomic
def statement_save(
    *, statement: Statement, previous_slug: str | None = None, body_changed: bool = True
) -> Statement:
    """Save a statement with its derived state.

    Renders the body to sanitised HTML when it changed, and leaves a redirect from
    ``previous_slug`` when the slug changed, so that old links keep working.
    """
    statement_trim(statement)
    if body_changed or (statement.body and not statement.body_html):
        statement.body_html, statement.body_toc = render_body(statement.body)
    if not statement.slug:
        statement.slug = unique_slug(model=Statement, text=statement.title, exclude_pk=statement.pk)
    if statement.pk:
        # Its words as stored leave the vocabulary; those it has now come back below.
        search_words_remove(statement_ids=[statement.pk])
    statement.save()
    # A slug taken (back) by a statement is no longer a redirect to anywhere else.
    SlugRedirect.objects.filter(old_slug=statement.slug).delete()
    if previous_slug and previous_slug != statement.slug:
        SlugRedirect.objects.update_or_create(
            old_slug=previous_slug, defaults={"statement": statement}
        )
    search_words_add(statement_ids=[statement.pk])
    public_pages_changed(statements=[statement.pk])
    return statement


def author_get_or_create(*, name: str, kind: str = Author.Kind.COLLECTIVE) -> Author:
    """The author called ``name`` (compared without regard to case or spacing), or a new one."""
    clean = " ".join(name.split())
    author = Author.objects.filter(name__iexact=clean).first()
    if author is None:
        author = Author(name=clean, kind=kind, slug=unique_slug(model=Author, text=clean))
        author.full_clean()
        author.save()
    return author


def credits_allowed(credits: Iterable[AuthorCredit]) -> list[AuthorCredit]:
    """The credits that do not name a person removed from the archive (models.RemovedName):
    an import, a paste or a restore never credits them again (one query)."""
    credits = list(credits)
    digests = {name_digest(credit.name) for credit in credits}
    removed = set(RemovedName.objects.filter(sha256__in=digests).values_list("sha256", flat=True))
    if not removed:
        return credits
    kept = [credit for credit in credits if name_digest(credit.name) not in removed]
    log.warning("%d credit(s) left out: they name a person removed from the archive",
                len(credits) - len(kept))  # fmt: skip
    return kept


def _items_credits_allowed(items: Sequence[StatementData]) -> None:
    """Take out of these records, in place, the credits naming a removed person (one query
    for them all)."""
    allowed = credits_allowed(credit for data in items for credit in data.credits)
    if sum(len(data.credits) for data in items) == len(allowed):
        return
    keep = {id(credit) for credit in allowed}
    for data in items:
        data.credits = [credit for credit in data.credits if id(credit) in keep]


def _search_names(data: StatementData) -> str:
    names = [credit.name for credit in data.credits] + list(data.tags)
    return "\n".join(" ".join(name.split()) for name in names)


def _imported_file(data: StatementData) -> ImportedFile | None:
    # core's record holds the file's row as a plain Model, since core knows no model.
    return cast("ImportedFile | None", data.imported_from)


def _statement_from_data(data: StatementData) -> Statement:
    statement = Statement(
        search_names=_search_names(data),
        title=data.title,
        subtitle=data.subtitle,
        slug=data.slug,
        summary=data.summary,
        body=data.body,
        date_text=data.date_text,
        place=data.place,
        language=data.language,
        rights=data.rights,
        editorial_notes=data.editorial_notes,
        metadata=data.metadata,
        uid=data.uid,
        imported_from=_imported_file(data),
        status=data.status,
        published_at=data.published_at,
    )
    statement.issued = data.issued
    statement_trim(statement)
    return statement


def _authorships_new(statement, credits, authors, credited: set, positions: dict) -> list:
    """Unsaved credits of ``statement`` for ``credits`` (authors from _authors_by_name), each
    after the last position of its role, skipping an author already ``credited`` in the
    role; ``credited`` and ``positions`` are updated."""
    added = []
    for credit in credits:
        author = authors[_name_key(credit.name)]
        if (author.pk, credit.role) in credited:
            continue
        credited.add((author.pk, credit.role))
        positions[credit.role] = positions.get(credit.role, -1) + 1
        added.append(
            Authorship(
                statement=statement,
                author=author,
                role=credit.role,
                position=positions[credit.role],
            )
        )
    return added


def _statements_link(statements: Sequence[Statement], items: Sequence[StatementData]) -> set[int]:
    """Create the authorships, sources and tags of saved statements, in bulk. Returns the
    statements whose indexed names (written from the records) miss what their authors are
    called in the archive: another spelling, or alternative names."""
    authors = _authors_by_name(credit for data in items for credit in data.credits)
    tags = _tags_by_name(name for data in items for name in data.tags)
    authorships, sources, taggings = [], [], []
    respelled = set()
    for statement, data in zip(statements, items, strict=True):
        made = _authorships_new(statement, data.credits, authors, set(), {})
        authorships += made
        names = {" ".join(credit.name.split()) for credit in data.credits}
        if any(a.author.alternative_names or a.author.name not in names for a in made):
            respelled.add(statement.pk)
        sources += [
            Source.from_data(statement=statement, item=item, position=position)
            for position, item in enumerate(data.sources)
        ]
        tag_ids = {tags[_name_key(name)].pk for name in data.tags}
        taggings += [TaggedStatement(content_object=statement, tag_id=pk) for pk in tag_ids]
    Authorship.objects.bulk_create(authorships, batch_size=2000)
    Source.objects.bulk_create(sources, batch_size=2000)
    TaggedStatement.objects.bulk_create(taggings, batch_size=2000)
    return respelled


@transaction.atomic
def statement_credits_append(
    *, statement: Statement, credits: Sequence[AuthorCredit]
) -> list[Authorship]:
    """Credit the named authors on a saved statement, after its credits of the same role and
    in the order given: each name matched to an author without regard to case, spacing or
    accents, and created otherwise. A name already credited in that role is not added
    twice. The names the search indexes follow."""
    credits = credits_allowed(credits)
    authors = _authors_by_name(credits)
    current = list(
        Authorship.objects.filter(statement=statement).only("author_id", "role", "position")
    )
    credited = {(a.author_id, a.role) for a in current}
    positions: dict[str, int] = {}
    for authorship in current:
        positions[authorship.role] = max(positions.get(authorship.role, -1), authorship.position)
    added = _authorships_new(statement, credits, authors, credited, positions)
    Authorship.objects.bulk_create(added)
    statement_search_names_refresh(statement_ids=[statement.pk])
    return added


@transaction.atomic
def statement_create(*, data: StatementData) -> Statement:
    """Create one statement with its authors, sources and tags, validated as the admin does."""
    _items_credits_allowed([data])
    statement = _statement_from_data(data)
    statement.slug = statement.slug or unique_slug(model=Statement, text=data.title)
    statement.full_clean(exclude=["body_html", "body_toc"])
    statement_save(statement=statement)
    if _statements_link([statement], [data]):
        statement_search_names_refresh(statement_ids=[statement.pk])
    public_pages_changed(statements=[statement.pk])
    return statement


def statement_publish(
    *, statements: QuerySet[Statement], now: datetime.datetime | None = None
) -> tuple[int, int]:
    """Publish drafts. A statement already scheduled for later keeps its date.

    Returns (published now, scheduled for later).
    """
    now = now or timezone.now()
    # Fix the set first: the caller's filters (status=draft, say) stop matching after the update.
    chosen = Statement.objects.filter(pk__in=list(statements.values_list("pk", flat=True)))
    with transaction.atomic():
        # Those already public are counted once: out of the vocabulary, then back in.
        search_words_remove(statement_ids=chosen.values_list("pk", flat=True))
        chosen.filter(published_at__isnull=True).update(published_at=now)
        chosen.update(status=Statement.Status.PUBLISHED)
        scheduled = chosen.filter(published_at__gt=now).count()
        total = chosen.count()
        search_words_add(statement_ids=chosen.values_list("pk", flat=True))
        public_pages_changed(statements=list(chosen.values_list("pk", flat=True)))
    return total - scheduled, scheduled


def statement_unpublish(*, statements: QuerySet[Statement]) -> int:
    """Take statements off the public site (they become drafts)."""
    with transaction.atomic():
        ids = list(statements.values_list("pk", flat=True))
        search_words_remove(statement_ids=ids)
        count = Statement.objects.filter(pk__in=ids).update(status=Statement.Status.DRAFT)
        public_pages_changed(statements=ids)
    return count


@transaction.atomic
def statement_delete(*, statements: QuerySet[Statement]) -> int:
    """Delete statements (their words leave the vocabulary first). Returns how many."""
    ids = list(statements.values_list("pk", flat=True))
    search_words_remove(statement_ids=ids)
    _total, deleted = Statement.objects.filter(pk__in=ids).delete()
    public_pages_changed(statements=ids)
    return deleted.get(Statement._meta.label, 0)


def slug_free(base_text: str, taken: set[str], max_length: int = 255) -> str:
    """A slug for ``base_text`` not in ``taken`` ("title", "title-2", ...), added to it."""
    base = slugify(base_text, allow_unicode=True)[: max_length - 8].strip("-") or "untitled"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    taken.add(candidate)
    return candidate


def _name_key(name: str) -> str:
    """Names match without regard to case or spacing, as the database's lower() sees them."""
    return " ".join(name.split()).lower()


Named = TypeVar("Named", Author, Tag)


def _rows_by_name(
    model: type[Named], wanted: dict[str, Callable[[set[str]], Named]]
) -> dict[str, Named]:
    """Existing rows of ``model`` for each name key, and new ones made by ``wanted[key](taken)``
    (given the slugs already taken), created in one query. Names match without regard to
    case, spacing or accents: "Pëtr Kropotkin" finds "Petr Kropotkin"; where several rows
    fold to the same name, the oldest is used."""
    folded = names_folded(names=wanted)
    rows: dict[str, Named] = {}
    existing = (
        model.objects.annotate(folded=folded_name())
        .filter(folded__in=set(folded.values()))
        .order_by("pk")
    )
    for row in existing:
        rows.setdefault(row.folded, row)
    if model is Author:  # a merged author's old name finds the author kept
        missing = {key for key in folded.values() if key not in rows}
        found: dict[str, Any] = authors_by_alternative_name(folded=missing)
        rows.update(found)
    taken = set(model.objects.values_list("slug", flat=True))
    new: dict[str, Named] = {}
    for key, make in wanted.items():
        if folded[key] not in rows and folded[key] not in new:
            new[folded[key]] = make(taken)
    new = dict(sorted(new.items()))  # rows locked in one order by concurrent imports
    created = model.objects.bulk_create(list(new.values()))
    rows.update(zip(new, created, strict=True))
    return {key: rows[folded[key]] for key in wanted}


def _author_new(name: str, kind: str, taken: set[str]) -> Author:
    return Author(name=name, kind=kind, slug=slug_free(name, taken))


def _tag_new(name: str, taken: set[str]) -> Tag:
    return Tag(name=name, slug=slug_free(name, taken, max_length=100))


def _authors_by_name(credits: Iterable[AuthorCredit]) -> dict[str, Author]:
    """Existing or new authors for every credited name, keyed by _name_key."""
    wanted: dict[str, Callable[[set[str]], Author]] = {}
    for credit in credits:
        name = " ".join(credit.name.split())
        wanted.setdefault(_name_key(name), functools.partial(_author_new, name, credit.kind))
    return _rows_by_name(Author, wanted)


def _tags_by_name(names: Iterable[str]) -> dict[str, Tag]:
    """Existing or new tags for every name, keyed by _name_key."""
    wanted: dict[str, Callable[[set[str]], Tag]] = {}
    for raw in names:
        name = " ".join(raw.split())
        wanted.setdefault(_name_key(name), functools.partial(_tag_new, name))
    return _rows_by_name(Tag, wanted)


BULK_CHUNK = 200


@transaction.atomic
def statement_bulk_create(*, items: Sequence[StatementData]) -> list[Statement]:
    """Create many statements at once, with their authors, sources and tags.

    The fast path for imports and benchmarks: a handful of queries per batch instead of
    dozens per statement. Fields are validated in Python and constraints by the database;
    the whole batch is one transaction, so a failure writes nothing.
    """
    _items_credits_allowed(items)
    taken = set(Statement.objects.values_list("slug", flat=True))
    statements = []
    for data in items:
        statement = _statement_from_data(data)
        if not statement.slug or statement.slug in taken:
            statement.slug = slug_free(data.title, taken)
        taken.add(statement.slug)
        # imported_from is a row this import just wrote or found: no query per statement
        # to check that it exists (the foreign key still does, in the database).
        statement.clean_fields(exclude=["slug", "body_html", "body_toc", "imported_from"])
        statements.append(statement)

    def render(chunk: range) -> None:
        for i in chunk:
            statements[i].body_html, statements[i].body_toc = render_body(items[i].body)

    # Rendering Markdown is Python's work and inserting (parsing every body into its search
    # vector) is PostgreSQL's: the next chunk renders in a thread while the database takes
    # the current one (psycopg lets go of the GIL while it waits), so both cores work.
    chunks = [range(i, min(i + BULK_CHUNK, len(items))) for i in range(0, len(items), BULK_CHUNK)]
    with ThreadPoolExecutor(max_workers=1) as pool:
        rendered = [pool.submit(render, chunks[0])] if chunks else []
        for number, chunk in enumerate(chunks):
            rendered.pop().result()
            if number + 1 < len(chunks):
                rendered.append(pool.submit(render, chunks[number + 1]))
            statements_copy([statements[i] for i in chunk])
    respelled = _statements_link(statements, items)
    if respelled:  # credited under the archive's spelling, or an author with other names
        search_names_rewrite(statement_ids=respelled)
    search_words_add(statement_ids=[statement.pk for statement in statements])
    public_pages_changed(statements=[statement.pk for statement in statements])
    return statements


@transaction.atomic
def statement_replace(*, statement: Statement, data: StatementData) -> None:
    """Replace a statement's fields, authors, sources and tags with ``data``'s (its slug
    stays)."""
    _items_credits_allowed([data])
    body_changed = statement.body != data.body
    fresh = _statement_from_data(data)
    for name in ("title", "subtitle", "summary", "body", "date_text", "place", "language",
                 "rights", "editorial_notes", "metadata", "status", "published_at",
                 "search_names", "uid"):  # fmt: skip
        setattr(statement, name, getattr(fresh, name))
    if data.imported_from is not None:
        statement.imported_from = _imported_file(data)
    statement.issued = data.issued
    statement.full_clean(exclude=["body_html", "body_toc", "slug"])
    statement_save(statement=statement, body_changed=body_changed)
    statement.authorships.all().delete()
    statement.sources.all().delete()
    TaggedStatement.objects.filter(content_object=statement).delete()
    if _statements_link([statement], [data]):
        statement_search_names_refresh(statement_ids=[statement.pk])
