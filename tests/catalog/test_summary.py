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
    assert "3 statements</a> · " in home
    assert 'housing <span class="count">(3)</span>' in home
    assert '2010 <span class="count">(3)</span>' in home
    assert "3 statements." in client.get("/tags/housing/").content.decode()
    assert "(3 statements)" in client.get("/archive/").content.decode()


@pytest.mark.django_db
def test_no_kept_card_link_or_count_outlives_a_rename_or_a_new_date(client):
    """Renaming an author or a tag, or changing a date, changes every page and kept fragment
    that shows it (cards, a statement page's links, counts, the sitemap)."""
    from statements.catalog.services import statement_save
    from statements.catalog.summary import archive_summary_changed
    from statements.models import Author

    first = make_statement("First call", issued="2011-04-02", authors=["Dock Union"],
                           tags=["harbours"])  # fmt: skip
    second = make_statement("Second call", issued="2011-06", authors=["Dock Union"])
    pages = ["/", "/statements/", "/tags/harbours/", "/archive/2011/", "/archive/2011/04/",
             second.get_absolute_url(), "/feeds/latest.atom", "/opds/latest/"]  # fmt: skip
    for url in pages:  # every fragment made and kept
        assert client.get(url).status_code == 200, url
    author = Author.objects.get(name="Dock Union")
    author.name = "Dockers' Union"
    author.save()
    tag = Tag.objects.get(name="harbours")
    tag.name = "ports"
    tag.save()
    archive_summary_changed()  # as the admin's save does (statements.cache)
    for url in pages:
        page = client.get(url).content.decode()
        assert "Dock Union" not in page, url
    for url in ["/statements/", "/tags/harbours/", "/archive/2011/"]:
        page = client.get(url).content.decode()
        assert "Dockers&#x27; Union" in page or "Dockers' Union" in page, url
        assert ">ports<" in page, url
    first.date_start, first.date_precision = datetime.date(2012, 1, 1), "year"
    statement_save(statement=first, body_changed=False)
    assert "2012" in client.get(second.get_absolute_url()).content.decode()  # its neighbour
    assert "First call" not in client.get("/archive/2011/").content.decode()
    assert "First call" in client.get("/archive/2012/").content.decode()
    assert client.get("/archive/2011/04/").status_code == 404
    assert '2012 <span class="count">(1)</span>' in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_process_reads_the_row_another_process_stored(monkeypatch):
    """Gunicorn's second worker finds the row the first one computed: it reads it (jsonb,
    which Django's connections leave as text) rather than compute it again."""
    from statements.catalog import summary as kept

    make_statement(issued="2001-05", authors=["Union"], tags=["strikes"])
    stored = archive_summary()
    monkeypatch.setattr(kept, "_last_read", None)  # another process: it has read nothing
    read, queries = queries_of(archive_summary)
    assert queries == 1
    assert read == stored
