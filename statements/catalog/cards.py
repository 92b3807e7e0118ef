"""The cards of the site's lists: a statement's title, date, language, summary, authors and
tags, read with no model built per credit or tag (see catalog.templatetags, which keeps
each card rendered, and the feeds and OPDS entries, which read the same rows)."""

from __future__ import annotations

from typing import Any

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
