from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """The PostgreSQL extensions search relies on: trigram similarity and accent folding."""

    dependencies = [("statements", "0001_initial")]

    operations = [TrigramExtension(), UnaccentExtension()]
