"""One definition of "public" in Python (statements.models.public_at) and one in SQL
(statements_public_at, through statements_is_public for every query): they agree on
published, scheduled, draft and withdrawn statements at a boundary time, and every query
that decides what the public sees goes through the SQL one."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from statements.catalog import summary
from statements.catalog.revisions import statement_revisions
from statements.catalog.services import statement_unpublish
from statements.models import Statement, Withdrawal, public_at
from tests.factories import make_statement

pytestmark = pytest.mark.django_db

AT = timezone.now().replace(microsecond=500_000) + datetime.timedelta(days=3)
MICRO = datetime.timedelta(microseconds=1)


def _sql_public_at(statement: Statement, at: datetime.datetime) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statements_public_at(status, published_at, %s) IS TRUE"
            " FROM statements_statement WHERE id = %s",
            [at, statement.pk],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def states() -> dict[str, Statement]:
    withdrawn = make_statement("Withdrawn")
    statement_unpublish(statements=Statement.objects.filter(pk=withdrawn.pk))
    return {
        "published long before": make_statement(
            "Long before", published_at=AT - datetime.timedelta(days=4)
        ),
        "published a microsecond before": make_statement("Before", published_at=AT - MICRO),
        "published at the very time": make_statement("At", published_at=AT),
        "scheduled a microsecond after": make_statement("After", published_at=AT + MICRO),
        "draft": make_statement("Draft", published=False),
        "draft with a past date": make_statement(
            "Draft dated", published=False, published_at=AT - MICRO
        ),
        "withdrawn": Statement.objects.get(pk=withdrawn.pk),
    }


def test_python_and_sql_agree_at_a_boundary_time(states):
    expected = {
        "published long before": True,
        "published a microsecond before": True,
        "published at the very time": True,
        "scheduled a microsecond after": False,
        "draft": False,
        "draft with a past date": False,
        "withdrawn": False,
    }
    for name, statement in states.items():
        statement.refresh_from_db()
        python = public_at(statement.status, statement.published_at, AT)
        assert python == _sql_public_at(statement, AT) == expected[name], name


def test_the_orm_the_property_and_the_summary_use_the_same_definition(states):
    # Now, the statements dated AT and around it are all still to come.
    public = set(Statement.objects.published().values_list("title", flat=True))
    assert public == {"Long before"}
    assert {s.title for s in states.values() if s.is_public} == public
    assert summary.archive_summary().statements == 1
    assert "statements_is_public" in str(Statement.objects.published().query)


def test_withdrawal_trigger_uses_the_definition(states):
    # Unpublished after publication: withdrawn, and on record.
    assert Withdrawal.objects.filter(statement_id=states["withdrawn"].pk).exists()
    # A statement still to come, unpublished, was never public: nothing to withdraw.
    scheduled = states["scheduled a microsecond after"]
    statement_unpublish(statements=Statement.objects.filter(pk=scheduled.pk))
    assert not Withdrawal.objects.filter(statement_id=scheduled.pk).exists()


def test_a_revision_is_public_by_the_same_definition(states):
    statement = states["published long before"]
    revisions = statement_revisions(statement_id=statement.pk)
    assert revisions and all(r.public for r in revisions)
    later = states["scheduled a microsecond after"]
    assert not any(r.public for r in statement_revisions(statement_id=later.pk))


def test_the_planner_inlines_the_function_and_keeps_the_index():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM statements_statement"
            " WHERE statements_is_public(status, published_at)"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Inlined, the function's conditions reach an index as its condition. Which index serves
    # (status and published_at, or published_at alone) is the planner's choice: on a near-empty
    # table the two cost the same, and CI once saw the other one chosen.
    assert "statements_is_public" not in plan, plan
    index_cond = [line for line in plan.splitlines() if "Index Cond:" in line]
    assert index_cond and "published_at" in index_cond[0], plan
