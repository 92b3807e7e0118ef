"""Rows the archive keeps beside its statements: the files imports read (provenance), the
search vocabulary, and withdrawals (OAI-PMH's deleted records)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportedFile(models.Model):
    """A file as an import read it, byte for byte, with its SHA-256: the provenance of the
    statements made from it, which can be checked against the file at its source later.
    One row per distinct content; a JSON Lines file is kept once for all its statements."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    name = models.CharField(
        _("name"), max_length=500, help_text=_("The file's name as it was imported.")
    )
    format = models.CharField(_("format"), max_length=10)
    size = models.PositiveIntegerField(_("size"))
    content = models.BinaryField(_("content"))
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported file")
        verbose_name_plural = _("imported files")
        ordering = ["-imported_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="statements_importedfile_sha256_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sha256[:12]}…)"


class SearchWord(models.Model):
    """The archive's own vocabulary, read off the search index: for "did you mean"."""

    word = models.CharField(_("word"), max_length=100, unique=True)
    documents = models.PositiveIntegerField(_("documents"), default=0)

    class Meta:
        indexes = [
            GinIndex(OpClass("word", name="gin_trgm_ops"), name="statements_searchword_trgm"),
        ]

    def __str__(self) -> str:
        return self.word


class Withdrawal(models.Model):
    """A statement that was public and no longer is (unpublished, scheduled again, or
    deleted): what OAI-PMH reports as a deleted record, so that harvesters drop their copy.

    Written by a database trigger (migration 0018) on every path that changes a statement's
    status or deletes it, bulk updates included. While the statement is public again the row
    is ignored; it is kept, and updated, if the statement is withdrawn once more. It keeps
    the statement's number and the time, nothing else: no address, no set (the names of its
    tags and authors), nothing of what was withdrawn (migration 0035).
    """

    statement_id = models.BigIntegerField(_("statement id"), unique=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"))

    class Meta:
        indexes = [
            models.Index(fields=["withdrawn_at", "statement_id"], name="statements_withdrawn_idx")
        ]

    def __str__(self) -> str:
        return f"{self.slug} (withdrawn {self.withdrawn_at:%Y-%m-%d})"


class ArchiveSummary(models.Model):
    """The archive-wide counts the public pages show (statements, authors, tags, and per tag,
    author, year and month), computed once per change instead of on every view.

    One row. ``change`` is the value of the sequence ``statements_summary_seq`` it was
    computed at: every write path moves the sequence (statements.catalog.summary), so a
    row whose ``change`` is behind is recomputed by the next reader. ``expires_at`` is the
    next scheduled publication, which changes the counts without any write.
    """

    id = models.PositiveSmallIntegerField(_("id"), primary_key=True, default=1)
    change = models.BigIntegerField(_("change"))
    data = models.JSONField(_("data"))
    expires_at = models.DateTimeField(_("expires at"), null=True)

    def __str__(self) -> str:
        return f"Archive summary at change {self.change}"


class PageCacheDebt(models.Model):
    """An invalidation of the page cache that could not be made (Redis away when a change
    was committed): while a row is here, no cached page is served, and the first process
    that reaches Redis again makes every cached page stale and clears the rows
    (statements.cache)."""

    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    def __str__(self) -> str:
        return f"page cache invalidation owed since {self.recorded_at:%Y-%m-%d %H:%M:%S}"


class Job(models.Model):
    """Slow work done on the task queue's workers (infra.queue), or in the request when
    there is none: a kept file being made (``key`` is its storage name, so each file is made
    once however many readers ask), or an import from the admin (its report kept here)."""

    FILE, IMPORT = "file", "import"
    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"

    kind = models.CharField(_("kind"), max_length=10, choices=[(FILE, "file"), (IMPORT, "import")])
    key = models.CharField(_("key"), max_length=300, unique=True, null=True, blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        default=QUEUED,
        choices=[(s, s) for s in (QUEUED, RUNNING, DONE, FAILED)],
    )
    message = models.TextField(_("message"), blank=True)  # why it failed, for a person to read
    report = models.JSONField(_("report"), null=True, blank=True)  # an import's report
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    def __str__(self) -> str:
        return f"{self.kind} job {self.pk} ({self.state})"


class KeptBook(models.Model):
    """A reader's book file kept in the media storage (``books/…``), its size, and when a
    reader last asked for it: books nobody asks for again are removed after
    ARCHIVE_BOOKS_KEEP_DAYS, and the least recently asked for first when all of them pass
    ARCHIVE_BOOKS_MAX_MB (statements.editions.shelf). Statements' own editions are kept."""

    name = models.CharField(_("name"), max_length=300, unique=True)
    size = models.PositiveBigIntegerField(_("size"))
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)
    requested_at = models.DateTimeField(_("requested at"), db_index=True)

    def __str__(self) -> str:
        return self.name
