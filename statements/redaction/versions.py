"""Hide, unhide and suppress a statement's versions (MediaWiki's RevisionDelete and
oversight, with suppression that really removes).

Hidden, a version's text and details (or only the editor's reason) are withheld from the
public: its row stays in the public history, struck through, with the date and the reason
class, and its address answers 410. Editors who may view hidden versions still read it.

Suppressed, the content is gone from the database: the event rows that hold the version's
text and details (the statement's fields, its body, its sources) are overwritten, and the
reason is taken out of its context. What stays is the version's number and time, the body's
SHA-256, and the tombstone (HiddenVersion). The rows of a version are often shared with the
versions beside it (a change to the tags keeps the text of the version before): every
version that reads a row being overwritten is suppressed with it, and the current version
never is (edit it first)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from statements.catalog.changes import public_pages_changed
from statements.catalog.revisions import (
    Revision,
    history_rewrite_allowed,
    statement_revisions,
)
from statements.models import (
    HiddenVersion,
    Redaction,
    SourceEvent,
    Statement,
    StatementBodyEvent,
    StatementEvent,
)
from statements.redaction.log import RedactionRefused, act_record, caches_clear_on_commit

# The statement's fields a suppression empties in its event rows (what a person could be
# named in); the dates, language and publication state stay, and the body's SHA-256.
SCRUBBED_FIELDS = ("title", "subtitle", "slug", "summary", "date_text", "place", "rights",
                   "editorial_notes", "uid")  # fmt: skip
SCRUBBED_SOURCE_FIELDS = ("url", "site_name", "archived_url", "note")


def _chosen(revisions: list[Revision], numbers: list[int]) -> list[Revision]:
    if not numbers:
        raise RedactionRefused("Choose at least one version.")
    chosen = []
    for number in sorted(set(numbers)):
        if not 0 < number <= len(revisions):
            raise RedactionRefused(f"This statement has no version {number}.")
        chosen.append(revisions[number - 1])
    return chosen


def _refuse_current(revisions: list[Revision], chosen: list[Revision]) -> None:
    if chosen[-1].number == len(revisions):
        raise RedactionRefused(
            f"Version {len(revisions)} is the current version: it cannot be hidden. "
            "Edit the statement first (the edit makes a new version), then hide this one."
        )


def version_hide(
    *,
    statement: Statement,
    numbers: list[int],
    text: bool,
    reason: bool,
    reason_class: str,
    note: str = "",
    user=None,
) -> list[int]:
    """Hide the text and details and/or the editor's reason of these versions. Returns the
    numbers hidden."""
    if not (text or reason):
        raise RedactionRefused("Choose what to hide: the text and details, the reason, or both.")
    with transaction.atomic():
        Statement.objects.select_for_update().filter(pk=statement.pk).first()
        revisions = statement_revisions(statement_id=statement.pk)
        chosen = _chosen(revisions, numbers)
        if text:
            _refuse_current(revisions, chosen)
        now = timezone.now()
        for revision in chosen:
            row, made = HiddenVersion.objects.get_or_create(
                statement_id=statement.pk,
                at=revision.at,
                defaults={
                    "number": revision.number,
                    "text_hidden": text,
                    "reason_hidden": reason,
                    "reason_class": reason_class,
                    "hidden_at": now,
                    "body_sha256": revision.body_sha256,
                },
            )
            if not made and not row.suppressed_at:
                row.text_hidden |= text
                row.reason_hidden |= reason
                row.reason_class, row.hidden_at = reason_class, now
                row.save()
        act_record(
            act=Redaction.Act.HIDE,
            user=user,
            reason_class=reason_class,
            note=note,
            statement_id=statement.pk,
            version_ats=[r.at for r in chosen],
            details={"versions": [r.number for r in chosen], "text": text, "reason": reason},
        )
        public_pages_changed(statements=[statement.pk])
        caches_clear_on_commit()
    return [r.number for r in chosen]


def version_unhide(*, statement: Statement, numbers: list[int], note: str = "", user=None) -> int:
    """Show these versions to the public again (a suppressed one stays a tombstone: its
    content is gone). Returns how many were unhidden."""
    with transaction.atomic():
        revisions = statement_revisions(statement_id=statement.pk)
        chosen = _chosen(revisions, numbers)
        rows = HiddenVersion.objects.filter(
            statement_id=statement.pk, at__in=[r.at for r in chosen]
        )
        if rows.filter(suppressed_at__isnull=False).exists():
            raise RedactionRefused(
                "A suppressed version cannot be unhidden: its content is no longer in the archive."
            )
        reasons = sorted(set(rows.values_list("reason_class", flat=True)))
        count, _ = rows.delete()
        if count:
            act_record(
                act=Redaction.Act.UNHIDE,
                user=user,
                reason_class=reasons[0] if reasons else "error",
                note=note,
                statement_id=statement.pk,
                version_ats=[r.at for r in chosen],
                details={"versions": [r.number for r in chosen]},
            )
            public_pages_changed(statements=[statement.pk])
    return count


@dataclass
class SuppressionPlan:
    """What suppressing the chosen versions removes: every version reading the rows that
    will be overwritten, and those rows."""

    statement_id: int
    versions: list[Revision]
    statement_rows: set[int] = field(default_factory=set)
    body_rows: set[int] = field(default_factory=set)
    source_rows: set[int] = field(default_factory=set)

    @property
    def numbers(self) -> list[int]:
        return [r.number for r in self.versions]


def _last_at_or_before(events: list[tuple[int, datetime.datetime]], at) -> int | None:
    found = None
    for pgh_id, created in events:
        if created <= at:
            found = pgh_id
        else:
            break
    return found


def _rows_in_effect(events: dict, at: datetime.datetime) -> set[tuple[str, int]]:
    """The event rows a version at ``at`` is read from (catalog.revisions.statement_as_of):
    the statement's last row, the body replaced first after it (0: the statement's own
    body), each source's last row."""
    rows: set[tuple[str, int]] = set()
    statement_row = _last_at_or_before(events["statement"], at)
    if statement_row is not None:
        rows.add(("statement", statement_row))
    body = next((pgh_id for pgh_id, created in events["body"] if created > at), 0)
    rows.add(("body", body))
    latest: dict[int, tuple[int, str]] = {}
    for pgh_id, created, source_id, label in events["sources"]:
        if created <= at:
            latest[source_id] = (pgh_id, label)
    rows |= {("source", pgh_id) for pgh_id, label in latest.values() if label != "delete"}
    return rows


def _events(statement_id: int) -> dict:
    order = ("pgh_created_at", "pgh_id")
    return {
        "statement": list(
            StatementEvent.objects.filter(pgh_obj_id=statement_id)
            .order_by(*order)
            .values_list("pgh_id", "pgh_created_at")
        ),
        "body": list(
            StatementBodyEvent.objects.filter(pgh_obj_id=statement_id)
            .order_by(*order)
            .values_list("pgh_id", "pgh_created_at")
        ),
        "sources": list(
            SourceEvent.objects.filter(statement_id=statement_id)
            .order_by(*order)
            .values_list("pgh_id", "pgh_created_at", "id", "pgh_label")
        ),
    }


def suppression_plan(*, statement: Statement, numbers: list[int]) -> SuppressionPlan:
    """The versions and rows a suppression of ``numbers`` reaches, or RedactionRefused
    where it would reach the current version."""
    revisions = statement_revisions(statement_id=statement.pk)
    chosen = _chosen(revisions, numbers)
    _refuse_current(revisions, chosen)
    events = _events(statement.pk)
    in_effect = {r.number: _rows_in_effect(events, r.at) for r in revisions}
    # The text and the details decide which versions go with the chosen ones; a source row
    # is overwritten only where no version kept reads it (else it is theirs too).
    scrubbed = {row for r in chosen for row in in_effect[r.number] if row[0] != "source"}
    if ("body", 0) in scrubbed:
        raise RedactionRefused(
            "This version's text is the current text: edit the statement first (the edit "
            "makes a new version), then suppress this one."
        )
    reached = [r for r in revisions if in_effect[r.number] & scrubbed or r in chosen]
    kept_sources = {row for r in revisions if r not in reached for row in in_effect[r.number]}
    scrubbed |= {
        row
        for r in reached
        for row in in_effect[r.number]
        if row[0] == "source" and row not in kept_sources
    }
    if reached[-1].number == len(revisions):
        shared = ", ".join(str(r.number) for r in chosen)
        raise RedactionRefused(
            f"The current version still reads the details of version {shared} (a later "
            "change touched something else): edit the statement first, then suppress."
        )
    return SuppressionPlan(
        statement_id=statement.pk,
        versions=reached,
        statement_rows={pk for kind, pk in scrubbed if kind == "statement"},
        body_rows={pk for kind, pk in scrubbed if kind == "body"},
        source_rows={pk for kind, pk in scrubbed if kind == "source"},
    )


def _contexts_of(statement_id: int, ats: list[datetime.datetime]) -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT pgh_context_id FROM (
                SELECT pgh_context_id, pgh_created_at FROM statements_statementevent
                 WHERE pgh_obj_id = %(id)s
                UNION ALL SELECT pgh_context_id, pgh_created_at FROM statements_authorshipevent
                 WHERE statement_id = %(id)s
                UNION ALL SELECT pgh_context_id, pgh_created_at FROM statements_sourceevent
                 WHERE statement_id = %(id)s
                UNION ALL SELECT pgh_context_id, pgh_created_at FROM statements_taggingevent
                 WHERE content_object_id = %(id)s
            ) AS e WHERE pgh_created_at = ANY(%(ats)s) AND pgh_context_id IS NOT NULL
            """,
            {"id": statement_id, "ats": ats},
        )
        return [row[0] for row in cursor.fetchall()]


def plan_apply(plan: SuppressionPlan) -> dict:
    """Overwrite the rows of the plan and the reasons of its versions (inside the caller's
    transaction). Returns how many rows of each kind."""
    with history_rewrite_allowed():
        statements = StatementEvent.objects.filter(pgh_id__in=plan.statement_rows).update(
            metadata={}, **dict.fromkeys(SCRUBBED_FIELDS, "")
        )
        bodies = StatementBodyEvent.objects.filter(pgh_id__in=plan.body_rows).update(body="")
        sources = SourceEvent.objects.filter(pgh_id__in=plan.source_rows).update(
            **dict.fromkeys(SCRUBBED_SOURCE_FIELDS, "")
        )
    contexts = _contexts_of(plan.statement_id, [r.at for r in plan.versions])
    if contexts:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE pghistory_context SET metadata = metadata - 'reason' WHERE id = ANY(%s)",
                [contexts],
            )
    return {"statement_rows": statements, "body_rows": bodies, "source_rows": sources}


def versions_tombstone(
    *, statement_id: int, versions: list[Revision], reason_class: str, suppressed: bool
) -> None:
    """Mark these versions hidden (and suppressed): their rows in the public history."""
    now = timezone.now()
    for revision in versions:
        HiddenVersion.objects.update_or_create(
            statement_id=statement_id,
            at=revision.at,
            defaults={
                "number": revision.number,
                "text_hidden": True,
                "reason_hidden": True,
                "reason_class": reason_class,
                "hidden_at": now,
                "body_sha256": revision.body_sha256,
                **({"suppressed_at": now} if suppressed else {}),
            },
        )


def version_suppress(
    *, statement: Statement, numbers: list[int], reason_class: str, note: str = "", user=None
) -> SuppressionPlan:
    """Remove these versions' content from the database (and every version sharing it),
    leaving tombstones. Cannot be undone, except by restoring a backup (and then
    ``manage.py redactions_apply`` suppresses it again)."""
    with transaction.atomic():
        Statement.objects.select_for_update().filter(pk=statement.pk).first()
        plan = suppression_plan(statement=statement, numbers=numbers)
        counts = plan_apply(plan)
        versions_tombstone(
            statement_id=statement.pk,
            versions=plan.versions,
            reason_class=reason_class,
            suppressed=True,
        )
        act_record(
            act=Redaction.Act.SUPPRESS,
            user=user,
            reason_class=reason_class,
            note=note,
            statement_id=statement.pk,
            version_ats=[r.at for r in plan.versions],
            details={
                "versions": plan.numbers,
                "sha256": [r.body_sha256 for r in plan.versions],
                **counts,
            },
        )
        public_pages_changed(statements=[statement.pk])
        caches_clear_on_commit()
    return plan
