import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from statements import cache as page_cache
from statements.catalog.services import statement_publish, statement_save
from statements.models import Statement
from tests.factories import make_statement


@pytest.fixture
def caching(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def get(client, url, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **kwargs)
    return response, len(captured)


@pytest.mark.django_db
def test_second_anonymous_request_runs_no_query(client, caching):
    statement = make_statement("Cached")
    first, first_queries = get(client, statement.get_absolute_url())
    second, second_queries = get(client, statement.get_absolute_url())
    assert first_queries > 0
    assert second_queries == 0
    assert second.content == first.content
    assert second.status_code == 200


@pytest.mark.django_db
def test_an_edit_makes_pages_fresh(client, caching, django_capture_on_commit_callbacks):
    statement = make_statement("Before the edit")
    assert "Before the edit" in client.get("/statements/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        statement.title = "After the edit"
        statement_save(statement=statement, body_changed=False)
    assert "After the edit" in client.get("/statements/").content.decode()


@pytest.mark.django_db
def test_publishing_a_draft_replaces_a_cached_404(
    client, caching, django_capture_on_commit_callbacks
):
    draft = make_statement("Soon public", published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        statement_publish(statements=Statement.objects.filter(pk=draft.pk))
    assert client.get(draft.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_admin_edits_make_pages_fresh(
    client, editor_client, caching, django_capture_on_commit_callbacks
):
    statement = make_statement("Listed")
    assert "Listed" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            "/admin/statements/statement/",
            {"action": "unpublish", "_selected_action": [statement.pk]},
        )
    assert "Listed" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_editors_are_never_served_from_the_cache(client, editor_client, caching):
    draft = make_statement("Editors only", published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    response = editor_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "draft-banner" in response.content.decode()


@pytest.mark.django_db
def test_entries_expire_before_the_next_scheduled_publication(caching):
    make_statement(published_at=timezone.now() + datetime.timedelta(seconds=90))
    assert 1 <= page_cache._timeout() <= 90
    Statement.objects.update(published_at=timezone.now() - datetime.timedelta(days=1))
    assert page_cache._timeout() == 600


@pytest.mark.django_db
def test_cache_is_off_without_a_shared_cache(client):
    statement = make_statement()
    get(client, statement.get_absolute_url())
    _, queries = get(client, statement.get_absolute_url())
    assert queries > 0


def pages_cached() -> int:
    """How many pages the (local memory) cache holds."""
    return sum(1 for key in cache._cache if ":public-page:" in key)


@pytest.mark.django_db
def test_parameters_a_page_does_not_read_make_no_new_entry(client, caching):
    statement = make_statement("Cached once", tags=["housing"])
    for n in range(20):
        assert client.get(f"{statement.get_absolute_url()}?cb={n}").status_code == 200
        assert client.get(f"/statements/?cb={n}&utm_source=x").status_code == 200
    assert pages_cached() == 2  # one detail page, one list page
    # The parameters a page does read still make their own entries.
    tagged = client.get("/statements/?tag=housing").content.decode()
    assert "1 statement matches these filters." in tagged
    assert "1 statement matches" not in client.get("/statements/?cb=1").content.decode()


@pytest.mark.django_db
def test_a_404_past_the_last_page_is_not_kept(client, caching):
    make_statement("Only one")
    for n in range(2, 30):
        assert client.get(f"/statements/?page={n}").status_code == 404
    assert pages_cached() == 0


@pytest.mark.django_db
def test_a_lost_version_never_makes_old_entries_current(
    client, caching, django_capture_on_commit_callbacks
):
    statement = make_statement("Versioned", summary="First words.")
    assert "First words." in client.get(statement.get_absolute_url()).content.decode()
    statement.summary = "Second words."
    with django_capture_on_commit_callbacks(execute=True):
        statement_save(statement=statement, body_changed=False)
    # Nobody reads the page before the version is evicted (Redis under memory pressure):
    # the entry of the first version must not become current again.
    cache.delete(page_cache.VERSION_KEY)
    assert "Second words." in client.get(statement.get_absolute_url()).content.decode()


def test_a_production_writer_without_redis_refuses_unless_told_there_is_no_cache(tmp_path):
    from tests.test_settings import PRODUCTION_ENV, run_manage

    muse = tmp_path / "call.muse"
    muse.write_text("#title A call\n\nText.\n")
    refused = run_manage("import_statements", str(muse), env=PRODUCTION_ENV)
    assert refused.returncode != 0
    assert "REDIS_URL is not set" in refused.stderr
    refused = run_manage("load_demo", env=PRODUCTION_ENV)
    assert refused.returncode != 0 and "ARCHIVE_NO_PAGE_CACHE=1" in refused.stderr
    # A dry run changes nothing, and is not refused for this.
    dry = run_manage("import_statements", "--dry-run", str(muse), env=PRODUCTION_ENV)
    assert "REDIS_URL" not in dry.stderr
