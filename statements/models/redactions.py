"""What the archive withholds to protect people, and the record of each act: hidden and
suppressed versions, statements taken down, removed people's old addresses, and the log.

None of these rows holds what was withheld: a version is named by its statement's number
and its time, a person by their record's number, an old address by its SHA-256."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from statements.core.names import name_fold


class ReasonClass(models.TextChoices):
    """Why something was withheld, in the words the public sees."""

    PRIVACY = "privacy", _("Privacy")
    SAFETY = "safety", _("Safety")
    LEGAL = "legal", _("Legal")
    ERROR = "error", _("Error")


class HiddenVersion(models.Model):
    """A version withheld from the public: its text and details, and/or the editor's reason.
    Suppressed, its content is gone from the database too (statements.redaction.versions);
    the row keeps what the public history still says of it, and the SHA-256 of the text
    removed, so that a copy held elsewhere can still be checked."""

    statement_id = models.BigIntegerField(_("statement id"))
    # A version is its transaction's time (its number is its rank, catalog.revisions).
    at = models.DateTimeField(_("at"))
    number = models.PositiveIntegerField(_("number"))
    text_hidden = models.BooleanField(_("text and details hidden"), default=True)
    reason_hidden = models.BooleanField(_("editor's reason hidden"), default=False)
    reason_class = models.CharField(_("reason class"), max_length=10, choices=ReasonClass.choices)
    hidden_at = models.DateTimeField(_("hidden at"))
    suppressed_at = models.DateTimeField(_("suppressed at"), null=True, blank=True)
    body_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64, blank=True)

    class Meta:
        ordering = ["statement_id", "at"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement_id", "at"], name="statements_hiddenversion_unique"
            ),
            models.CheckConstraint(
                condition=Q(text_hidden=True) | Q(reason_hidden=True),
                name="statements_hiddenversion_hides_something",
            ),
            models.CheckConstraint(
                condition=Q(reason_class__in=ReasonClass.values),
                name="statements_hiddenversion_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        state = "suppressed" if self.suppressed_at else "hidden"
        return f"version {self.number} of statement {self.statement_id} ({state})"


class Takedown(models.Model):
    """A statement taken down: its addresses answer 410 Gone with this note. The editor
    chooses whether the note names its title and date."""

    statement = models.OneToOneField(
        "Statement", on_delete=models.CASCADE, primary_key=True, related_name="takedown"
    )
    taken_down_at = models.DateTimeField(_("taken down at"))
    reason_class = models.CharField(_("reason class"), max_length=10, choices=ReasonClass.choices)
    show_title = models.BooleanField(_("name the title and date in the public note"), default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reason_class__in=ReasonClass.values),
                name="statements_takedown_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"statement {self.statement_id} taken down {self.taken_down_at:%Y-%m-%d}"


def address_digest(slug: str) -> str:
    """How an old author address is kept: the SHA-256 of "author:<slug>", never the slug."""
    return hashlib.sha256(f"author:{slug}".encode()).hexdigest()


def name_digest(name: str) -> str:
    """How the name of a removed person is kept, so that no import or paste credits them
    again: the SHA-256 of the name folded (letter case, accents and spacing aside)."""
    return hashlib.sha256(f"name:{name_fold(' '.join(name.split()))}".encode()).hexdigest()


class RemovedName(models.Model):
    """A name of a person removed from the archive (name_digest): a credit that spells it
    is left out of any later import, paste or edit (statements.catalog.services)."""

    sha256 = models.CharField(_("sha256"), max_length=64, unique=True)
    removed_at = models.DateTimeField(_("removed at"))

    def __str__(self) -> str:
        return f"removed name {self.sha256[:12]}…"


class RemovedAddress(models.Model):
    """A public address of a removed person (their author page, a redirect to it): it answers
    410 Gone. Kept as the SHA-256 of "author:<slug>", since the slug spells the name."""

    sha256 = models.CharField(_("sha256"), max_length=64, unique=True)
    removed_at = models.DateTimeField(_("removed at"))

    def __str__(self) -> str:
        return f"removed address {self.sha256[:12]}…"


class Redaction(models.Model):
    """The log: every hide, unhide, suppression, removal and takedown, who did it, when, to
    which object (by number), the public reason class and a private note. Shown to
    Suppressors; counted by month and reason on /about/redactions/. It never holds a
    removed name (the removal refuses a note that spells it)."""

    class Act(models.TextChoices):
        HIDE = "hide", _("Hide a version")
        UNHIDE = "unhide", _("Unhide a version")
        SUPPRESS = "suppress", _("Suppress a version")
        REMOVE_PERSON = "remove", _("Remove a person")
        TAKE_DOWN = "takedown", _("Take a statement down")
        HIDE_CAPTURE = "hidecap", _("Hide a capture")
        UNHIDE_CAPTURE = "unhidecap", _("Unhide a capture")
        SUPPRESS_CAPTURE = "suppcap", _("Suppress a capture")

    act = models.CharField(_("act"), max_length=10, choices=Act.choices)
    statement_id = models.BigIntegerField(_("statement id"), null=True, blank=True)
    # The versions acted on, by their times (numbers are in ``details``).
    version_ats = models.JSONField(_("version ats"), default=list, blank=True)
    author_id = models.BigIntegerField(_("author id"), null=True, blank=True)
    capture_id = models.BigIntegerField(_("capture id"), null=True, blank=True)
    reason_class = models.CharField(_("reason class"), max_length=10, choices=ReasonClass.choices)
    note = models.TextField(_("private note"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_by_name = models.CharField(_("done by name"), max_length=150, blank=True)
    done_at = models.DateTimeField(_("done at"), db_index=True)
    # What the act did, in numbers and hashes (versions, rows, files); never a name.
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("act")
        verbose_name_plural = _("acts")
        ordering = ["-done_at", "-pk"]
        permissions = [
            ("hide_versions", "Can hide and unhide versions, captures and take statements down"),
            ("view_hidden_versions", "Can view hidden versions"),
            ("suppress_versions", "Can suppress versions and captures, and remove people"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason_class__in=ReasonClass.values),
                name="statements_redaction_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_act_display()} ({self.done_at:%Y-%m-%d %H:%M})"
