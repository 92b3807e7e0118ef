"""A RUM index on the search vector, where the server has the rum extension (Debian's
``postgresql-15-rum``; the embedded PostgreSQL has none): it keeps each word's positions, so
a quoted phrase is matched in the index rather than by reading every candidate statement's
vector. Without it, phrases are matched through the GIN index as before (search/selectors)."""

from django.db import migrations

INDEX = "statements_search_rum"


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if cursor.fetchone() is None:
            return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS rum")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON statements_statement"
        " USING rum (search_vector rum_tsvector_ops)"
    )


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("statements", "0025_title_order_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
