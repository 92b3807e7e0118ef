"""The cards of the site's lists: a statement's title, date, language, summary, authors and
tags, read with no model built per credit or tag (see catalog.templatetags,
which keeps each card rendered, and the feeds and OPDS entries, which read the same rows);
and the links of a statement page to other statements, kept until the archive changes."""

from __future__ import annotations

from typing import Any

from django.core.cache import caches

from statements.catalog.summary import archive_summary
from statements.models import Statement
from statements.models.statements import StatementQuerySet

CARD_FIELDS = (
    "slug", "title", "language", "summary", "date_start", "date_end", "date_precision",
    "date_text",
)  # fmt: skip


def statement_card_rows(queryset: StatementQuerySet, *fields: str) -> StatementQuerySet:
    """What a card of the site's lists shows (see catalog.templatetags): the card's fields
    (and ``fields``), and its authors and tags (read with card_authors and card_tags), with
    no model built per credit or tag (StatementQuerySet.with_card_names)."""
    return queryset.only(*CARD_FIELDS, *fields).with_card_names()


def card_authors(statement: Any) -> list[tuple[str, str]]:
    """A card row's authors in their order, as (slug, name)."""
    return statement.card_authors


def card_tags(statement: Any) -> list[tuple[str, str]]:
    """A card row's tags in name order (as tags_by_name), as (slug, name)."""
    return sorted(statement.card_tags, key=lambda pair: pair[1].casefold())


LINKS_SECONDS = 24 * 3600


def statement_links(statement: Statement) -> dict:
    """What a statement page links besides the statement: its ``previous`` and ``next`` in
    date order, ``related`` statements and ``translations``. Made of published statements
    alone, they change only when the archive does: kept in the fragments cache under the
    summary's version (another after any change and any publication due)."""
    from statements.catalog.selectors import (
        statement_neighbours,
        statement_related,
        statement_translations,
    )

    key = f"statement-links:{statement.pk}:{archive_summary().version}"
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
