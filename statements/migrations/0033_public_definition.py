"""One definition of "public" in SQL, used by every query the ORM does not write: the
summary, the search's suggestions and vocabulary, the revisions, and the withdrawal trigger.
The ORM's ``Statement.objects.published()`` calls the same function. Both are plain SQL
functions, which PostgreSQL inlines, so the status and date indexes serve as before."""

from django.db import migrations

# statements.models.statements.public_at says the same in Python (tests/catalog/test_public.py
# holds the two together at a boundary time).
PUBLIC_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION statements_public_at(status text, published_at timestamptz,
                                                at timestamptz) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT status = 'published' AND published_at <= at
$$;
CREATE OR REPLACE FUNCTION statements_is_public(status text, published_at timestamptz)
RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT statements_public_at(status, published_at, statement_timestamp())
$$;
"""

# The withdrawal trigger's function (migration 0018): only its test of "was public, is no
# longer" changes, from 0018's own comparisons (kept for going back) to the function above.
TRIGGER_FUNCTION_TEMPLATE = r"""
CREATE OR REPLACE FUNCTION statements_record_withdrawal() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF %s THEN
        INSERT INTO statements_withdrawal (statement_id, slug, withdrawn_at, set_specs)
        VALUES (OLD.id, OLD.slug, now(), statements_withdrawal_sets(OLD.id))
        ON CONFLICT (statement_id) DO UPDATE SET
            slug = EXCLUDED.slug,
            withdrawn_at = EXCLUDED.withdrawn_at,
            set_specs = CASE WHEN cardinality(EXCLUDED.set_specs) > 0 THEN EXCLUDED.set_specs
                             ELSE statements_withdrawal.set_specs END;
    END IF;
    RETURN NULL;
END
$$;
"""
TRIGGER_FUNCTION = TRIGGER_FUNCTION_TEMPLATE % (
    "statements_is_public(OLD.status, OLD.published_at) AND (\n"
    "        TG_OP = 'DELETE' OR NOT statements_is_public(NEW.status, NEW.published_at)\n    )"
)
TRIGGER_FUNCTION_0018 = TRIGGER_FUNCTION_TEMPLATE % (
    "OLD.status = 'published' AND OLD.published_at <= now() AND (\n"
    "        TG_OP = 'DELETE' OR NEW.status <> 'published' OR NEW.published_at > now()\n    )"
)

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS statements_is_public(text, timestamptz);
DROP FUNCTION IF EXISTS statements_public_at(text, timestamptz, timestamptz);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0032_editors_source_links"),
    ]

    operations = [
        migrations.RunSQL(PUBLIC_FUNCTIONS, DROP_FUNCTIONS),
        migrations.RunSQL(TRIGGER_FUNCTION, TRIGGER_FUNCTION_0018),
    ]
