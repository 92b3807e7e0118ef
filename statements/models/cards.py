"""What a list's card shows of a statement's authors and tags, read for a page of rows in
two plain queries (see StatementQuerySet.with_card_names)."""

from __future__ import annotations

from django.db import connections, router


def card_names_attach(statements: list) -> None:
    """See StatementQuerySet.with_card_names."""
    for statement in statements:
        statement.card_authors, statement.card_tags = [], []
    if not statements:
        return
    found = {statement.pk: statement for statement in statements}
    # Where the page's rows came from: a replica for a reader (infra.replicas).
    with connections[router.db_for_read(None)].cursor() as cursor:
        cursor.execute(
            "SELECT ship.statement_id, a.slug, a.name FROM statements_authorship AS ship"
            " JOIN statements_author AS a ON a.id = ship.author_id"
            " WHERE ship.statement_id = ANY(%s) AND ship.role = 'author'"
            " ORDER BY ship.position, ship.id",
            [list(found)],
        )
        for statement_id, slug, name in cursor.fetchall():
            found[statement_id].card_authors.append((slug, name))
        cursor.execute(
            "SELECT t.content_object_id, g.slug, g.name FROM statements_taggedstatement AS t"
            " JOIN statements_tag AS g ON g.id = t.tag_id WHERE t.content_object_id = ANY(%s)",
            [list(found)],
        )
        for statement_id, slug, name in cursor.fetchall():
            found[statement_id].card_tags.append((slug, name))
