"""Acts after a backup: a dump taken before a suppression still holds what it removed.
``manage.py redactions_since DATE`` writes the acts since a date (JSON Lines, no names);
after restoring an older dump, ``manage.py redactions_apply FILE`` does them again, each
once (an act already in the database, or already re-applied, is skipped)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max

from statements.catalog.revisions import statement_revisions
from statements.models import Author, HiddenVersion, Redaction, SourceCapture, Statement
from statements.redaction.captures import capture_hide, capture_suppress, capture_unhide
from statements.redaction.log import RedactionRefused
from statements.redaction.people import person_remove
from statements.redaction.takedowns import statement_take_down
from statements.redaction.versions import version_hide, version_suppress, version_unhide

FIELDS = ("id", "act", "statement_id", "version_ats", "author_id", "capture_id", "reason_class",
          "note", "done_by_name", "details")  # fmt: skip


def acts_since(*, since: datetime.datetime) -> Iterator[str]:
    """The acts done at or after ``since``, oldest first, one JSON object a line."""
    for act in Redaction.objects.filter(done_at__gte=since).order_by("done_at", "pk"):
        record = {name: getattr(act, name) for name in FIELDS}
        record["done_at"] = act.done_at.isoformat()
        yield json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"


class ActError(ValueError):
    pass


def acts_read(lines: Iterable[str]) -> list[dict]:
    acts = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            act = json.loads(line)
            if not isinstance(act, dict) or act.get("act") not in Redaction.Act.values:
                raise ValueError("not an act")
            act["id"], act["done_at"] = int(act["id"]), str(act["done_at"])
        except (ValueError, KeyError, TypeError) as error:
            raise ActError(
                f"line {number}: not an act written by redactions_since ({error})"
            ) from None
        acts.append(act)
    return acts


@dataclass
class ApplyReport:
    applied: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    # act id → why it could not be done again (its object is gone, say)
    failed: dict[int, str] = field(default_factory=dict)


def _done_here(act: dict) -> bool:
    if Redaction.objects.filter(pk=act["id"], act=act["act"]).exists():
        return True
    return Redaction.objects.filter(details__reapplies__id=act["id"]).exists()


def _numbers(statement_id: int, ats: list[str]) -> list[int]:
    wanted = {datetime.datetime.fromisoformat(at) for at in ats}
    return [r.number for r in statement_revisions(statement_id=statement_id) if r.at in wanted]


def _redo(act: dict) -> None:
    kind, reason, note = act["act"], act["reason_class"], f"Re-applied act {act['id']}"
    details = act.get("details") or {}
    if kind in ("hidecap", "unhidecap", "suppcap"):
        capture = SourceCapture.objects.get(pk=act["capture_id"])
        if kind == "hidecap":
            capture_hide(capture=capture, reason_class=reason, note=note)
        elif kind == "unhidecap":
            capture_unhide(capture=capture, note=note)
        else:
            capture_suppress(capture=capture, reason_class=reason, note=note)
        return
    if kind == "remove":
        author = Author.objects.get(pk=act["author_id"])
        if author.removed_at is None:
            person_remove(
                author=author,
                reason_class=reason,
                note=note,
                suppress=bool(details.get("suppressed", True)),
            )
        # Versions tombstoned then are tombstoned again even where the credits differ now.
        return
    statement = Statement.objects.get(pk=act["statement_id"])
    if kind == "takedown":
        if statement.status != Statement.Status.WITHDRAWN:
            statement_take_down(
                statement=statement,
                reason_class=reason,
                show_title=bool(details.get("title_shown")),
                note=note,
            )
        return
    numbers = _numbers(statement.pk, act.get("version_ats") or [])
    if not numbers:
        raise RedactionRefused("its versions are not in this database")
    if kind == "hide":
        version_hide(
            statement=statement,
            numbers=numbers,
            text=bool(details.get("text", True)),
            reason=bool(details.get("reason")),
            reason_class=reason,
            note=note,
        )
    elif kind == "unhide":
        version_unhide(statement=statement, numbers=numbers, note=note)
    elif kind == "suppress":
        already = HiddenVersion.objects.filter(
            statement_id=statement.pk, suppressed_at__isnull=False
        ).values_list("number", flat=True)
        left = sorted(set(numbers) - set(already))
        if left:
            version_suppress(statement=statement, numbers=left, reason_class=reason, note=note)


def acts_apply(*, acts: list[dict]) -> ApplyReport:
    """Do again, oldest first, each act not yet done in this database."""
    report = ApplyReport()
    for act in sorted(acts, key=lambda a: (a["done_at"], a["id"])):
        if _done_here(act):
            report.skipped.append(act["id"])
            continue
        try:
            with transaction.atomic():
                last = Redaction.objects.aggregate(last=Max("pk"))["last"] or 0
                _redo(act)
                reapplies = {"reapplies": {"id": act["id"], "done_at": act["done_at"]}}
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE statements_redaction SET details = details || %s::jsonb"
                        " WHERE id > %s",
                        [json.dumps(reapplies), last],
                    )
        except (RedactionRefused, Statement.DoesNotExist, Author.DoesNotExist,
                SourceCapture.DoesNotExist) as error:  # fmt: skip
            report.failed[act["id"]] = str(error) or type(error).__name__
            continue
        report.applied.append(act["id"])
    return report
