"""Writes: every change to statements, authors and tags that has derived state goes through here."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from statements.dates import PartialDate
from statements.models import (
    Author,
    Authorship,
    SlugRedirect,
    Source,
    Statement,
    Tag,
    TaggedStatement,
)
from statements.rendering import render_body


def unique_slug(*, model, text: str, exclude_pk: int | None = None, max_length: int = 255) -> str:
    """A slug for ``text`` that no other row of ``model`` uses ("title", "title-2", ...)."""
    base = slugify(text, allow_unicode=True)[: max_length - 8].strip("-") or "untitled"
    candidate, number = base, 1
    taken = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    existing = set(taken.filter(slug__startswith=base).values_list("slug", flat=True))
    while candidate in existing:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


@transaction.atomic
def statement_save(
    *, statement: Statement, previous_slug: str | None = None, body_changed: bool = True
) -> Statement:
    """Save a statement with its derived state.

    Renders the body to sanitised HTML when it changed, and leaves a redirect from
    ``previous_slug`` when the slug changed, so that old links keep working.
    """
    if body_changed or (statement.body and not statement.body_html):
        statement.body_html, statement.body_toc = render_body(statement.body)
    if not statement.slug:
        statement.slug = unique_slug(model=Statement, text=statement.title, exclude_pk=statement.pk)
    statement.save()
    # A slug taken (back) by a statement is no longer a redirect to anywhere else.
    SlugRedirect.objects.filter(old_slug=statement.slug).delete()
    if previous_slug and previous_slug != statement.slug:
        SlugRedirect.objects.update_or_create(
            old_slug=previous_slug, defaults={"statement": statement}
        )
    return statement


@dataclass
class AuthorCredit:
    name: str
    role: str = Authorship.Role.AUTHOR
    kind: str = Author.Kind.COLLECTIVE


@dataclass
class SourceData:
    url: str = ""
    site_name: str = ""
    note: str = ""
    kind: str = Source.Kind.RETRIEVED
    retrieved_on: PartialDate | None = None
    archived_url: str = ""


@dataclass
class StatementData:
    """Everything needed to create a statement, as plain values."""

    title: str
    body: str = ""
    subtitle: str = ""
    slug: str = ""
    summary: str = ""
    issued: PartialDate | None = None
    date_text: str = ""
    place: str = ""
    language: str = ""
    rights: str = ""
    editorial_notes: str = ""
    status: str = Statement.Status.DRAFT
    published_at: datetime.datetime | None = None
    credits: Sequence[AuthorCredit] = field(default_factory=list)
    sources: Sequence[SourceData] = field(default_factory=list)
    tags: Sequence[str] = field(default_factory=list)


def author_get_or_create(*, name: str, kind: str = Author.Kind.COLLECTIVE) -> Author:
    """The author called ``name`` (compared without regard to case or spacing), or a new one."""
    clean = " ".join(name.split())
    author = Author.objects.filter(name__iexact=clean).first()
    if author is None:
        author = Author(name=clean, kind=kind, slug=unique_slug(model=Author, text=clean))
        author.full_clean()
        author.save()
    return author


@transaction.atomic
def statement_create(*, data: StatementData) -> Statement:
    """Create a statement with its authors, sources and tags, validated like the admin does."""
    statement = Statement(
        title=data.title,
        subtitle=data.subtitle,
        slug=data.slug or unique_slug(model=Statement, text=data.title),
        summary=data.summary,
        body=data.body,
        date_text=data.date_text,
        place=data.place,
        language=data.language,
        rights=data.rights,
        editorial_notes=data.editorial_notes,
        status=data.status,
        published_at=data.published_at,
    )
    statement.issued = data.issued
    statement.full_clean(exclude=["body_html"])
    statement_save(statement=statement)

    positions: dict[str, int] = {}
    authorships = []
    for credit in data.credits:
        author = author_get_or_create(name=credit.name, kind=credit.kind)
        positions[credit.role] = positions.get(credit.role, -1) + 1
        authorships.append(
            Authorship(
                statement=statement,
                author=author,
                role=credit.role,
                position=positions[credit.role],
            )
        )
    Authorship.objects.bulk_create(authorships)

    sources = []
    for position, item in enumerate(data.sources):
        source = Source(
            statement=statement,
            kind=item.kind,
            url=item.url,
            site_name=item.site_name,
            note=item.note,
            archived_url=item.archived_url,
            position=position,
        )
        source.retrieved_on = item.retrieved_on
        source.full_clean(exclude=["statement"])
        sources.append(source)
    Source.objects.bulk_create(sources)

    if data.tags:
        statement.tags.set(list(data.tags))
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
        chosen.filter(published_at__isnull=True).update(published_at=now)
        chosen.update(status=Statement.Status.PUBLISHED)
        scheduled = chosen.filter(published_at__gt=now).count()
        total = chosen.count()
    return total - scheduled, scheduled


def statement_unpublish(*, statements: QuerySet[Statement]) -> int:
    """Take statements off the public site (they become drafts)."""
    return statements.update(status=Statement.Status.DRAFT)


@transaction.atomic
def tag_merge(*, tags: Iterable[Tag], into: Tag) -> int:
    """Move every statement of ``tags`` onto ``into`` and delete the merged tags.

    Returns how many statements gained the target tag.
    """
    others = [tag for tag in tags if tag.pk != into.pk]
    if not others:
        return 0
    statement_ids = set(
        TaggedStatement.objects.filter(tag__in=others).values_list("content_object_id", flat=True)
    )
    already = set(
        TaggedStatement.objects.filter(tag=into).values_list("content_object_id", flat=True)
    )
    TaggedStatement.objects.bulk_create(
        [TaggedStatement(content_object_id=pk, tag=into) for pk in statement_ids - already]
    )
    Tag.objects.filter(pk__in=[tag.pk for tag in others]).delete()
    return len(statement_ids - already)
