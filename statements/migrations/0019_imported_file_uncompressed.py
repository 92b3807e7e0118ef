"""Imported files kept out of line and uncompressed: PostgreSQL's default compression
(pglz) of a multi-megabyte file took about half a second of the server's time per 5 MB
JSON Lines file on import, more than the statements' own search vectors over the same
lines cost; the files are kept for provenance, read rarely, and lz4 is not in every build
(the embedded PostgreSQL has none)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("statements", "0018_withdrawal")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE statements_importedfile ALTER COLUMN content SET STORAGE EXTERNAL",
            "ALTER TABLE statements_importedfile ALTER COLUMN content SET STORAGE EXTENDED",
        )
    ]
