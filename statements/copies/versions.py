"""The public versions of many statements in one query, for the git mirror's plan: each
version's number, time and whether it is withheld, read as catalog.revisions numbers them
(one revision per distinct time among the statement's, credits', sources' and tags' events)
and judged public by its Revision.public, without the details a page needs (reasons,
changed fields), which the mirror reads only for the versions it writes."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import connection

from statements.catalog.revisions import Revision

CHUNK = 1000

_SQL = """
WITH events AS (
    SELECT pgh_obj_id AS sid, pgh_created_at AS at
        FROM statements_statementevent WHERE pgh_obj_id = ANY(%(ids)s)
    UNION SELECT statement_id, pgh_created_at
        FROM statements_authorshipevent WHERE statement_id = ANY(%(ids)s)
    UNION SELECT statement_id, pgh_created_at
        FROM statements_sourceevent WHERE statement_id = ANY(%(ids)s)
    UNION SELECT content_object_id, pgh_created_at
        FROM statements_taggingevent WHERE content_object_id = ANY(%(ids)s)
), revisions AS (
    SELECT sid, at, row_number() OVER (PARTITION BY sid ORDER BY at) AS number,
           lead(at) OVER (PARTITION BY sid ORDER BY at) AS until
    FROM events
)
SELECT r.sid, r.number, r.at, r.until, s.status, s.published_at, s.pgh_label = 'delete',
       coalesce(h.text_hidden, false), h.suppressed_at
FROM revisions r
LEFT JOIN statements_hiddenversion h ON h.statement_id = r.sid AND h.at = r.at
LEFT JOIN LATERAL (
    SELECT status, published_at, pgh_label FROM statements_statementevent
    WHERE pgh_obj_id = r.sid AND pgh_created_at <= r.at
    ORDER BY pgh_created_at DESC, pgh_id DESC LIMIT 1
) s ON true
ORDER BY r.sid, r.number
"""


def public_versions(ids: list[int]) -> dict[int, list[tuple[int, datetime.datetime, str]]]:
    """For each statement, its public versions as (number, time, withheld: "", "hidden"
    or "suppressed"), oldest first. One query per thousand statements."""
    found: dict[int, list[tuple[int, datetime.datetime, str]]] = defaultdict(list)
    for start in range(0, len(ids), CHUNK):
        with connection.cursor() as cursor:
            cursor.execute(_SQL, {"ids": list(ids[start : start + CHUNK])})
            rows = cursor.fetchall()
        for sid, number, at, until, status, published_at, deleted, hidden, suppressed in rows:
            revision = Revision(
                number=number, at=at, parts=(), status=status or "",
                published_at=published_at, deleted=bool(deleted), until=until,
                text_hidden=bool(hidden), suppressed_at=suppressed,
            )  # fmt: skip
            if revision.public:
                withheld = "suppressed" if suppressed else "hidden" if hidden else ""
                found[sid].append((number, at, withheld))
    return found
