"""The "Translators" group: who may edit the interface's translations in the admin
(django-rosetta, statements.admin.translators). It holds no permission on the archive's
records; a translator is a staff account in this group."""

from django.db import migrations

TRANSLATORS = "Translators"


def add_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=TRANSLATORS)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=TRANSLATORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0038_removed_names"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(add_group, remove_group)]
