"""The statements' revision history: PostgreSQL triggers (django-pghistory) copy every row of a
statement, its credits, sources and taggings that is inserted, changed or deleted into an event
table, whatever wrote it (the admin, an import's COPY, a bulk update, raw SQL). One transaction
is one revision; catalog.history reads them back."""

import pghistory
from django.db import models

from statements.models.names import TaggedStatement
from statements.models.statements import Authorship, Source, Statement

# Statement-level triggers: a COPY or a bulk update of ten thousand rows runs each trigger once,
# over its transition table, not once per row.
_LEVEL = pghistory.Statement


def _trackers() -> tuple[pghistory.RowEvent, ...]:
    return (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())


class Sha256Hex(models.Func):
    """The body's SHA-256 as 64 hex digits. convert_to() is only STABLE (it reads the
    encoding's name), so the generated column calls an IMMUTABLE wrapper made in migration
    0021: the database is UTF-8 by construction."""

    function = "archive_sha256_hex"
    output_field = models.CharField()


class StatementEvent(
    pghistory.create_event_model(
        Statement,
        *_trackers(),
        # Derived columns are rebuilt from the body and names; the change time is the event's.
        exclude=[
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
    body_sha256 = models.GeneratedField(
        expression=Sha256Hex("body"),
        output_field=models.CharField(max_length=64),
        db_persist=True,
    )

    class Meta:
        indexes = [
            models.Index(fields=["pgh_obj", "pgh_created_at"], name="statements_stmtevent_obj"),
            models.Index(fields=["pgh_created_at"], name="statements_stmtevent_created"),
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
