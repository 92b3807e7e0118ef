"""The links of a statement page to other statements (neighbours in date order, related
statements, translations), kept in the fragments cache until the archive changes."""

from __future__ import annotations

from django.core.cache import caches

from statements.catalog.selectors import (
    statement_neighbours,
    statement_related,
    statement_translations,
)
from statements.catalog.summary import archive_summary
from statements.models import Statement

LINKS_SECONDS = 24 * 3600


def statement_links(statement: Statement) -> dict:
    """What a statement page links besides the statement: its ``previous`` and ``next`` in
    date order, ``related`` statements and ``translations``. Made of published statements
    alone, they change only when the archive does: kept in the fragments cache under the
    summary's version (another after any change and any publication due)."""
    key = f"statement-links:2:{statement.pk}:{archive_summary().version}"
    cache = caches["fragments"]
    links = cache.get(key)
    if links is None:
        previous, following = statement_neighbours(statement)
        links = {
            "previous": previous,
            "next": following,
            "related": statement_related(statement),
            "translations": statement_translations(statement),
        }
        cache.set(key, links, LINKS_SECONDS)
    return links
