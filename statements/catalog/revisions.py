"""A statement's revisions, read back from the event tables that django-pghistory's triggers
fill (models.history): one revision per transaction that changed the statement, its credits,
sources or tags, numbered from 1 in time order (a number never changes: events are never
deleted). Also the context that says who made a revision and why, and the restore."""

from __future__ import annotations

import datetime
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pghistory
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pghistory.middleware import HistoryMiddleware

from statements.catalog.indexing import statement_search_names_refresh
from statements.catalog.services import statement_save
from statements.core import locales
from statements.core.rendering import render_body
from statements.models import (
    Authorship,
    AuthorshipEvent,
    ReasonClass,
    Source,
    SourceEvent,
    Statement,
    StatementBodyEvent,
    StatementEvent,
    TaggedStatement,
    TaggingEvent,
    public_at,
)

# What a revision touched, in the words of its list.
PART_LABELS = {"text": gettext_lazy("text and details"), "credits": gettext_lazy("credits"),
               "sources": gettext_lazy("sources"), "tags": gettext_lazy("tags")}  # fmt: skip
# The statement's own columns a revision changed, in the same words ("title", "text").
FIELD_LABELS = {
    "title": gettext_lazy("title"), "subtitle": gettext_lazy("subtitle"),
    "slug": gettext_lazy("address"), "summary": gettext_lazy("summary"),
    "body": gettext_lazy("text"), "body_sha256": gettext_lazy("text"),
    "date_start": gettext_lazy("date"), "date_precision": gettext_lazy("date"),
    "date_text": gettext_lazy("date"), "place": gettext_lazy("place"),
    "language": gettext_lazy("language"), "rights": gettext_lazy("rights"),
    "status": gettext_lazy("status"), "metadata": gettext_lazy("metadata"),
    "published_at": gettext_lazy("publication time"),
    "imported_from_id": gettext_lazy("imported file"),
    "editorial_notes": gettext_lazy("editorial notes"),
    "signatories_public": gettext_lazy("signatories shown"),
    "uid": gettext_lazy("translation group"),
}  # fmt: skip


def changed_fields_sql(statement: str, at: str) -> str:
    """SQL for the statement's own columns that the revision at ``at`` changed (an array
    of names; NULL for its first one): its event row's columns that differ from the row
    before (``statement`` and ``at`` are SQL expressions)."""
    return f"""LEFT JOIN LATERAL (
        SELECT array_agg(DISTINCT x.k ORDER BY x.k) AS fields
        FROM (SELECT e.* FROM statements_statementevent e
              WHERE e.pgh_obj_id = {statement} AND e.pgh_created_at = {at}
              ORDER BY e.pgh_id DESC LIMIT 1) e
        JOIN LATERAL (SELECT to_jsonb(p) AS j FROM statements_statementevent p
              WHERE p.pgh_obj_id = {statement} AND p.pgh_created_at < {at}
              ORDER BY p.pgh_created_at DESC, p.pgh_id DESC LIMIT 1) prev ON true
        CROSS JOIN LATERAL jsonb_each(to_jsonb(e)) AS x(k, v)
        WHERE left(x.k, 4) <> 'pgh_' AND x.v IS DISTINCT FROM prev.j -> x.k
    ) changed ON true"""  # noqa: S608 (expressions of ours)


# The statement's own fields a revision keeps (and a restore writes back); the publication
# state (status, time) and the address (slug) are not restored.
RESTORED_FIELDS = (
    "title",
    "subtitle",
    "summary",
    "body",
    "date_start",
    "date_precision",
    "date_text",
    "place",
    "language",
    "rights",
    "editorial_notes",
    "metadata",
)


class RevisionContextMiddleware(HistoryMiddleware):
    """Names the signed-in editor (id and username, kept even if the account goes) and the
    address of every writing request; reads are left alone (settings)."""

    def get_context(self, request: Any) -> dict[str, Any]:
        context = super().get_context(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            context["username"] = user.get_username()
        return context


@contextmanager
def history_rewrite_allowed():
    """Inside it, this transaction may overwrite the event tables (their trigger refuses
    every other UPDATE and DELETE, migration 0037)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('archive.suppressing', 'on', true)")
        try:
            yield
        finally:
            cursor.execute("SELECT set_config('archive.suppressing', 'off', true)")


def revision_context(**metadata: Any) -> pghistory.context:
    """The context of the revisions made inside it (``with revision_context(by=...)``), or,
    called plainly, more metadata for the one already open (the admin adds its reason).
    Keys read back: username, by ("import <sha256>", "command load_demo"), reason, signed."""
    return pghistory.context(**metadata)


@dataclass(frozen=True)
class Revision:
    number: int
    at: datetime.datetime
    parts: tuple[str, ...]
    metadata: dict = field(default_factory=dict, compare=False)
    title: str = ""
    status: str = ""
    published_at: datetime.datetime | None = None
    body_sha256: str = ""
    deleted: bool = False
    # When the next revision replaced this state (None: it is the current one).
    until: datetime.datetime | None = None
    # Withheld to protect people (models.HiddenVersion, statements.redaction.versions).
    text_hidden: bool = False
    reason_hidden: bool = False
    hidden_class: str = ""
    hidden_at: datetime.datetime | None = None
    suppressed_at: datetime.datetime | None = None
    # The statement's own columns it changed ((): its first, or none of them).
    fields: tuple[str, ...] = field(default=(), compare=False)

    @property
    def hidden(self) -> bool:
        """Its text and details are withheld from the public (its address answers 410)."""
        return self.text_hidden

    @property
    def suppressed(self) -> bool:
        return self.suppressed_at is not None

    @property
    def hidden_label(self) -> str:
        """What the public history says of a withheld version or reason."""
        if not (self.text_hidden or self.reason_hidden):
            return ""
        when = self.suppressed_at or self.hidden_at
        reason = str(dict(ReasonClass.choices).get(self.hidden_class, self.hidden_class))
        if when is None:
            return _("Hidden") if self.text_hidden else _("Reason hidden")
        label = (
            _("Hidden on %(date)s (%(reason)s)")
            if self.text_hidden
            else _("Reason hidden on %(date)s (%(reason)s)")
        )
        return label % {"date": locales.format_day(timezone.localtime(when)), "reason": reason}

    @property
    def public(self) -> bool:
        """A state the public saw (or sees): published, its time come, and still the
        statement's state at that time. A version replaced before its publication time (a
        name removed before a scheduled publication) was never public, and never is."""
        published_at = self.published_at
        if self.deleted or not public_at(self.status, published_at, timezone.now()):
            return False
        return published_at is not None and (self.until is None or self.until > published_at)

    @property
    def reason(self) -> str:
        return str(self.metadata.get("reason") or "")

    @property
    def before_publication(self) -> bool:
        """Made before the statement's publication time: the version the public first saw,
        whatever the editors changed while preparing it."""
        return self.published_at is not None and self.at < self.published_at

    @property
    def public_reason(self) -> str:
        """The editor's reason, for the public: none for a change made before publication
        (it speaks of a text the public never saw), nor where it is hidden."""
        if self.before_publication or self.reason_hidden or self.text_hidden:
            return ""
        return self.reason

    @property
    def public_touched(self) -> str:
        if self.before_publication:
            return _("first published")
        return _("changed %(what)s") % {"what": self.touched}

    @property
    def signed_by(self) -> str:
        """The editor's name, for the public, only when they chose to sign the change."""
        if self.text_hidden or not self.metadata.get("signed"):
            return ""
        return str(self.metadata.get("username") or "")

    @property
    def made_by(self) -> str:
        """Who or what made it, for editors: the editor, the import (file hash), or
        "unrecorded" for a change made outside the archive's code (raw SQL)."""
        parts = [str(self.metadata[key]) for key in ("username", "by") if self.metadata.get(key)]
        return ", ".join(parts) or "unrecorded"

    @property
    def touched(self) -> str:
        """What it changed: the statement's own fields by name ("title", "text"), where
        they are known, then its credits, sources and tags."""
        labels = []
        for part in self.parts:
            if part == "text" and self.fields:
                named = (str(FIELD_LABELS.get(f, f.replace("_", " "))) for f in self.fields)
                labels += [label for label in dict.fromkeys(named) if label not in labels]
            else:
                labels.append(str(PART_LABELS[part]))
        return ", ".join(labels)


def withheld_fields(row: tuple) -> dict:
    """A revision's withholding (models.HiddenVersion), from the five columns the queries
    below end their rows with: text_hidden, reason_hidden, reason_class, hidden_at,
    suppressed_at."""
    text_hidden, reason_hidden, hidden_class, hidden_at, suppressed_at = row
    return {
        "text_hidden": bool(text_hidden),
        "reason_hidden": bool(reason_hidden),
        "hidden_class": hidden_class or "",
        "hidden_at": hidden_at,
        "suppressed_at": suppressed_at,
    }


_REVISIONS_SQL = f"""
WITH events AS (
    SELECT pgh_created_at AS at, pgh_context_id AS context_id, 'text' AS part
        FROM statements_statementevent WHERE pgh_obj_id = %(id)s
    UNION ALL SELECT pgh_created_at, pgh_context_id, 'credits'
        FROM statements_authorshipevent WHERE statement_id = %(id)s
    UNION ALL SELECT pgh_created_at, pgh_context_id, 'sources'
        FROM statements_sourceevent WHERE statement_id = %(id)s
    UNION ALL SELECT pgh_created_at, pgh_context_id, 'tags'
        FROM statements_taggingevent WHERE content_object_id = %(id)s
), revisions AS (
    SELECT at, array_agg(DISTINCT part ORDER BY part) AS parts,
           (array_agg(context_id) FILTER (WHERE context_id IS NOT NULL))[1] AS context_id,
           row_number() OVER (ORDER BY at) AS number
    FROM events GROUP BY at
)
SELECT r.number, r.at, r.parts, c.metadata, s.title, s.status, s.published_at,
       s.body_sha256, s.pgh_label = 'delete', changed.fields,
       h.text_hidden, h.reason_hidden, h.reason_class, h.hidden_at, h.suppressed_at
FROM revisions r
LEFT JOIN pghistory_context c ON c.id = r.context_id
LEFT JOIN statements_hiddenversion h ON h.statement_id = %(id)s AND h.at = r.at
LEFT JOIN LATERAL (
    SELECT title, status, published_at, body_sha256, pgh_label
    FROM statements_statementevent
    WHERE pgh_obj_id = %(id)s AND pgh_created_at <= r.at
    ORDER BY pgh_created_at DESC, pgh_id DESC LIMIT 1
) s ON true
{changed_fields_sql("%(id)s", "r.at")}
ORDER BY r.number
"""  # noqa: S608 (our SQL, no value in it)


def statement_revisions(*, statement_id: int) -> list[Revision]:
    """Every revision of a statement, oldest first (one query). A transaction is one
    revision: all its events share PostgreSQL's transaction time, now()."""
    with connection.cursor() as cursor:
        cursor.execute(_REVISIONS_SQL, {"id": statement_id})
        rows = cursor.fetchall()
    untils = [row[1] for row in rows[1:]] + [None]
    return [
        Revision(
            number=number,
            at=at,
            parts=tuple(parts),
            # Django has psycopg leave jsonb as text, for its own JSONField to read.
            metadata=json.loads(metadata) if isinstance(metadata, str) else metadata or {},
            title=title or "",
            status=status or "",
            published_at=published_at,
            body_sha256=sha or "",
            deleted=bool(deleted),
            until=until,
            fields=tuple(fields or ()),
            **withheld_fields(withheld),
        )
        for (
            number,
            at,
            parts,
            metadata,
            title,
            status,
            published_at,
            sha,
            deleted,
            fields,
            *withheld,
        ), until in zip(rows, untils, strict=True)
    ]


def statement_public_revisions(*, statement_id: int) -> list[Revision]:
    """The revisions the public may read: states that were published, newest first."""
    return [r for r in reversed(statement_revisions(statement_id=statement_id)) if r.public]


def _latest(events):
    """The last event of each row as of a revision: its state then (None if deleted)."""
    return [event for event in events if event.pgh_label != "delete"]


def _body_as_of(statement_id: int, at: datetime.datetime) -> str:
    """The body after the revision at ``at``: the first body a later change replaced (or a
    deletion removed), else the statement's own, which no change has replaced since."""
    replaced = (
        StatementBodyEvent.objects.filter(pgh_obj_id=statement_id, pgh_created_at__gt=at)
        .order_by("pgh_created_at", "pgh_id")
        .values_list("body", flat=True)
        .first()
    )
    if replaced is not None:
        return replaced
    return Statement.objects.filter(pk=statement_id).values_list("body", flat=True).first() or ""


def statement_as_of(*, statement_id: int, revision: Revision) -> Statement | None:
    """The statement as it stood after ``revision``: an unsaved Statement with its fields
    then, its body rendered, and its credits, sources and tags then in place of the
    prefetched ones (so pages, citations and downloads read it as a statement). Four
    queries."""
    event = (
        StatementEvent.objects.filter(pgh_obj_id=statement_id, pgh_created_at__lte=revision.at)
        .order_by("-pgh_created_at", "-pgh_id")
        .first()
    )
    if event is None or event.pgh_label == "delete":
        return None
    statement = Statement(
        pk=statement_id,
        body=_body_as_of(statement_id, revision.at),
        **{
            f.attname: getattr(event, f.attname)
            for f in StatementEvent._meta.concrete_fields
            if not f.attname.startswith("pgh_") and f.attname not in ("id", "body_sha256")
        },
    )
    statement.body_html, statement.body_toc = render_body(statement.body)
    statement.updated_at = revision.at

    def as_of(model, key: str):
        rows = model.objects.filter(**{key: statement_id, "pgh_created_at__lte": revision.at})
        return rows.order_by("id", "-pgh_created_at", "-pgh_id").distinct("id")

    credits = _latest(as_of(AuthorshipEvent, "statement_id").select_related("author"))
    sources = _latest(as_of(SourceEvent, "statement_id"))
    taggings = _latest(as_of(TaggingEvent, "content_object_id").select_related("tag"))
    statement._prefetched_objects_cache = {  # type: ignore[attr-defined]
        "authorships": [
            Authorship(
                pk=e.id, statement=statement, author=e.author, role=e.role, position=e.position
            )
            for e in sorted(credits, key=lambda e: (e.role, e.position, e.id))
        ],
        "sources": [
            Source(
                pk=e.id,
                statement=statement,
                **{
                    f.attname: getattr(e, f.attname)
                    for f in Source._meta.concrete_fields
                    if f.attname not in ("id", "statement_id")
                },
            )
            for e in sorted(sources, key=lambda e: (e.position, e.id))
        ],
    }
    statement.prefetched_taggings = [  # type: ignore[attr-defined]
        TaggedStatement(pk=e.id, content_object=statement, tag=e.tag) for e in taggings
    ]
    return statement


@transaction.atomic
def statement_restore(*, statement: Statement, revision: Revision, reason: str = "") -> None:
    """Write ``revision``'s text, details, credits, sources and tags back over the
    statement, as a new revision (nothing is lost: the current state stays a revision).
    The publication state and the address stay as they are now."""
    past = statement_as_of(statement_id=statement.pk, revision=revision)
    if past is None:
        raise ValueError(f"Version {revision.number} is a deletion; there is nothing to restore.")
    note = f"Restored version {revision.number}" + (f": {reason}" if reason else "")
    with revision_context(reason=note):
        body_changed = statement.body != past.body
        for name in RESTORED_FIELDS:
            setattr(statement, name, getattr(past, name))
        statement_save(statement=statement, body_changed=body_changed)
        statement.authorships.all().delete()
        statement.sources.all().delete()
        TaggedStatement.objects.filter(content_object=statement).delete()
        Authorship.objects.bulk_create(
            Authorship(statement=statement, author_id=a.author_id, role=a.role, position=a.position)
            for a in past.authorships.all()
        )
        Source.objects.bulk_create(
            Source(
                **{
                    **{f.attname: getattr(s, f.attname) for f in Source._meta.concrete_fields},
                    "id": None,
                    "statement_id": statement.pk,
                }
            )
            for s in past.sources.all()
        )
        TaggedStatement.objects.bulk_create(
            TaggedStatement(content_object=statement, tag_id=t.tag_id)
            for t in past.prefetched_taggings  # type: ignore[attr-defined]
        )
        statement_search_names_refresh(statement_ids=[statement.pk])
