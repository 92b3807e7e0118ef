"""Statements written with PostgreSQL's COPY: the bulk path of imports, where a multi-row
INSERT costs the server about 40 % more per row than COPY of the same rows (measured by
bench.imports), and psycopg's dumping of a large INSERT's parameters costs Python more."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from statements.models import Statement


def _copied_fields():
    """The columns a COPY writes: every concrete one but the id (the database numbers the
    rows) and the generated ones (the database computes them)."""
    return [
        field
        for field in Statement._meta.concrete_fields
        if not getattr(field, "generated", False) and not field.primary_key
    ]


def statements_copy(statements: Sequence[Statement]) -> None:
    """Insert unsaved statements with one COPY, and give each its primary key (found by its
    slug, which is unique). Fields are prepared as ``save`` prepares them (auto_now_add
    times set, JSON adapted); constraints are checked by the database, as for INSERT."""
    if not statements:
        return
    fields = _copied_fields()
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(Statement._meta.db_table)
    with connection.cursor() as cursor:
        # A COPY passes outside Django's execute wrappers, through which pghistory gives the
        # transaction its revision context (who, why): an empty statement carries it first.
        cursor.execute("DO $$ BEGIN END $$")
        # Errors as Django names them (IntegrityError, DataError...), as for an INSERT: a
        # COPY is psycopg's own, outside the wrapper that translates them.
        with (
            connection.wrap_database_errors,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for statement in statements:
                copy.write_row(
                    [
                        field.get_db_prep_save(field.pre_save(statement, add=True), connection)
                        for field in fields
                    ]
                )
        cursor.execute(
            f"SELECT slug, id FROM {table} WHERE slug = ANY(%s)",  # noqa: S608 (names above)
            [[statement.slug for statement in statements]],
        )
        ids = dict(cursor.fetchall())
    for statement in statements:
        statement.pk = ids[statement.slug]
        statement._state.adding = False
        statement._state.db = connection.alias
