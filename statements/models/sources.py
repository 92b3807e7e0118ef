"""What the archive knows of an address that sources cite, over time: the state it is in
(``SourceLink``), each check (``SourceCheck``) and each copy captured (``SourceCapture``, a
WARC file in the media storage).

Kept by address, not by ``Source`` row: an address cited by many statements is checked once,
a revision restored (which writes its sources anew) loses no history, and a night's checks
never appear in a statement's revision history: they are observations, not edits."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LinkState(models.TextChoices):
    UNCHECKED = "unchecked", _("Not checked yet")
    ALIVE = "alive", _("Alive")
    MOVED = "moved", _("Moved")
    CHANGED = "changed", _("Changed since captured")
    GONE = "gone", _("Gone")


class SourceCapture(models.Model):
    """A copy of a source's page (and the files it uses, one level deep) as one WARC file."""

    link = models.ForeignKey("SourceLink", on_delete=models.CASCADE, related_name="captures")
    captured_at = models.DateTimeField()
    url = models.URLField("page captured", max_length=2000)
    status = models.PositiveSmallIntegerField("HTTP status")
    # The WARC file's storage name, its size and SHA-256 (fixity: checked when downloaded).
    file = models.CharField(max_length=300, unique=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256 of the WARC file", max_length=64)
    # The page's own body, as it came: what a later check compares with ("changed").
    page_sha256 = models.CharField("SHA-256 of the page", max_length=64)
    page_etag = models.CharField(max_length=300, blank=True)
    # The page's size as kept (decoded, when it came compressed); null for older captures.
    page_size = models.PositiveBigIntegerField("size of the page as kept", null=True, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    resources = models.PositiveSmallIntegerField(default=0)
    truncated = models.BooleanField(
        default=False, help_text="Something was larger than the limits and was cut or left out."
    )
    # Withheld to protect people (statements.redaction.captures): hidden, the replay answers
    # 410; suppressed, the file is gone from the storage too (its SHA-256 and size stay).
    hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    suppressed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-captured_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$")
                & Q(page_sha256__regex=r"^[0-9a-f]{64}$"),
                name="statements_sourcecapture_sha256_hex",
            ),
        ]
        indexes = [
            models.Index(fields=["link", "-captured_at"], name="statements_capture_link"),
        ]

    def __str__(self) -> str:
        return f"{self.url} captured {self.captured_at:%Y-%m-%d %H:%M}"


class SourceLink(models.Model):
    """The state of an address sources cite, as its checks add up (see statements.sources)."""

    url = models.URLField("URL", max_length=2000, unique=True)
    state = models.CharField(max_length=10, choices=LinkState.choices, default=LinkState.UNCHECKED)
    state_since = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField("last checked", null=True, blank=True)
    seen_at = models.DateTimeField("last seen", null=True, blank=True)
    final_url = models.URLField("last address", max_length=2000, blank=True)
    # Timeouts, refused connections and server errors in a row: "gone" after a few.
    failures = models.PositiveSmallIntegerField(default=0)
    capture = models.ForeignKey(
        SourceCapture,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The latest capture.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in LinkState]),
                name="statements_sourcelink_state_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "state_since"], name="statements_link_state"),
            models.Index(fields=["checked_at"], name="statements_link_checked"),
        ]

    def __str__(self) -> str:
        return f"{self.url}: {self.get_state_display()}"


class SourceCheck(models.Model):
    """One check of a source's address: what came back, and the state it led to."""

    link = models.ForeignKey(SourceLink, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField()
    method = models.CharField(max_length=4)  # the last request's: HEAD, or GET
    status = models.PositiveSmallIntegerField("HTTP status", null=True, blank=True)
    final_url = models.URLField("final address", max_length=2000, blank=True)
    # Every hop: [[status, "Location"], ...]
    redirects = models.JSONField(default=list, blank=True)
    elapsed_ms = models.PositiveIntegerField()
    content_sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=10, choices=LinkState.choices)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        indexes = [
            models.Index(fields=["link", "-checked_at"], name="statements_check_link"),
        ]

    def __str__(self) -> str:
        return f"{self.status or self.error} ({self.checked_at:%Y-%m-%d %H:%M})"
