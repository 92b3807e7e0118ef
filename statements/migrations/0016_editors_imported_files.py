from django.contrib.auth.management import create_permissions
from django.db import migrations


def editors_view_imported_files(apps, schema_editor):
    """Editors read the kept files (and download them from the admin); nobody edits them."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="statements", codename="view_importedfile"
        )
    )


class Migration(migrations.Migration):
    dependencies = [("statements", "0015_statement_uid_importedfile")]

    operations = [migrations.RunPython(editors_view_imported_files, migrations.RunPython.noop)]
