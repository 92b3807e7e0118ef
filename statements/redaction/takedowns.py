"""Taking a statement down: a state of its own ("withdrawn"), distinct from a draft. Its
addresses answer 410 Gone with a short public note; its versions, citations, downloads and
captures too; its kept files and every kept book are deleted; OAI-PMH reports it deleted
(the withdrawal trigger, migration 0018); lists, feeds, sitemaps and search drop it, as
they drop everything not public. Editors still see and can correct it; putting it back
(draft or published, in its form) is theirs to decide."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from statements.catalog.changes import public_pages_changed
from statements.catalog.indexing import search_words_remove
from statements.catalog.revisions import revision_context
from statements.editions.services import editions_remove
from statements.editions.shelf import books_remove_all
from statements.models import Redaction, Statement, Takedown
from statements.redaction.log import RedactionRefused, act_record, caches_clear_on_commit


def statement_take_down(
    *, statement: Statement, reason_class: str, show_title: bool, note: str = "", user=None
) -> Takedown:
    """Take ``statement`` down (a new version records the change of state)."""
    with transaction.atomic():
        current = Statement.objects.select_for_update().get(pk=statement.pk)
        if current.status == Statement.Status.WITHDRAWN:
            raise RedactionRefused("This statement is already taken down.")
        search_words_remove(statement_ids=[statement.pk])
        with revision_context(reason="Taken down"):
            Statement.objects.filter(pk=statement.pk).update(
                status=Statement.Status.WITHDRAWN, updated_at=timezone.now()
            )
        takedown, _ = Takedown.objects.update_or_create(
            statement_id=statement.pk,
            defaults={
                "taken_down_at": timezone.now(),
                "reason_class": reason_class,
                "show_title": show_title,
            },
        )
        files = editions_remove(statement_ids=[statement.pk]) + books_remove_all()
        act_record(
            act=Redaction.Act.TAKE_DOWN,
            user=user,
            reason_class=reason_class,
            note=note,
            statement_id=statement.pk,
            details={"files_deleted": files, "title_shown": show_title},
        )
        public_pages_changed(statements=[statement.pk])
        caches_clear_on_commit()
    statement.status = Statement.Status.WITHDRAWN
    return takedown
