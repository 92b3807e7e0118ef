"""Merging: tags into one tag, authors into one author (an authority record), a statement
found twice into one; and statements linked as translations."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Q

from statements.catalog.changes import public_pages_changed
from statements.catalog.indexing import statement_search_names_refresh
from statements.models import (
    Author,
    AuthorRedirect,
    Authorship,
    SlugRedirect,
    Source,
    Statement,
    Tag,
    TaggedStatement,
)


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
    statement_search_names_refresh(statement_ids=statement_ids | already)
    public_pages_changed(tags=[into.pk, *(tag.pk for tag in others)])
    return len(statement_ids - already)


@transaction.atomic
def author_merge(*, authors: Iterable[Author], into: Author) -> int:
    """Merge ``authors`` into ``into``: every credit moves to ``into`` (where ``into`` is
    already credited on the statement in that role, the other credit goes), their names and
    alternative names become ``into``'s alternative names (so imports find them), their
    addresses answer with a 301 to ``into``'s page, and they are deleted.

    Returns how many credits moved."""
    others = [author for author in authors if author.pk != into.pk]
    if not others:
        return 0
    credits = Authorship.objects.filter(author__in=others).order_by("pk")
    taken = set(Authorship.objects.filter(author=into).values_list("statement_id", "role"))
    statement_ids: set[int] = set()
    moved: list[int] = []
    dropped: list[int] = []
    for credit in credits:
        statement_ids.add(credit.statement_id)
        key = (credit.statement_id, credit.role)
        (dropped if key in taken else moved).append(credit.pk)
        taken.add(key)
    Authorship.objects.filter(pk__in=dropped).delete()
    Authorship.objects.filter(pk__in=moved).update(author=into)
    names = [*into.alternative_name_list]
    for other in others:
        names += [other.name, *other.alternative_name_list]
    kept: list[str] = []
    seen = {" ".join(into.name.split()).casefold()}
    for name in names:
        spelled = " ".join(name.split())
        if spelled and spelled.casefold() not in seen:
            seen.add(spelled.casefold())
            kept.append(spelled)
    into.alternative_names = "\n".join(kept)
    into.save(update_fields=["alternative_names", "updated_at"])
    AuthorRedirect.objects.filter(author__in=others).update(author=into)
    AuthorRedirect.objects.bulk_create(
        [AuthorRedirect(old_slug=other.slug, author=into) for other in others]
    )
    Author.objects.filter(pk__in=[other.pk for other in others]).delete()
    statement_search_names_refresh(statement_ids=statement_ids)
    public_pages_changed(authors=[into.pk, *(other.pk for other in others)])
    return len(moved)


@transaction.atomic
def statement_merge(*, keep: Statement, other: Statement) -> None:
    """Merge ``other`` into ``keep``, the same text found twice: ``other``'s sources move to
    ``keep`` (those it already has stay once), its credits and tags join ``keep``'s, its
    addresses answer with a 301 to ``keep``, and it is withdrawn: its record and history
    stay, both statements get a revision (the caller's revision context names the merge)."""
    if keep.pk == other.pk:
        return
    urls = set(keep.sources.exclude(url="").values_list("url", flat=True))
    moving = [s.pk for s in other.sources.all() if not s.url or s.url not in urls]
    Source.objects.filter(pk__in=moving).update(statement=keep)
    other.sources.all().delete()
    taken = set(keep.authorships.values_list("author_id", "role"))
    last = dict(keep.authorships.values_list("role", "position"))
    added = []
    for credit in other.authorships.order_by("role", "position", "pk"):
        if (credit.author_id, credit.role) not in taken:
            last[credit.role] = last.get(credit.role, -1) + 1
            added.append(
                Authorship(
                    statement=keep,
                    author_id=credit.author_id,
                    role=credit.role,
                    position=last[credit.role],
                )
            )
            taken.add((credit.author_id, credit.role))
    Authorship.objects.bulk_create(added)
    tagged = set(keep.tagged_items.values_list("tag_id", flat=True))
    TaggedStatement.objects.bulk_create(
        [
            TaggedStatement(content_object=keep, tag_id=tag_id)
            for tag_id in other.tagged_items.values_list("tag_id", flat=True)
            if tag_id not in tagged
        ]
    )
    if not keep.uid and other.uid:
        keep.uid = other.uid  # its translations are keep's now
    keep.save(update_fields=["uid", "updated_at"])
    other.status = Statement.Status.WITHDRAWN
    other.save(update_fields=["status", "updated_at"])
    SlugRedirect.objects.filter(statement=other).update(statement=keep)
    SlugRedirect.objects.update_or_create(old_slug=other.slug, defaults={"statement": keep})
    statement_search_names_refresh(statement_ids=[keep.pk])
    public_pages_changed(statements=[keep.pk, other.pk])


@transaction.atomic
def translations_link(*, statements: Sequence[Statement]) -> str:
    """Show statements as each other's translations: they (and the translations each already
    has) come to share one identifier (Amusewiki's #uid). Returns it."""
    uid = next((s.uid for s in statements if s.uid), "") or f"linked-{uuid.uuid4().hex[:16]}"
    groups = {s.uid for s in statements if s.uid and s.uid != uid}
    ids = [s.pk for s in statements]
    changing = Statement.objects.filter(Q(pk__in=ids) | Q(uid__in=groups)).exclude(uid=uid)
    changed = list(changing.values_list("pk", flat=True))
    Statement.objects.filter(pk__in=changed).update(uid=uid)
    # Their pages, and those of the translations they had and have now (found by uid).
    public_pages_changed(
        statements=[*changed, *Statement.objects.filter(uid=uid).values_list("pk", flat=True)]
    )
    return uid


def sources_add(*, statement_id: int, sources: Sequence, name: str) -> int:
    """An imported file's sources (SourceData) added to a statement that has its text, but
    for those it has already (by address); a file that names none is recorded as a source
    by its name. Returns how many were added."""
    statement = Statement.objects.get(pk=statement_id)
    urls = set(statement.sources.exclude(url="").values_list("url", flat=True))
    position = statement.sources.count()
    new: list[Source] = []
    for item in sources:
        if not (item.url and item.url in urls):
            new.append(
                Source.from_data(statement=statement, item=item, position=position + len(new))
            )
    if not sources:
        new.append(
            Source(statement=statement, site_name=name[-300:], position=position, note=_FOUND)
        )
    Source.objects.bulk_create(new)
    if new:
        public_pages_changed(statements=[statement_id])
    return len(new)


_FOUND = "The same text, found again in this file at an import."
