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
