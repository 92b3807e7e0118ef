"""Where a statement came from (``Source``): provenance, kept as written and as data."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from statements.core.dates import PartialDateAttribute, Precision
from statements.models.fields import HttpURLField, partial_date_constraints


class Source(models.Model):
    """Where a statement came from: provenance, kept as written and as data."""

    class Kind(models.TextChoices):
        ORIGINAL = "original", _("Original publication")
        RETRIEVED = "retrieved", _("Retrieved")
        TRANSLATED = "translated", _("Translated from")

    statement = models.ForeignKey(
        "Statement", verbose_name=_("statement"), on_delete=models.CASCADE, related_name="sources"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RETRIEVED)
    url = HttpURLField(_("URL"), max_length=2000, blank=True)
    site_name = models.CharField(_("site or publication"), max_length=300, blank=True)
    retrieved_start = models.DateField(_("retrieved on"), null=True, blank=True, editable=False)
    retrieved_precision = models.CharField(
        _("retrieved precision"),
        max_length=5,
        choices=Precision.choices,
        blank=True,
        editable=False,
    )
    retrieved_on = PartialDateAttribute("retrieved")
    archived_url = HttpURLField(
        _("archived copy"),
        max_length=2000,
        blank=True,
        help_text=_("A Wayback Machine snapshot, say."),
    )
    note = models.TextField(
        _("note as written"),
        blank=True,
        help_text=_("“Retrieved on 13th March 2025 from www.solidaritycollectives.org”"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["statement", "position", "pk"]
        constraints = [
            *partial_date_constraints("retrieved", "statements_source"),
            models.CheckConstraint(
                condition=Q(url="") | Q(url__regex=r"^https?://"),
                name="statements_source_url_http",
            ),
            models.CheckConstraint(
                condition=Q(archived_url="") | Q(archived_url__regex=r"^https?://"),
                name="statements_source_archived_url_http",
            ),
            models.CheckConstraint(
                condition=~Q(url="", site_name="", note=""),
                name="statements_source_says_something",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["original", "retrieved", "translated"]),
                name="statements_source_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.url or self.site_name or self.note[:80]

    @classmethod
    def from_data(cls, *, statement, item, position: int) -> Source:
        """A source of ``statement`` as a record gives it (core.records.SourceData), its
        fields checked (not saved)."""
        source = cls(
            statement=statement,
            kind=item.kind,
            url=item.url,
            site_name=item.site_name,
            note=item.note,
            archived_url=item.archived_url,
            position=position,
        )
        source.retrieved_on = item.retrieved_on
        source.clean_fields(exclude=["statement"])
        return source
