"""Two derived things made again:

- every body's HTML, whose footnote references now carry their note in a popover
  (core.rendering); the text itself is unchanged, so no revision is written;
- the archive summary, which now counts the languages of published statements: the row kept
  from before is dropped, and its next reader computes it again.

Cached public pages are made stale, since they show the old HTML."""

from django.db import migrations

BATCH = 200


def render_bodies_again(apps, schema_editor):
    from statements.core.rendering import render_body

    Statement = apps.get_model("statements", "Statement")
    batch = []
    queryset = Statement.objects.filter(body__contains="[^").only("pk", "body")
    for statement in queryset.iterator(chunk_size=BATCH):
        statement.body_html, statement.body_toc = render_body(statement.body)
        batch.append(statement)
        if len(batch) == BATCH:
            Statement.objects.bulk_update(batch, ["body_html", "body_toc"])
            batch = []
    Statement.objects.bulk_update(batch, ["body_html", "body_toc"])


def pages_stale(apps, schema_editor):
    from statements.cache import public_cache_invalidate

    public_cache_invalidate()


class Migration(migrations.Migration):
    dependencies = [("statements", "0027_summary_undated")]

    operations = [
        migrations.RunPython(render_bodies_again, migrations.RunPython.noop, elidable=True),
        migrations.RunSQL("DELETE FROM statements_archivesummary", migrations.RunSQL.noop),
        migrations.RunPython(pages_stale, migrations.RunPython.noop, elidable=True),
    ]
