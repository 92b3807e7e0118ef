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
    captured_at = models.DateTimeField(_("captured at"))
    url = models.URLField(_("page captured"), max_length=2000)
    status = models.PositiveSmallIntegerField("HTTP status")
    # The WARC file's storage name, its size and SHA-256 (fixity: checked when downloaded).
    file = models.CharField(_("file"), max_length=300, unique=True)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256 of the WARC file"), max_length=64)
    # The page's own body, as it came: what a later check compares with ("changed").
    page_sha256 = models.CharField(_("SHA-256 of the page"), max_length=64)
    page_etag = models.CharField(_("page etag"), max_length=300, blank=True)
    # The page's size as kept (decoded, when it came compressed); null for older captures.
    page_size = models.PositiveBigIntegerField(_("size of the page as kept"), null=True, blank=True)
    content_type = models.CharField(_("content type"), max_length=200, blank=True)
    resources = models.PositiveSmallIntegerField(_("resources"), default=0)
    truncated = models.BooleanField(
        _("truncated"),
        default=False,
        help_text=_("Something was larger than the limits and was cut or left out."),
    )
    # Withheld to protect people (statements.redaction.captures): hidden, the replay answers
    # 410; suppressed, the file is gone from the storage too (its SHA-256 and size stay).
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True, editable=False)
    suppressed_at = models.DateTimeField(_("suppressed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("captured copy")
        verbose_name_plural = _("captured copies")
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

    url = models.URLField(_("URL"), max_length=2000, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=LinkState.choices, default=LinkState.UNCHECKED
    )
    state_since = models.DateTimeField(_("state since"), null=True, blank=True)
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    final_url = models.URLField(_("last address"), max_length=2000, blank=True)
    # Timeouts, refused connections and server errors in a row: "gone" after a few.
    failures = models.PositiveSmallIntegerField(_("failures"), default=0)
    capture = models.ForeignKey(
        SourceCapture,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The latest capture."),
    )

    class Meta:
        verbose_name = _("source link")
        verbose_name_plural = _("source links")
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

    link = models.ForeignKey(
        SourceLink, verbose_name=_("link"), on_delete=models.CASCADE, related_name="checks"
    )
    checked_at = models.DateTimeField(_("checked at"))
    method = models.CharField(_("method"), max_length=4)  # the last request's: HEAD, or GET
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.URLField(_("final address"), max_length=2000, blank=True)
    # Every hop: [[status, "Location"], ...]
    redirects = models.JSONField(_("redirects"), default=list, blank=True)
    elapsed_ms = models.PositiveIntegerField(_("elapsed ms"))
    content_sha256 = models.CharField(_("content sha256"), max_length=64, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=LinkState.choices)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        indexes = [
            models.Index(fields=["link", "-checked_at"], name="statements_check_link"),
        ]

    def __str__(self) -> str:
        return f"{self.status or self.error} ({self.checked_at:%Y-%m-%d %H:%M})"
