"""The site-wide list of recent changes: the latest public revisions across the archive,
read in one query from the event tables (catalog.revisions reads one statement's)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import connection

from statements.catalog.revisions import Revision, changed_fields_sql, withheld_fields


@dataclass(frozen=True)
class Change:
    """A public revision in the site-wide list of recent changes."""

    revision: Revision
    statement_title: str
    slug: str


def _recent_branch(table: str, key: str) -> str:
    # Newest first through the table's time index, only for statements public now; the
    # LIMIT stops each scan early.
    return f"""(SELECT e.{key} AS statement_id, e.pgh_created_at AS at,
                       e.pgh_context_id AS context_id, '{table}' AS part
                FROM statements_{table}event e
                JOIN statements_statement cur ON cur.id = e.{key}
                 AND statements_is_public(cur.status, cur.published_at)
                ORDER BY e.pgh_created_at DESC LIMIT %(scan)s)"""  # noqa: S608 (our names)


_PART_OF_TABLE = {"statement": "text", "authorship": "credits", "source": "sources",
                  "tagging": "tags"}  # fmt: skip
_KEYS = {"statement": "pgh_obj_id", "authorship": "statement_id", "source": "statement_id",
         "tagging": "content_object_id"}  # fmt: skip


def _count_branch(table: str, key: str, compare: str = "<=") -> str:
    return f"""SELECT pgh_created_at FROM statements_{table}event
               WHERE {key} = r.statement_id AND pgh_created_at {compare} r.at"""  # noqa: S608


_RECENT_SQL = f"""
WITH recent AS (
    SELECT statement_id, at, array_agg(DISTINCT part ORDER BY part) AS parts,
           (array_agg(context_id) FILTER (WHERE context_id IS NOT NULL))[1] AS context_id
    FROM ({" UNION ALL ".join(_recent_branch(t, k) for t, k in _KEYS.items())}) AS events
    GROUP BY statement_id, at
)
SELECT r.at, r.parts, c.metadata, s.title, s.status, s.published_at, s.body_sha256,
       cur.title, cur.slug, changed.fields, h.text_hidden, h.reason_hidden, h.reason_class,
       h.hidden_at, h.suppressed_at,
       (SELECT count(DISTINCT pgh_created_at) FROM (
            {" UNION ALL ".join(_count_branch(t, k) for t, k in _KEYS.items())}
       ) AS earlier) AS number
FROM recent r
JOIN statements_statement cur ON cur.id = r.statement_id
JOIN LATERAL (
    SELECT title, status, published_at, body_sha256, pgh_label
    FROM statements_statementevent
    WHERE pgh_obj_id = r.statement_id AND pgh_created_at <= r.at
    ORDER BY pgh_created_at DESC, pgh_id DESC LIMIT 1
) s ON s.pgh_label <> 'delete' AND statements_is_public(s.status, s.published_at)
LEFT JOIN pghistory_context c ON c.id = r.context_id
LEFT JOIN statements_hiddenversion h ON h.statement_id = r.statement_id AND h.at = r.at
{changed_fields_sql("r.statement_id", "r.at")}
-- A state replaced before its publication time was never public (Revision.public).
WHERE NOT EXISTS (
    SELECT 1 FROM ({" UNION ALL ".join(_count_branch(t, k, ">") for t, k in _KEYS.items())})
    AS later WHERE later.pgh_created_at <= s.published_at
)
ORDER BY r.at DESC, cur.id
LIMIT %(limit)s
"""  # noqa: S608 (table names from _KEYS)


def changes_recent(*, limit: int = 50) -> list[Change]:
    """The latest public revisions across the archive, newest first (one query): changes
    to statements public now, in states that were public."""
    with connection.cursor() as cursor:
        cursor.execute(_RECENT_SQL, {"limit": limit, "scan": limit * 4})
        rows = cursor.fetchall()
    return [
        Change(
            revision=Revision(
                number=number,
                at=at,
                parts=tuple(sorted({_PART_OF_TABLE.get(part, part) for part in parts})),
                metadata=json.loads(metadata) if isinstance(metadata, str) else metadata or {},
                title=title,
                status=status,
                published_at=published_at,
                body_sha256=sha or "",
                fields=tuple(fields or ()),
                **withheld_fields(withheld),
            ),
            statement_title=current_title,
            slug=slug,
        )
        for (
            at,
            parts,
            metadata,
            title,
            status,
            published_at,
            sha,
            current_title,
            slug,
            fields,
            *withheld,
            number,
        ) in rows
    ]
