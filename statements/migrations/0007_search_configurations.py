from django.db import migrations

from statements.core.textsearch import create_configurations_sql, drop_configurations_sql


class Migration(migrations.Migration):
    """Text search configurations per language, each folding accents through unaccent."""

    dependencies = [("statements", "0006_date_order_indexes")]

    operations = [migrations.RunSQL(create_configurations_sql(), drop_configurations_sql())]
