"""Withholding a captured copy of a source: hidden, its replay answers 410 and editors
still have the file; suppressed, the WARC file is deleted from the storage, its SHA-256 and
size kept (a copy held elsewhere can still be checked against them)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from statements.catalog.changes import public_pages_changed
from statements.models import Redaction, SourceCapture
from statements.redaction.log import RedactionRefused, act_record, caches_clear_on_commit


def capture_hide(*, capture: SourceCapture, reason_class: str, note: str = "", user=None) -> None:
    with transaction.atomic():
        SourceCapture.objects.filter(pk=capture.pk, hidden_at__isnull=True).update(
            hidden_at=timezone.now()
        )
        act_record(
            act=Redaction.Act.HIDE_CAPTURE,
            user=user,
            reason_class=reason_class,
            note=note,
            capture_id=capture.pk,
        )
        public_pages_changed()
        caches_clear_on_commit()


def capture_unhide(*, capture: SourceCapture, note: str = "", user=None) -> None:
    if capture.suppressed_at is not None:
        raise RedactionRefused("A suppressed capture cannot be shown again: its file is deleted.")
    with transaction.atomic():
        SourceCapture.objects.filter(pk=capture.pk).update(hidden_at=None)
        act_record(
            act=Redaction.Act.UNHIDE_CAPTURE,
            user=user,
            reason_class="error",
            note=note,
            capture_id=capture.pk,
        )
        public_pages_changed()


def capture_suppress(
    *, capture: SourceCapture, reason_class: str, note: str = "", user=None
) -> None:
    """Delete the capture's file; the row keeps its SHA-256, size and time, marked."""
    with transaction.atomic():
        now = timezone.now()
        SourceCapture.objects.filter(pk=capture.pk).update(
            suppressed_at=now, hidden_at=capture.hidden_at or now
        )
        act_record(
            act=Redaction.Act.SUPPRESS_CAPTURE,
            user=user,
            reason_class=reason_class,
            note=note,
            capture_id=capture.pk,
            details={"sha256": capture.sha256, "size": capture.size},
        )
        public_pages_changed()
        caches_clear_on_commit()
        # Last: a failure above leaves the file; a failure here undoes the row's change.
        default_storage.delete(capture.file)  # a storage deletes a missing file quietly
