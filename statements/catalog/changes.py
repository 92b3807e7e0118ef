"""Something public changed: what every write path says once it has written.

One call (``public_pages_changed``) fans the change out: the archive-wide summary is
recomputed by its next reader, replicas are marked as owing the write (a reader's next page
waits for a replica that has replayed it), and the page cache's dependencies that the change
touches move once the transaction commits, and the stored statement pages showing any of
them are deleted and rendered again (statements.catalog.stored). Which dependencies (see
statements.cache) is catalogue knowledge, read here: a statement's own page, its authors,
tags, years and text identifier now and in its history, and its neighbours in date order.
The texts changed are fingerprinted after the commit (statements.catalog.duplicates)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.db import DatabaseError, connection, transaction

from infra.replicas import note_written
from statements.cache import (
    LISTS,
    dependencies_changed,
    page_cache_enabled,
    public_cache_invalidate,
)
from statements.catalog.duplicates import fingerprints_refresh
from statements.catalog.selectors import statement_neighbours
from statements.catalog.stored import (
    stored_pages_enabled,
    stored_pages_forget,
    stored_pages_refill,
)
from statements.catalog.summary import archive_summary_changed
from statements.models import Author, Statement, Tag

logger = logging.getLogger(__name__)

# Past this many statements in one change, computing the pages it touches costs more than
# rendering them again: everything is made stale.
PRECISE_AT_MOST = 200


def public_pages_changed(
    *,
    statements: Iterable[int] | None = None,
    authors: Iterable[int] = (),
    tags: Iterable[int] = (),
) -> None:
    """Cached public pages showing these statements, authors and tags are stale once the
    current transaction commits; with none named, every cached page is. The archive-wide
    counts are recomputed by their next reader either way."""
    archive_summary_changed()
    # Before the pages are made stale: a replica must have replayed the change before it
    # renders a page again (infra.replicas).
    transaction.on_commit(note_written)
    if statements is not None:
        statements = list(statements)
        # A text new or edited is fingerprinted, so that the next import compares with it
        # (an import's own are already, where they were parsed: nothing is done twice).
        transaction.on_commit(partial(_fingerprints_kept, statements))
    if not (page_cache_enabled() or stored_pages_enabled()):
        return
    named = statements is not None or authors or tags
    # After the commit: a page rendered from the old rows must not be kept as current.
    if not named:
        transaction.on_commit(_everything_changed)
        return
    transaction.on_commit(
        partial(
            _invalidate,
            statements=list(statements or ()),
            authors=list(authors),
            tags=list(tags),
        )
    )


def _fingerprints_kept(statement_ids: list[int]) -> None:
    try:
        fingerprints_refresh(statement_ids=statement_ids)
    except DatabaseError:
        # Derived state, after the change is committed: the next scan makes it again.
        logger.exception("fingerprints not refreshed for %s statements", len(statement_ids))


def _everything_changed() -> None:
    public_cache_invalidate()
    if stored_pages_enabled():
        stored_pages_forget()
        stored_pages_refill(None)


def public_pages_changed_of(model, ids: list[int]) -> None:
    """``public_pages_changed`` for rows of ``model``: statements, authors, tags, or
    anything else (every page is then stale)."""
    named = {Statement: "statements", Author: "authors", Tag: "tags"}.get(model)
    if named is None:
        public_pages_changed()
    else:
        public_pages_changed(**{named: ids})


def _invalidate(*, statements: list[int], authors: list[int], tags: list[int]) -> None:
    statements = list(statements)
    if authors or tags:
        statements += _statements_of(authors=authors, tags=tags)
    if len(set(statements)) > PRECISE_AT_MOST:
        _everything_changed()
        return
    names = {LISTS, *(f"a:{pk}" for pk in authors), *(f"t:{pk}" for pk in tags)}
    names.update(_statement_dependencies(sorted(set(statements))))
    dependencies_changed(names)
    if stored_pages_enabled():
        stored_pages_forget(names)
        stored_pages_refill(sorted(set(statements)))


def _statements_of(*, authors: list[int], tags: list[int]) -> list[int]:
    """The statements crediting these authors or carrying these tags, now or ever."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT statement_id FROM statements_authorship WHERE author_id = ANY(%(a)s)
            UNION SELECT statement_id FROM statements_authorshipevent WHERE author_id = ANY(%(a)s)
            UNION SELECT content_object_id FROM statements_taggedstatement WHERE tag_id = ANY(%(t)s)
            UNION SELECT content_object_id FROM statements_taggingevent WHERE tag_id = ANY(%(t)s)
            """,
            {"a": authors, "t": tags},
        )
        return [row[0] for row in cursor.fetchall()]


def _statement_dependencies(ids: list[int]) -> set[str]:
    """What changing these statements touches: their own pages, and the pages of every
    author, tag, year and text identifier they have or had (the revision history keeps the
    old ones), and the pages of their neighbours now."""
    if not ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT 'a:' || author_id FROM statements_authorship WHERE statement_id = ANY(%(s)s)
            UNION SELECT 'a:' || author_id FROM statements_authorshipevent
             WHERE statement_id = ANY(%(s)s)
            UNION SELECT 't:' || tag_id FROM statements_taggedstatement
             WHERE content_object_id = ANY(%(s)s)
            UNION SELECT 't:' || tag_id FROM statements_taggingevent
             WHERE content_object_id = ANY(%(s)s)
            UNION SELECT 'y:' || extract(year FROM date_start)::int FROM statements_statement
             WHERE id = ANY(%(s)s) AND date_start IS NOT NULL
            UNION SELECT 'y:' || extract(year FROM date_start)::int FROM statements_statementevent
             WHERE pgh_obj_id = ANY(%(s)s) AND date_start IS NOT NULL
            UNION SELECT 'u:' || uid FROM statements_statement WHERE id = ANY(%(s)s) AND uid <> ''
            UNION SELECT 'u:' || uid FROM statements_statementevent
             WHERE pgh_obj_id = ANY(%(s)s) AND uid <> ''
            """,
            {"s": ids},
        )
        names = {row[0] for row in cursor.fetchall()}
    names.update(f"s:{pk}" for pk in ids)
    for statement in Statement.objects.filter(pk__in=ids).only("date_start", "date_end"):
        for neighbour in statement_neighbours(statement):
            if neighbour is not None:
                names.add(f"n:{neighbour.pk}")
    return names
