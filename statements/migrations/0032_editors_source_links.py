from django.contrib.auth.management import create_permissions
from django.db import migrations


def editors_view_source_links(apps, schema_editor):
    """Editors read the link checks and captures (and download captures); nobody edits
    them: they are what the checker saw."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="statements",
            codename__in=["view_sourcelink", "view_sourcecheck", "view_sourcecapture"],
        )
    )


class Migration(migrations.Migration):
    dependencies = [("statements", "0031_source_links")]

    operations = [migrations.RunPython(editors_view_source_links, migrations.RunPython.noop)]
