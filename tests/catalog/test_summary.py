"""The archive-wide counts are kept, not counted per view, and never behind a write."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from statements.catalog.services import statement_publish, statement_unpublish
from statements.catalog.summary import archive_summary
from statements.models import Statement, Tag
from tests.factories import make_statement


def queries_of(function):
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return result, len(captured)


@pytest.mark.django_db
def test_the_summary_counts_published_statements_only_and_follows_every_write():
    make_statement(issued="2001-05", authors=["Union"], tags=["strikes"])
    draft = make_statement(issued="1999", authors=["Hidden"], tags=["secret"], published=False)
    summary = archive_summary()
    strikes = Tag.objects.get(name="strikes")
    assert (summary.statements, summary.authors, summary.tags) == (1, 1, 1)
    assert summary.tag_counts == {strikes.pk: 1}
    assert summary.year_counts == {2001: 1}
    assert summary.month_counts == {"2001-05": 1}
    statement_publish(statements=Statement.objects.filter(pk=draft.pk))
    summary = archive_summary()
    assert (summary.statements, summary.authors, summary.tags) == (2, 2, 2)
    assert summary.year_counts == {2001: 1, 1999: 1}
    assert summary.month_counts == {"2001-05": 1}  # dated by the year only
    statement_unpublish(statements=Statement.objects.filter(pk=draft.pk))
    assert archive_summary().statements == 1


@pytest.mark.django_db
def test_reading_the_summary_again_is_one_query_until_something_changes():
    make_statement(tags=["housing"])
    _, first = queries_of(archive_summary)
    summary, again = queries_of(archive_summary)
    assert first > again == 1
    make_statement(tags=["water"])
    changed, after_a_write = queries_of(archive_summary)
    assert after_a_write > 1
    assert changed.statements == summary.statements + 1


@pytest.mark.django_db
def test_a_scheduled_publication_counts_once_its_time_has_come():
    make_statement()
    make_statement(published_at=timezone.now() + datetime.timedelta(hours=1))
    assert archive_summary().statements == 1
    with connection.cursor() as cursor:  # the hour passes: no write at all
        cursor.execute(
            "UPDATE statements_archivesummary SET expires_at = now() - interval '1 second'"
        )
    Statement.objects.update(published_at=timezone.now() - datetime.timedelta(minutes=1))
    assert archive_summary().statements == 2


@pytest.mark.django_db
def test_pages_show_the_kept_counts(client):
    for n in range(3):
        make_statement(f"Call {n}", issued="2010-03-04", tags=["housing"])
    make_statement("Hidden", issued="2010", tags=["housing"], published=False)
    home = client.get("/").content.decode()
    assert "3 statements</a> by" in home
    assert 'housing <span class="count">(3)</span>' in home
    assert '2010 <span class="count">(3)</span>' in home
    assert "3 statements." in client.get("/tags/housing/").content.decode()
    assert "(3 statements)" in client.get("/archive/").content.decode()
