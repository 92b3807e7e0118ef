"""The search's derived state of statements, kept by every catalog write that changes it:
the names column their vectors index (authors, signatories, tags) and the vocabulary behind
"did you mean". It lives with the writes because it changes in their transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from statements.cache import public_pages_changed
from statements.models import Author, Authorship


def statement_search_names_refresh(*, statement_ids: Iterable[int]) -> None:
    """Rewrite the names the search vector indexes (authors, signatories, tags) from the
    current links; the database then recomputes the vector."""
    ids = list(statement_ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE statements_statement AS s SET search_names = concat_ws(E'\\n',
                (SELECT string_agg(a.name, E'\\n' ORDER BY ship.role, ship.position)
                   FROM statements_authorship ship
                   JOIN statements_author a ON a.id = ship.author_id
                  WHERE ship.statement_id = s.id),
                (SELECT string_agg(t.name, E'\\n' ORDER BY t.name)
                   FROM statements_taggedstatement ts
                   JOIN statements_tag t ON t.id = ts.tag_id
                  WHERE ts.content_object_id = s.id))
             WHERE s.id = ANY(%s)
            """,
            [ids],
        )
    public_pages_changed()


def author_search_names_refresh(*, author: Author) -> None:
    """After an author's name changed: re-index the statements they are credited on."""
    ids = Authorship.objects.filter(author=author).values_list("statement_id", flat=True)
    statement_search_names_refresh(statement_ids=set(ids))


VOCABULARY_BODY_CHARACTERS = 4000


def _vocabulary_sql(where: str) -> str:
    # ts_stat reads the words of the statements' unstemmed, unaccented text: titles, names,
    # summaries and the start of each body, which holds most of a text's vocabulary; the
    # whole bodies made this a third of the cost of a bulk load.
    document = (
        "to_tsvector(''archive_simple'', concat_ws('' '', title, search_names, summary, "
        f"left(body, {VOCABULARY_BODY_CHARACTERS})))"
    )
    # ``where`` is one of ours: a constant, or a list of integers (ts_stat takes query text).
    # Only public statements: a suggestion must never reveal a word of a draft.
    return f"""
        INSERT INTO statements_searchword (word, documents)
        SELECT word, ndoc FROM ts_stat('SELECT {document} FROM statements_statement
                                        WHERE status = ''published''
                                          AND published_at <= statement_timestamp() AND {where}')
         WHERE length(word) BETWEEN 3 AND 100 AND word !~ '^[0-9]+$'
        ON CONFLICT (word) DO UPDATE
           SET documents = statements_searchword.documents + EXCLUDED.documents
    """  # noqa: S608


def search_words_rebuild() -> int:
    """Rebuild the vocabulary behind "did you mean" from every published statement."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM statements_searchword")
        cursor.execute(_vocabulary_sql("true"))
        return cursor.rowcount


def search_words_add(*, statement_ids: Iterable[int]) -> None:
    """Add the words of new or changed public statements to the vocabulary (counts only
    grow; ``manage.py search_words`` rebuilds them exactly, and picks up scheduled
    statements that have since become public)."""
    ids = sorted({int(pk) for pk in statement_ids})
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(_vocabulary_sql(f"id IN ({','.join(map(str, ids))})"))
