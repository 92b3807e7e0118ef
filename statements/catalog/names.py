"""Names matched as imports and editors match them: without regard to letter case, spacing
or accents (PostgreSQL's ``archive_fold``), an author's alternative names included."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from statements.models import Author, Tag
from statements.models.fields import folded_name


def names_folded(*, names: Iterable[str]) -> dict[str, str]:
    """Each name as archive_fold() folds it (lower case, no accents; Python's own
    decomposition differs on letters such as ø and ł): one query."""
    names = list(names)
    if not names:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT k, archive_fold(k) FROM unnest(%s::text[]) AS k", [names])
        return dict(cursor.fetchall())


def names_existing(*, model: type[Author] | type[Tag], names: Iterable[str]) -> dict:
    """The existing authors or tags for these names, matched as imports match them (without
    regard to case, spacing or accents; the oldest where several fold alike): name -> row,
    for the names that have one. Two queries."""
    wanted = {" ".join(name.split()) for name in names if name.strip()}
    folded = names_folded(names=wanted)
    rows: dict = {}
    matches = model.objects.annotate(folded=folded_name()).filter(folded__in=set(folded.values()))
    for row in matches.order_by("pk"):
        rows.setdefault(row.folded, row)
    if model is Author:
        missing = {key for key in folded.values() if key not in rows}
        for key, author in authors_by_alternative_name(folded=missing).items():
            rows.setdefault(key, author)
    return {name: rows[folded[name]] for name in wanted if folded[name] in rows}


def authors_by_alternative_name(*, folded: Iterable[str]) -> dict[str, Author]:
    """The authors one of whose alternative names (one per line) folds to each key (as
    names_folded folds): a merged author's old name finds the author kept. One query."""
    keys = sorted(set(folded))
    if not keys:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT ON (key) key, a.id
              FROM statements_author a,
                   unnest(string_to_array(a.alternative_names, E'\\n')) AS alt,
                   archive_fold(btrim(alt)) AS key
             WHERE a.alternative_names <> '' AND key = ANY(%s)
             ORDER BY key, a.id
            """,
            [keys],
        )
        found = dict(cursor.fetchall())
    authors = Author.objects.in_bulk(set(found.values()))
    return {key: authors[pk] for key, pk in found.items()}
