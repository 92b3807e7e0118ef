"""The archive summary now counts undated statements: the row kept from before is dropped,
and its next reader computes it again with the new count."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("statements", "0026_search_phrase_index")]

    operations = [
        migrations.RunSQL("DELETE FROM statements_archivesummary", migrations.RunSQL.noop),
    ]
