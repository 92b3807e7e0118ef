"""The statements' revision history: PostgreSQL triggers (django-pghistory) copy every row of a
statement, its credits, sources and taggings that is inserted, changed or deleted into an event
table, whatever wrote it (the admin, an import's COPY, a bulk update, raw SQL). One transaction
is one revision; catalog.revisions reads them back. A statement's body is kept apart, only
when replaced (StatementBodyEvent): the current body is the statement's own."""

import pghistory
from django.db import models

from statements.models.names import TaggedStatement
from statements.models.provenance import Source
from statements.models.statements import Authorship, Statement

# Statement-level triggers: a COPY or a bulk update of ten thousand rows runs each trigger once,
# over its transition table, not once per row.
_LEVEL = pghistory.Statement


def _trackers() -> tuple[pghistory.RowEvent, ...]:
    return (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())


class StatementEvent(
    pghistory.create_event_model(
        Statement,
        *_trackers(),
        # Derived columns are rebuilt from the body and names; the change time is the event's.
        # The body itself goes to StatementBodyEvent, only when it is replaced.
        exclude=[
            "body",
            "body_sha256",
            "body_html",
            "body_toc",
            "search_names",
            "search_vector",
            "search_rank_vector",
            "date_end",
            "updated_at",
        ],
        model_name="StatementEvent",
        level=_LEVEL,
    )
):
    # The body's hash then, copied by the trigger from the statement's generated column.
    body_sha256 = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["pgh_obj", "pgh_created_at"], name="statements_stmtevent_obj"),
            models.Index(fields=["pgh_created_at"], name="statements_stmtevent_created"),
        ]


class StatementBodyEvent(
    pghistory.create_event_model(
        Statement,
        # The body a change replaces or a deletion removes (the OLD row): a statement's body
        # after revision t is the first one replaced after t, or the statement's own. An
        # import's new statements write no second copy of their text.
        pghistory.UpdateEvent(
            "body_replaced", row=pghistory.Old, condition=pghistory.AnyChange("body")
        ),
        pghistory.DeleteEvent("body_deleted"),
        fields=["body"],
        model_name="StatementBodyEvent",
        obj_field=pghistory.ObjForeignKey(related_name="body_events"),
        level=_LEVEL,
    )
):
    class Meta:
        indexes = [
            models.Index(fields=["pgh_obj", "pgh_created_at"], name="statements_bodyevent_obj")
        ]


class AuthorshipEvent(
    pghistory.create_event_model(
        Authorship, *_trackers(), model_name="AuthorshipEvent", level=_LEVEL
    )
):
    class Meta:
        indexes = [
            models.Index(fields=["statement", "pgh_created_at"], name="statements_authevent_stmt"),
            models.Index(fields=["pgh_created_at"], name="statements_authevent_created"),
        ]


class SourceEvent(
    pghistory.create_event_model(Source, *_trackers(), model_name="SourceEvent", level=_LEVEL)
):
    class Meta:
        indexes = [
            models.Index(fields=["statement", "pgh_created_at"], name="statements_srcevent_stmt"),
            models.Index(fields=["pgh_created_at"], name="statements_srcevent_created"),
        ]


class TaggingEvent(
    pghistory.create_event_model(
        TaggedStatement, *_trackers(), model_name="TaggingEvent", level=_LEVEL
    )
):
    class Meta:
        indexes = [
            models.Index(
                fields=["content_object", "pgh_created_at"], name="statements_tagevent_stmt"
            ),
            models.Index(fields=["pgh_created_at"], name="statements_tagevent_created"),
        ]
