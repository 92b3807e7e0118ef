from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
# Everything an editor touches: statements and their parts, authors, tags. Nothing of auth
# (users, groups, permissions), so editors cannot make themselves or others superusers.
EDITOR_MODELS = ["statement", "author", "authorship", "source", "tag", "taggedstatement",
                 "slugredirect"]


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations run; make them exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    permissions = Permission.objects.filter(
        content_type__app_label="statements", content_type__model__in=EDITOR_MODELS
    )
    group.permissions.add(*permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0002_extensions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
