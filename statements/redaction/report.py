"""The public transparency report: how many acts of each kind the archive made, by month
and reason class. No names, no addresses, no numbers of what was withheld."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from statements.models import ReasonClass, Redaction

# The acts as the public reads them, in the order of the report's columns.
PUBLIC_ACTS = {
    Redaction.Act.HIDE: _("Versions hidden"),
    Redaction.Act.UNHIDE: _("Versions shown again"),
    Redaction.Act.SUPPRESS: _("Versions suppressed"),
    Redaction.Act.REMOVE_PERSON: _("People removed"),
    Redaction.Act.TAKE_DOWN: _("Statements taken down"),
    Redaction.Act.HIDE_CAPTURE: _("Captured copies hidden"),
    Redaction.Act.UNHIDE_CAPTURE: _("Captured copies shown again"),
    Redaction.Act.SUPPRESS_CAPTURE: _("Captured copies suppressed"),
}


@dataclass
class MonthRow:
    month: datetime.date
    act: str
    reason: str
    count: int


def redactions_by_month() -> list[MonthRow]:
    """Acts per month, kind and reason class, newest month first (one query)."""
    rows = (
        Redaction.objects.annotate(month=TruncMonth("done_at"))
        .values("month", "act", "reason_class")
        .annotate(n=Count("pk"))
        .order_by("-month", "act", "reason_class")
    )
    reasons = dict(ReasonClass.choices)
    return [
        MonthRow(
            month=row["month"].date(),
            act=str(PUBLIC_ACTS.get(row["act"], row["act"])),
            reason=str(reasons.get(row["reason_class"], row["reason_class"])),
            count=row["n"],
        )
        for row in rows
    ]
