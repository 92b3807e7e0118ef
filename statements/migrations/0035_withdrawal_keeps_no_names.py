"""A withdrawal (OAI-PMH's deleted record) keeps the statement's number and the time only:
the sets it was in named its tags and authors (``author:ghost-author-vimes``) and its slug
its title, kept for good after the statement left the public. Both columns go, with what
they held; the trigger writes neither, and the function that gathered the sets goes too."""

from importlib import import_module

from django.db import migrations

_0018 = import_module("statements.migrations.0018_withdrawal")
_0033 = import_module("statements.migrations.0033_public_definition")
# Going back: the set-gathering function of 0018 and the trigger of 0033 (the names removed
# are not brought back).
BACKWARD = (
    _0018.WITHDRAWAL_TRIGGER.split("CREATE OR REPLACE FUNCTION statements_record_withdrawal")[0]
    + _0033.TRIGGER_FUNCTION
)

TRIGGER_FUNCTION = r"""
CREATE OR REPLACE FUNCTION statements_record_withdrawal() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF statements_is_public(OLD.status, OLD.published_at) AND (
        TG_OP = 'DELETE' OR NOT statements_is_public(NEW.status, NEW.published_at)
    ) THEN
        INSERT INTO statements_withdrawal (statement_id, withdrawn_at)
        VALUES (OLD.id, now())
        ON CONFLICT (statement_id) DO UPDATE SET withdrawn_at = EXCLUDED.withdrawn_at;
    END IF;
    RETURN NULL;
END
$$;
DROP FUNCTION IF EXISTS statements_withdrawal_sets(bigint);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0034_capture_page_size"),
    ]

    operations = [
        migrations.RunSQL(TRIGGER_FUNCTION, BACKWARD),
        migrations.RemoveField(model_name="withdrawal", name="set_specs"),
        migrations.RemoveField(model_name="withdrawal", name="slug"),
    ]
