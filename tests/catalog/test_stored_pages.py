"""Statement pages rendered when a statement changes and kept in PostgreSQL (issue 35):
served with one query, exactly as rendered, with the reader's origin and today's date; gone
with any change to what they show, never kept for a draft or an editor."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from statements.catalog import stored
from statements.catalog.services import statement_publish, statement_save
from statements.core.dates import accessed_note
from statements.models import Author, Statement, StoredPage
from statements.redaction.people import person_remove
from statements.redaction.takedowns import statement_take_down
from tests.factories import make_statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def storing(settings, django_capture_on_commit_callbacks):
    settings.ARCHIVE_STORED_PAGES = True
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example.org"]
    settings.ARCHIVE_BASE_URL = ""
    return django_capture_on_commit_callbacks


def stored_paths() -> set[str]:
    """The stored pages' keys without their release."""
    return {key.split(" ", 1)[1] for key in StoredPage.objects.values_list("path", flat=True)}


def view(client, url: str, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    return response, len(queries)


def test_a_change_stores_the_page_and_a_reader_gets_it_with_one_query(client, storing, settings):
    with storing(execute=True):
        statement = make_statement("Kept whole", authors=["Stored Collective"], tags=["kept"])
    path = statement.get_absolute_url()
    assert stored_paths() == {f"en {path}"}
    response, queries = view(client, path)
    assert response.status_code == 200
    assert queries == 1
    settings.ARCHIVE_STORED_PAGES = False
    live, live_queries = view(client, path)
    assert live_queries > 1
    assert response.content == live.content


def test_the_page_carries_the_readers_own_origin(client, storing):
    with storing(execute=True):
        statement = make_statement("Two hosts")
    row = StoredPage.objects.get()
    assert "http://testserver" not in row.content
    assert stored.STAND_IN_ORIGIN in row.content
    page = client.get(statement.get_absolute_url(), HTTP_HOST="mirror.example.org")
    text = page.content.decode()
    assert f'href="http://mirror.example.org{statement.get_absolute_url()}"' in text
    assert stored.STAND_IN_ORIGIN not in text


def test_a_page_stored_yesterday_cites_todays_access(client, storing):
    with storing(execute=True):
        statement = make_statement("Accessed")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    row = StoredPage.objects.get()
    today = accessed_note(timezone.localdate())
    assert today in row.content
    row.content = row.content.replace(today, accessed_note(yesterday))
    row.accessed_on = yesterday
    row.save()
    text = client.get(statement.get_absolute_url()).content.decode()
    assert today in text
    assert accessed_note(yesterday) not in text


def test_an_edit_replaces_the_stored_page(client, storing):
    with storing(execute=True):
        statement = make_statement("Before the edit")
    assert "Before the edit" in StoredPage.objects.get().content
    with storing(execute=True):
        statement.title = "After the edit"
        statement_save(statement=statement, body_changed=False)
    assert "After the edit" in StoredPage.objects.get().content
    assert "After the edit" in client.get(statement.get_absolute_url()).content.decode()


def test_a_new_neighbour_and_a_renamed_author_reach_the_stored_pages(client, storing):
    with storing(execute=True):
        earlier = make_statement("Earlier one", issued="2020-01", authors=["Renamed Group"])
    with storing(execute=True):
        later = make_statement("Later one", issued="2020-03")
    # The earlier page links the later one as its next statement.
    assert "Later one" in client.get(earlier.get_absolute_url()).content.decode()
    author = Author.objects.get(name="Renamed Group")
    with storing(execute=True):
        author.name = "Group Renamed"
        author.save()
        from statements.catalog.changes import public_pages_changed

        public_pages_changed(authors=[author.pk])
    text = client.get(earlier.get_absolute_url()).content.decode()
    assert "Group Renamed" in text
    assert "Later one" in client.get(earlier.get_absolute_url()).content.decode()
    assert later.pk


def test_drafts_are_never_stored_and_editors_never_get_a_stored_page(
    client, editor_client, storing
):
    with storing(execute=True):
        draft = make_statement("Not yet", published=False)
        public = make_statement("Public one")
    assert stored_paths() == {f"en {public.get_absolute_url()}"}
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert editor_client.get(draft.get_absolute_url()).status_code == 200
    assert stored_paths() == {f"en {public.get_absolute_url()}"}
    # An editor's view of a public page is rendered for them, not read from the store.
    _, queries = view(editor_client, public.get_absolute_url())
    assert queries > 1


def test_a_taken_down_statement_leaves_no_stored_page(client, storing):
    with storing(execute=True):
        statement = make_statement("To be taken down")
    with storing(execute=True):
        statement_take_down(statement=statement, reason_class="legal", show_title=False)
    assert stored_paths() == set()
    assert client.get(statement.get_absolute_url()).status_code == 410


def test_a_removed_person_leaves_no_stored_page_naming_them(client, storing):
    with storing(execute=True):
        statement = make_statement("Signed", signatories=["Private Person"])
        other = make_statement("Unrelated")
    assert "Private Person" in StoredPage.objects.get(path__endswith=statement.slug + "/").content
    author = Author.objects.get(name="Private Person")
    with storing(execute=True):
        person_remove(author=author, reason_class="safety")
    assert not StoredPage.objects.filter(content__contains="Private Person").exists()
    assert "Private Person" not in client.get(statement.get_absolute_url()).content.decode()
    assert f"en {other.get_absolute_url()}" in stored_paths()


def test_a_page_is_kept_only_until_the_next_scheduled_publication(client, storing):
    soon = timezone.now() + datetime.timedelta(hours=2)
    with storing(execute=True):
        make_statement("Scheduled", published_at=soon)
        statement = make_statement("Already public")
    row = StoredPage.objects.get()
    assert row.valid_until == soon
    row.valid_until = timezone.now() - datetime.timedelta(seconds=1)
    row.content = row.content.replace("Already public", "A stale page")
    row.save()
    assert "A stale page" not in client.get(statement.get_absolute_url()).content.decode()


def test_a_page_rendered_before_a_change_is_not_stored_after_it(rf, storing):
    with storing(execute=False):
        statement = make_statement("Raced")
    clock = stored._clock()
    stored.stored_pages_forget(["s:0"])  # a change committed while the page was rendered
    response = stored.HttpResponse("<p>old</p>")
    stored._store("en /raced/", response, origin="http://testserver", depends=["s:1"], clock=clock)
    assert not StoredPage.objects.filter(path="en /raced/").exists()
    stored._store(
        "en /raced/", response, origin="http://testserver", depends=["s:1"], clock=stored._clock()
    )
    assert StoredPage.objects.filter(path="en /raced/").exists()
    assert statement.pk


def test_publishing_stores_the_page_and_the_command_renders_what_is_missing(storing):
    with storing(execute=True):
        draft = make_statement("Published later", published=False)
        make_statement("Published now")
    with storing(execute=True):
        statement_publish(statements=Statement.objects.filter(pk=draft.pk))
    assert f"en {draft.get_absolute_url()}" in stored_paths()
    StoredPage.objects.all().delete()
    call_command("stored_pages", "--part", "0/1", verbosity=0)
    assert len(stored_paths()) == 2
    call_command("stored_pages", "--forget", verbosity=0)
    assert len(stored_paths()) == 2


def test_the_command_refuses_where_stored_pages_are_off(settings):
    from django.core.management.base import CommandError

    settings.ARCHIVE_STORED_PAGES = False
    with pytest.raises(CommandError, match="ARCHIVE_STORED_PAGES"):
        call_command("stored_pages")


def test_a_page_rendered_to_be_stored_is_not_logged_as_a_readers_request(client, storing, caplog):
    with caplog.at_level("INFO", logger="archive.access"), storing(execute=True):
        statement = make_statement("Quietly stored")
    assert stored_paths() == {f"en {statement.get_absolute_url()}"}
    assert not [r for r in caplog.records if r.name == "archive.access"]
    with caplog.at_level("INFO", logger="archive.access"):
        client.get(statement.get_absolute_url())
    assert [r.getMessage() for r in caplog.records if r.name == "archive.access"] == [
        f"GET {statement.get_absolute_url()} 200"
    ]


def test_a_page_stored_by_an_earlier_release_is_not_served_and_a_whole_pass_drops_it(
    client, storing
):
    with storing(execute=True):
        statement = make_statement("Released")
    row = StoredPage.objects.get()
    release = stored.stored_pages_release()
    assert row.path.startswith(f"{release} en /")
    row.path = row.path.replace(release, "0" * 12, 1)
    row.content = row.content.replace("Released", "Old markup")
    row.save()
    assert "Old markup" not in client.get(statement.get_absolute_url()).content.decode()
    assert StoredPage.objects.count() == 2  # this release's page, stored by that view
    stored.stored_pages_render()
    assert [key.split(" ")[0] for key in StoredPage.objects.values_list("path", flat=True)] == [
        release
    ]


def test_a_view_with_parameters_is_served_but_never_stored(client, storing):
    with storing(execute=False):
        statement = make_statement("Asked oddly")
    assert stored_paths() == set()
    odd = client.get(statement.get_absolute_url() + "?utm=%3Cplanted%3E")
    assert "planted" in odd.content.decode()  # the language links repeat the parameters
    assert stored_paths() == set()
    client.get(statement.get_absolute_url())
    assert stored_paths() == {f"en {statement.get_absolute_url()}"}
    again = client.get(statement.get_absolute_url() + "?utm=%3Cplanted%3E").content.decode()
    assert "planted" not in again


def test_a_burst_of_changes_queues_one_pass_which_renders_the_pages(storing, settings, monkeypatch):
    from django.core.cache import caches

    sent = []
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # never reached: enqueue is stood in
    monkeypatch.setattr(stored, "enqueue", lambda task: sent.append(task.name) or True)
    caches["default"].delete(stored.QUEUED_KEY)
    with storing(execute=True):
        first = make_statement("First of a burst")
    with storing(execute=True):
        make_statement("Second of a burst")
    assert sent == ["archive.stored_pages"]
    assert stored_paths() == set()  # nothing rendered in the process that made the changes
    assert stored.stored_pages_task() == 2
    assert f"en {first.get_absolute_url()}" in stored_paths()
    with storing(execute=True):
        make_statement("After the pass began")
    assert sent == ["archive.stored_pages"] * 2
