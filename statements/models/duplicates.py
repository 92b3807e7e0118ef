"""The same text found twice (statements.catalog.duplicates): each statement's MinHash
fingerprint, and the pairs of statements found alike, with what an editor decided of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class TextFingerprint(models.Model):
    """A statement's text as MinHash (statements.core.fingerprints): its signature, its band
    keys being ``TextBand`` rows. Kept for the body whose hash it records: another body,
    another fingerprint."""

    statement = models.OneToOneField(
        "Statement", on_delete=models.CASCADE, primary_key=True, related_name="fingerprint"
    )
    body_sha256 = models.CharField(_("body SHA-256"), max_length=64)
    words = models.PositiveIntegerField(_("words"))
    signature = models.BinaryField(_("signature"))

    class Meta:
        verbose_name = _("text fingerprint")
        verbose_name_plural = _("text fingerprints")

    def __str__(self) -> str:
        return f"{self.statement_id}: {self.words}"


class TextBand(models.Model):
    """One band key of a statement's fingerprint: the texts sharing a key are looked up in a
    B-tree, a key at a time (an array of thousands of keys against a GIN index of arrays
    is compared row by row: half a second for a file of 500 texts)."""

    band = models.BigIntegerField(_("band"))
    statement = models.ForeignKey(
        "Statement", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("band")
        verbose_name_plural = _("bands")
        indexes = [
            models.Index(fields=["band"], name="textband_band"),
            models.Index(fields=["statement"], name="textband_statement"),
        ]

    def __str__(self) -> str:
        return f"{self.band}: {self.statement_id}"


class DuplicatePair(models.Model):
    """Two statements whose texts are alike (``first`` has the lower id), how alike, and what
    an editor made of them. A pair marked distinct stays so: it is never offered again."""

    class Kind(models.TextChoices):
        DUPLICATE = "duplicate", _("Possible duplicate")
        TRANSLATION = "translation", _("Possible translation")

    class Decision(models.TextChoices):
        OPEN = "", _("Not decided")
        DISTINCT = "distinct", _("Not duplicates")
        MERGED = "merged", _("Merged")
        LINKED = "linked", _("Linked as translations")

    first = models.ForeignKey(
        "Statement", verbose_name=_("statement"), on_delete=models.CASCADE, related_name="+"
    )
    second = models.ForeignKey(
        "Statement", verbose_name=_("alike"), on_delete=models.CASCADE, related_name="+"
    )
    similarity = models.FloatField(_("similarity"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default="", blank=True
    )
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-similarity", "first", "second"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicatepair_unique"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="duplicatepair_order"),
            models.CheckConstraint(
                condition=Q(kind__in=["duplicate", "translation"]), name="duplicatepair_kind"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["", "distinct", "merged", "linked"]),
                name="duplicatepair_decision",
            ),
        ]
        indexes = [models.Index(fields=["second"], name="duplicatepair_second")]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.similarity:.0%})"
