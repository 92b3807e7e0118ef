"""The phrase index (the RUM index of migration 0026), built after a large load rather than
kept row by row through it.

Kept row by row, the RUM index more than halves a bulk load's rate (100,000 statements
through bench.search: 150 a second without it, 78 falling to 55 with it), while building it
whole costs about a tenth of that load. So a load that adds a tenth of the archive or more
(and 1,000 statements at least) drops the index first and builds it again when done, with
CREATE INDEX CONCURRENTLY: reading and writing go on meanwhile, and quoted phrases are
matched through the GIN index until it is back (search.selectors checks that it exists).
Smaller loads and single edits keep it row by row.

A load stopped between the two (the process killed) leaves the archive without the index:
``manage.py phrase_index`` builds it again, as the next large load would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

INDEX = "statements_search_rum"
REBUILD_SHARE = 0.1
REBUILD_AT_LEAST = 1_000
LOCK_KEY = 7_240_312  # an advisory lock: one load at a time drops and builds the index


def phrase_index_state() -> str:
    """ "valid", "invalid" (a concurrent build that failed), "missing" (dropped, or never
    built where the server has rum) or "unavailable" (no rum extension here)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass(%s)", [INDEX]
        )
        row = cursor.fetchone()
        if row is not None:
            return "valid" if row[0] else "invalid"
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        return "missing" if cursor.fetchone() else "unavailable"


def phrase_index_build() -> bool:
    """Build the index where rum is installed and the index is missing or invalid, without
    blocking reads or writes; whether one was built. Outside a transaction only."""
    state = phrase_index_state()
    if state in ("valid", "unavailable"):
        return False
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        if state == "invalid":
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        cursor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON statements_statement"
            " USING rum (search_vector rum_tsvector_ops)"
        )
    return True


def _worth_deferring(rows: int) -> bool:
    if rows < REBUILD_AT_LEAST:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT greatest(reltuples, 0) FROM pg_class"
            " WHERE oid = 'statements_statement'::regclass"
        )
        statements = cursor.fetchone()[0]
    return rows >= REBUILD_SHARE * statements


@contextmanager
def phrase_index_deferred(*, rows: int) -> Iterator[bool]:
    """Around a load of about ``rows`` statements: the index dropped for it and built again
    after, where that is cheaper (see above); yields whether it was. Outside a transaction
    only (a concurrent build cannot run in one); inside, it changes nothing."""
    if connection.in_atomic_block or not _worth_deferring(rows):
        yield False
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        if not cursor.fetchone()[0]:  # another load has it in hand
            yield False
            return
        try:
            if phrase_index_state() != "valid":
                yield False
                return
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
            try:
                yield True
            finally:
                phrase_index_build()
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
