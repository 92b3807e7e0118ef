"""Stored records put right after an importer learnt better: titles that kept an export's
address, site name or file extension (core.titles). Each change is a revision of its own."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from statements.catalog.revisions import revision_context
from statements.catalog.services import statement_save
from statements.core.titles import title_tidy
from statements.models import Source, Statement


@dataclass
class TitleChange:
    statement_id: int
    slug: str
    before: str
    after: str
    address: str = ""


def statement_titles_tidy(*, dry_run: bool = False) -> list[TitleChange]:
    """Every statement whose title ends in an address, a site's name or a file extension,
    given its title alone (a revision by "command tidy_titles"; the slug, and so every link,
    stays). A whole address taken off becomes a source when the statement cites none like
    it. With ``dry_run``, what would change, written nowhere."""
    changes = []
    rows = Statement.objects.select_related("imported_from").only(
        "pk", "slug", "title", "imported_from__name"
    )
    for row in rows.iterator(chunk_size=500):
        name = row.imported_from.name if row.imported_from else ""
        tidied = title_tidy(row.title, file_name=name)
        if tidied.title != row.title:
            changes.append(TitleChange(row.pk, row.slug, row.title, tidied.title, tidied.address))
    if dry_run:
        return changes
    for change in changes:
        with revision_context(by="command tidy_titles"), transaction.atomic():
            statement = Statement.objects.select_for_update().get(pk=change.statement_id)
            statement.title = change.after
            statement_save(statement=statement, body_changed=False)
            cited = statement.sources.filter(url=change.address).exists()
            if change.address and not cited:
                last = statement.sources.aggregate(last=Max("position"))["last"]
                Source.objects.create(
                    statement=statement,
                    url=change.address,
                    note="from the statement's former title",
                    position=(last or 0) + 1,
                )
    return changes
