"""Published copies (issue 34): made into ARCHIVE_COPIES_ROOT by a command or the queue's
periodic task, listed on /about/copies/ and /data/ with their date, size and SHA-256."""

import hashlib

import pytest
from django.core.management import CommandError, call_command

from statements.copies.tasks import publish_copy_task
from tests.factories import make_statement


@pytest.fixture
def copies(db, settings, tmp_path):
    settings.ARCHIVE_COPIES_ROOT = tmp_path / "copies"
    make_statement("Open letter", slug="open-letter", authors=["Harbour Collective"])
    make_statement("A draft", slug="a-draft", published=False)
    return settings.ARCHIVE_COPIES_ROOT


def test_every_copy_is_listed_with_its_date_size_and_digest(copies, client, capsys):
    call_command("publish_copies")
    out = capsys.readouterr().out
    for kind in ("git", "zim", "site", "bag", "data"):
        assert f"{kind}: " in out
    page = client.get("/about/copies/").content.decode()
    for name in ("statement-archive.zim", "statement-archive-site.zip",
                 "statement-archive-bag.tar", "statement-archive-data.zip"):  # fmt: skip
        content = (copies / name).read_bytes()
        assert hashlib.sha256(content).hexdigest() in page
        download = client.get(f"/copies/{name}")
        assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert "git clone http://testserver/mirror.git/" in page
    head = (copies / "mirror.git/refs/heads/main").read_text().strip()
    assert head in page
    data = client.get("/data/").content.decode()
    assert 'href="/copies/statement-archive-data.zip"' in data


def test_the_pages_say_when_nothing_is_made_yet_and_read_no_database(
    copies, client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        page = client.get("/about/copies/")
        data = client.get("/data/")
    assert page.status_code == 200 and data.status_code == 200
    assert page.content.decode().count("Not made yet.") == 5
    assert "Not made yet." in data.content.decode()


def test_only_listed_copies_are_served(copies, client):
    call_command("publish_copies", "--only", "data")
    (copies / "secret.txt").write_text("not a copy", encoding="utf-8")
    for name in ("secret.txt", "copies.json", "..%2Fcopies.json", "statement-archive.zim"):
        assert client.get(f"/copies/{name}").status_code == 404
    with pytest.raises(CommandError):
        call_command("publish_copies", "--only", "everything")


def test_the_queue_makes_a_copy_on_schedule(copies, settings):
    from archive.celery import _periodic_tasks, app

    settings.ARCHIVE_COPIES_SCHEDULE = "15 4 * * *"
    _periodic_tasks(app)
    assert app.conf.beat_schedule["publish-copy-zim"]["kwargs"] == {"kind": "zim"}
    result = publish_copy_task.apply(kwargs={"kind": "data"}).get()
    assert result["file"] == "statement-archive-data.zip"
    assert (copies / "statement-archive-data.zip").stat().st_size == result["bytes"]
