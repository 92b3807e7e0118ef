"""Protecting the people named in the record: hidden and suppressed versions, takedowns,
removed people, signatories shown as a count, and the log (statements.redaction).

The event tables of the revision history refuse any UPDATE or DELETE, whoever sends it,
except inside a suppression, which says so for its own transaction (SET LOCAL
archive.suppressing = 'on'). Suppressors are a group of their own; editors may hide."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EVENT_TABLES = ["statements_statementevent", "statements_statementbodyevent",
                "statements_authorshipevent", "statements_sourceevent",
                "statements_taggingevent"]  # fmt: skip

GUARD = """
CREATE OR REPLACE FUNCTION statements_history_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('archive.suppressing', true) = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION 'the revision history is never changed: % on % is refused outside a suppression',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
""" + "".join(
    f"CREATE TRIGGER statements_history_guard BEFORE UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION statements_history_guard();\n"
    for table in EVENT_TABLES
)
UNGUARD = (
    "".join(
        f"DROP TRIGGER IF EXISTS statements_history_guard ON {table};\n" for table in EVENT_TABLES
    )
    + "DROP FUNCTION IF EXISTS statements_history_guard();"
)

SUPPRESSORS = "Suppressors"


def groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(*codenames):
        return Permission.objects.filter(
            content_type__app_label="statements", codename__in=codenames
        )

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*perms("hide_versions", "view_hidden_versions"))
    suppressors, _ = Group.objects.get_or_create(name=SUPPRESSORS)
    suppressors.permissions.add(
        *perms("hide_versions", "view_hidden_versions", "suppress_versions", "view_redaction")
    )


def no_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=SUPPRESSORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0036_kept_books"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HiddenVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("statement_id", models.BigIntegerField()),
                ("at", models.DateTimeField()),
                ("number", models.PositiveIntegerField()),
                (
                    "text_hidden",
                    models.BooleanField(default=True, verbose_name="text and details hidden"),
                ),
                (
                    "reason_hidden",
                    models.BooleanField(default=False, verbose_name="editor's reason hidden"),
                ),
                (
                    "reason_class",
                    models.CharField(
                        choices=[
                            ("privacy", "Privacy"),
                            ("safety", "Safety"),
                            ("legal", "Legal"),
                            ("error", "Error"),
                        ],
                        max_length=10,
                    ),
                ),
                ("hidden_at", models.DateTimeField()),
                ("suppressed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "body_sha256",
                    models.CharField(blank=True, max_length=64, verbose_name="SHA-256 of the text"),
                ),
            ],
            options={
                "ordering": ["statement_id", "at"],
            },
        ),
        migrations.CreateModel(
            name="Redaction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "act",
                    models.CharField(
                        choices=[
                            ("hide", "Hide a version"),
                            ("unhide", "Unhide a version"),
                            ("suppress", "Suppress a version"),
                            ("remove", "Remove a person"),
                            ("takedown", "Take a statement down"),
                            ("hidecap", "Hide a capture"),
                            ("unhidecap", "Unhide a capture"),
                            ("suppcap", "Suppress a capture"),
                        ],
                        max_length=10,
                    ),
                ),
                ("statement_id", models.BigIntegerField(blank=True, null=True)),
                ("version_ats", models.JSONField(blank=True, default=list)),
                ("author_id", models.BigIntegerField(blank=True, null=True)),
                ("capture_id", models.BigIntegerField(blank=True, null=True)),
                (
                    "reason_class",
                    models.CharField(
                        choices=[
                            ("privacy", "Privacy"),
                            ("safety", "Safety"),
                            ("legal", "Legal"),
                            ("error", "Error"),
                        ],
                        max_length=10,
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="private note")),
                ("done_by_name", models.CharField(blank=True, max_length=150)),
                ("done_at", models.DateTimeField(db_index=True)),
                ("details", models.JSONField(blank=True, default=dict)),
            ],
            options={
                "ordering": ["-done_at", "-pk"],
                "permissions": [
                    (
                        "hide_versions",
                        "Can hide and unhide versions, captures and take statements down",
                    ),
                    ("view_hidden_versions", "Can view hidden versions"),
                    ("suppress_versions", "Can suppress versions and captures, and remove people"),
                ],
            },
        ),
        migrations.CreateModel(
            name="RemovedAddress",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sha256", models.CharField(max_length=64, unique=True)),
                ("removed_at", models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name="Takedown",
            fields=[
                (
                    "statement",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="takedown",
                        serialize=False,
                        to="statements.statement",
                    ),
                ),
                ("taken_down_at", models.DateTimeField()),
                (
                    "reason_class",
                    models.CharField(
                        choices=[
                            ("privacy", "Privacy"),
                            ("safety", "Safety"),
                            ("legal", "Legal"),
                            ("error", "Error"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "show_title",
                    models.BooleanField(
                        default=False, verbose_name="name the title and date in the public note"
                    ),
                ),
            ],
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="statement",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="statement",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="statement",
            name="delete_delete",
        ),
        migrations.RemoveConstraint(
            model_name="statement",
            name="statements_statement_status_valid",
        ),
        migrations.AddField(
            model_name="author",
            name="removed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="sourcecapture",
            name="hidden_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="sourcecapture",
            name="suppressed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="statement",
            name="signatories_public",
            field=models.BooleanField(
                default=True,
                help_text="Off: the public sees only “and N individual signatories”, never a name (for signers who must not be listed); editors still see them.",
                verbose_name="show individual signatories publicly",
            ),
        ),
        migrations.AddField(
            model_name="statementevent",
            name="signatories_public",
            field=models.BooleanField(
                default=True,
                help_text="Off: the public sees only “and N individual signatories”, never a name (for signers who must not be listed); editors still see them.",
                verbose_name="show individual signatories publicly",
            ),
        ),
        migrations.AlterField(
            model_name="statement",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("published", "Published"),
                    ("withdrawn", "Taken down"),
                ],
                default="draft",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="statementevent",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("published", "Published"),
                    ("withdrawn", "Taken down"),
                ],
                default="draft",
                max_length=10,
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="statement",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "statements_statementevent" ("body_sha256", "created_at", "date_precision", "date_start", "date_text", "editorial_notes", "id", "imported_from_id", "language", "metadata", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "place", "published_at", "rights", "signatories_public", "slug", "status", "subtitle", "summary", "title", "uid") SELECT new_values."body_sha256", new_values."created_at", new_values."date_precision", new_values."date_start", new_values."date_text", new_values."editorial_notes", new_values."id", new_values."imported_from_id", new_values."language", new_values."metadata", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."place", new_values."published_at", new_values."rights", new_values."signatories_public", new_values."slug", new_values."status", new_values."subtitle", new_values."summary", new_values."title", new_values."uid" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="60408d30fa37f8e1637216b87d9de3537854b36a",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_0a49f",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="statements_statement",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="statement",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "statements_statementevent" ("body_sha256", "created_at", "date_precision", "date_start", "date_text", "editorial_notes", "id", "imported_from_id", "language", "metadata", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "place", "published_at", "rights", "signatories_public", "slug", "status", "subtitle", "summary", "title", "uid") SELECT new_values."body_sha256", new_values."created_at", new_values."date_precision", new_values."date_start", new_values."date_text", new_values."editorial_notes", new_values."id", new_values."imported_from_id", new_values."language", new_values."metadata", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."place", new_values."published_at", new_values."rights", new_values."signatories_public", new_values."slug", new_values."status", new_values."subtitle", new_values."summary", new_values."title", new_values."uid" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values."body_sha256" IS DISTINCT FROM (new_values."body_sha256") OR old_values."created_at" IS DISTINCT FROM (new_values."created_at") OR old_values."date_precision" IS DISTINCT FROM (new_values."date_precision") OR old_values."date_start" IS DISTINCT FROM (new_values."date_start") OR old_values."date_text" IS DISTINCT FROM (new_values."date_text") OR old_values."editorial_notes" IS DISTINCT FROM (new_values."editorial_notes") OR old_values."id" IS DISTINCT FROM (new_values."id") OR old_values."imported_from_id" IS DISTINCT FROM (new_values."imported_from_id") OR old_values."language" IS DISTINCT FROM (new_values."language") OR old_values."metadata" IS DISTINCT FROM (new_values."metadata") OR old_values."place" IS DISTINCT FROM (new_values."place") OR old_values."published_at" IS DISTINCT FROM (new_values."published_at") OR old_values."rights" IS DISTINCT FROM (new_values."rights") OR old_values."signatories_public" IS DISTINCT FROM (new_values."signatories_public") OR old_values."slug" IS DISTINCT FROM (new_values."slug") OR old_values."status" IS DISTINCT FROM (new_values."status") OR old_values."subtitle" IS DISTINCT FROM (new_values."subtitle") OR old_values."summary" IS DISTINCT FROM (new_values."summary") OR old_values."title" IS DISTINCT FROM (new_values."title") OR old_values."uid" IS DISTINCT FROM (new_values."uid")) ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="bbbe05c9de650715f105114e7525a5bf19ca23d4",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_275ed",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="statements_statement",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="statement",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "statements_statementevent" ("body_sha256", "created_at", "date_precision", "date_start", "date_text", "editorial_notes", "id", "imported_from_id", "language", "metadata", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "place", "published_at", "rights", "signatories_public", "slug", "status", "subtitle", "summary", "title", "uid") SELECT old_values."body_sha256", old_values."created_at", old_values."date_precision", old_values."date_start", old_values."date_text", old_values."editorial_notes", old_values."id", old_values."imported_from_id", old_values."language", old_values."metadata", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."place", old_values."published_at", old_values."rights", old_values."signatories_public", old_values."slug", old_values."status", old_values."subtitle", old_values."summary", old_values."title", old_values."uid" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;',
                    hash="1a74ac847b7cb9c54f17ebaf0ea18970e0b6f1b4",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_06b4d",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="statements_statement",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="statement",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["draft", "published", "withdrawn"])),
                name="statements_statement_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="hiddenversion",
            constraint=models.UniqueConstraint(
                fields=("statement_id", "at"), name="statements_hiddenversion_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="hiddenversion",
            constraint=models.CheckConstraint(
                condition=models.Q(("text_hidden", True), ("reason_hidden", True), _connector="OR"),
                name="statements_hiddenversion_hides_something",
            ),
        ),
        migrations.AddConstraint(
            model_name="hiddenversion",
            constraint=models.CheckConstraint(
                condition=models.Q(("reason_class__in", ["privacy", "safety", "legal", "error"])),
                name="statements_hiddenversion_reason_valid",
            ),
        ),
        migrations.AddField(
            model_name="redaction",
            name="done_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="takedown",
            constraint=models.CheckConstraint(
                condition=models.Q(("reason_class__in", ["privacy", "safety", "legal", "error"])),
                name="statements_takedown_reason_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="redaction",
            constraint=models.CheckConstraint(
                condition=models.Q(("reason_class__in", ["privacy", "safety", "legal", "error"])),
                name="statements_redaction_reason_valid",
            ),
        ),
        migrations.RunSQL(GUARD, UNGUARD),
        migrations.RunPython(groups, no_groups),
    ]
