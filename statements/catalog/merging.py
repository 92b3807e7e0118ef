"""Merging names: tags into one tag, authors into one author (an authority record)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from statements.catalog.changes import public_pages_changed
from statements.catalog.indexing import statement_search_names_refresh
from statements.models import Author, AuthorRedirect, Authorship, Tag, TaggedStatement


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
