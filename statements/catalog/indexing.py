"""The search's derived state of statements, kept by every catalog write that changes it:
the names column their vectors index (authors, signatories, tags) and the vocabulary behind
"did you mean". It lives with the writes because it changes in their transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from statements.catalog.changes import public_pages_changed
from statements.models import Author, Authorship


def statement_search_names_refresh(*, statement_ids: Iterable[int]) -> None:
    """Rewrite the names the search vector indexes (authors, signatories, tags) from the
    current links; the database then recomputes the vector, and the vocabulary follows."""
    ids = list(statement_ids)
    if not ids:
        return
    search_words_remove(statement_ids=ids)
    search_names_rewrite(statement_ids=ids)
    # The words go back in as the statements now stand (taken out above, they were never
    # put back: every save in the admin lowered their counts, until one went below zero
    # and the database refused the save).
    search_words_add(statement_ids=ids)
    public_pages_changed(statements=ids)


def search_names_rewrite(*, statement_ids: Iterable[int]) -> None:
    """The UPDATE behind statement_search_names_refresh, the vocabulary left to the caller:
    each credited author's name and alternative names (a merged spelling finds the
    statement), then the tags' names."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE statements_statement AS s SET search_names = concat_ws(E'\\n',
                (SELECT string_agg(concat_ws(E'\\n', a.name, NULLIF(a.alternative_names, '')),
                                   E'\\n' ORDER BY ship.role, ship.position)
                   FROM statements_authorship ship
                   JOIN statements_author a ON a.id = ship.author_id
                  WHERE ship.statement_id = s.id
                    -- Signatories the public sees only as a number are not searchable.
                    AND (s.signatories_public OR ship.role <> 'signatory')),
                (SELECT string_agg(t.name, E'\\n' ORDER BY t.name)
                   FROM statements_taggedstatement ts
                   JOIN statements_tag t ON t.id = ts.tag_id
                  WHERE ts.content_object_id = s.id))
             WHERE s.id = ANY(%s)
            """,
            [list(statement_ids)],
        )


def author_search_names_refresh(*, author: Author) -> None:
    """After an author's name changed: re-index the statements they are credited on."""
    ids = Authorship.objects.filter(author=author).values_list("statement_id", flat=True)
    statement_search_names_refresh(statement_ids=set(ids))


VOCABULARY_BODY_CHARACTERS = 4000


def _words_sql(where: str) -> str:
    """The words of the public statements ``where`` selects, each with how many hold it."""
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
        SELECT word, ndoc FROM ts_stat('SELECT {document} FROM statements_statement
                                        WHERE statements_is_public(status, published_at)
                                          AND {where}')
         WHERE length(word) BETWEEN 3 AND 100 AND word !~ '^[0-9]+$'
    """  # noqa: S608


def _vocabulary_sql(where: str) -> str:
    return f"""
        INSERT INTO statements_searchword (word, documents)
        SELECT word, ndoc FROM ({_words_sql(where)}) AS words
         ORDER BY word  -- the same order in every transaction: concurrent imports never deadlock
        ON CONFLICT (word) DO UPDATE
           SET documents = statements_searchword.documents + EXCLUDED.documents
    """  # noqa: S608


def _ids_where(statement_ids: Iterable[int]) -> str:
    ids = sorted({int(pk) for pk in statement_ids})
    return f"id IN ({','.join(map(str, ids))})" if ids else ""


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
    where = _ids_where(statement_ids)
    if where:
        with connection.cursor() as cursor:
            cursor.execute(_vocabulary_sql(where))


def search_words_remove(*, statement_ids: Iterable[int]) -> None:
    """Take the words of these statements, as they stand and where they are public, out of
    the vocabulary: called before they change or leave the public, so that "did you mean"
    never offers a word no public statement holds any more."""
    where = _ids_where(statement_ids)
    if not where:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE statements_searchword w SET documents = w.documents - s.ndoc
              FROM ({_words_sql(where)}) AS s
             WHERE w.word = s.word
            RETURNING w.word, w.documents
            """  # noqa: S608
        )
        gone = [word for word, documents in cursor.fetchall() if documents <= 0]
        if gone:
            cursor.execute("DELETE FROM statements_searchword WHERE word = ANY(%s)", [gone])
