"""The task queue with real engines: Celery workers on the test's own Redis (and on the
machine's RabbitMQ), gunicorn handing them books, editions and the admin's imports; and the
broker away, when the web processes do the work themselves."""

import os
import re
import time

import psycopg
import pytest
import requests

from tests.faults.servers import (
    Database,
    Gunicorn,
    Redis,
    Worker,
    editor_session,
    environment,
    manage,
    site_prepare,
)

pytestmark = pytest.mark.slow
TOKEN = "scrape-" + "9f8e7d6c" * 4
MUSE = b"#title Queued shelter call\n#author Night Shelter Collective\n#date 2025-03\n\nWe call.\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    database, redis = Database("queue"), Redis()
    media = tmp_path_factory.mktemp("media")
    env = environment(
        database.url,
        MEDIA_ROOT=str(media),
        CELERY_BROKER_URL=redis.url,
        CELERY_TASK_DEFAULT_QUEUE=f"archive-test-{os.getpid()}",
        ARCHIVE_METRICS_TOKEN=TOKEN,
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
    )
    site_prepare(env, editor=True)
    logs = tmp_path_factory.mktemp("logs")
    server = Gunicorn(env, workers=2, log=logs / "gunicorn.log")
    yield database, redis, server, env, logs
    server.stop()
    redis.stop()
    database.discard()


def published_slugs(database) -> list[str]:
    with psycopg.connect(database.url) as connection:
        rows = connection.execute(
            "SELECT slug FROM statements_statement WHERE status = 'published'"
            " AND published_at <= now() ORDER BY id"
        ).fetchall()
    return [row[0] for row in rows]


def queue_depth(server) -> float:
    body = requests.get(
        server.base + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    ).text
    return float(re.search(r"^archive_queue_depth (\S+)$", body, re.M).group(1))


def wait_for(url: str, session=None, *, seconds: float = 90) -> requests.Response:
    deadline = time.monotonic() + seconds
    while True:
        answer = (session or requests).get(url, timeout=30)
        if answer.status_code != 202:
            return answer
        assert time.monotonic() < deadline, f"{url} still being made"
        time.sleep(0.3)


def test_a_worker_makes_what_readers_ask_for_once(site):
    database, _, server, env, logs = site
    slug = published_slugs(database)[0]
    # Loading the site queued one pass of its statement pages (statements.catalog.stored),
    # one however many changes it made.
    assert queue_depth(server) == 1
    edition = f"{server.base}/statements/{slug}.pdf?paper=a5"
    first = requests.get(edition, timeout=30)
    assert first.status_code == 202 and first.headers["Retry-After"] == "3"
    assert "This file is being made" in first.text
    assert requests.get(edition, timeout=30).status_code == 202  # not queued twice
    assert queue_depth(server) == 2
    ready = requests.get(server.base + "/readyz", timeout=10).json()
    assert ready["checks"]["broker"]["ok"] is True

    worker = Worker(env, logs / "worker.log")
    try:
        made = wait_for(edition)
        assert made.status_code == 200 and made.content.startswith(b"%PDF")
        assert queue_depth(server) == 0
        # The worker took the pass first: every published statement's page is stored, and
        # a reader gets one as the web process would render it.
        with psycopg.connect(database.url) as connection:
            stored = connection.execute(
                "SELECT count(*) FROM statements_storedpage WHERE path LIKE '%% en /statements/%%'"
            ).fetchone()[0]
        assert stored == len(published_slugs(database))
        page = requests.get(f"{server.base}/statements/{slug}/", timeout=30)
        assert page.status_code == 200 and f"{server.base}/statements/{slug}/" in page.text
        # A book of two, shared by address: the same.
        book = f"{server.base}/book/book.epub?s={','.join(published_slugs(database)[:2])}"
        assert requests.get(book, timeout=30).status_code == 202
        made = wait_for(book)
        assert made.status_code == 200 and made.content.startswith(b"PK")
    finally:
        worker.stop()
    with psycopg.connect(database.url) as connection:
        assert connection.execute("SELECT count(*) FROM statements_job").fetchone()[0] == 0
    succeeded = re.findall(r"Task (archive\.\w+)\[[^]]+\] succeeded", worker.log.read_text())
    assert sorted(succeeded) == ["archive.book", "archive.edition", "archive.stored_pages"]


def test_an_import_confirmed_in_the_admin_runs_on_a_worker(site):
    database, _, server, env, logs = site
    editor = editor_session(server.base)
    page = server.base + "/admin/statements/statement/import/"
    csrf = editor.cookies["csrftoken"]
    preview = editor.post(
        page,
        data={"csrfmiddlewaretoken": csrf},
        files={"files": ("queued.muse", MUSE)},
        timeout=30,
    )
    assert preview.status_code == 200 and "Queued shelter call" in preview.text
    token = re.search(r'name="token" value="([0-9a-f]+)"', preview.text).group(1)
    confirmed = editor.post(
        page, data={"csrfmiddlewaretoken": csrf, "token": token}, allow_redirects=False, timeout=30
    )
    assert confirmed.status_code == 302
    job_page = server.base + confirmed.headers["Location"]
    waiting = editor.get(job_page, timeout=10)
    assert "waiting for a worker" in waiting.text and 'http-equiv="refresh"' in waiting.text
    worker = Worker(env, logs / "import-worker.log")
    try:
        deadline = time.monotonic() + 60
        while "<h2>Imported</h2>" not in (done := editor.get(job_page, timeout=10)).text:
            assert time.monotonic() < deadline, done.text[-2000:]
            time.sleep(0.3)
    finally:
        worker.stop()
    assert "Created: queued.muse" in done.text
    with psycopg.connect(database.url) as connection:
        status, username = connection.execute(
            "SELECT s.status, c.metadata->>'username' FROM statements_statement s"
            " JOIN statements_statementevent e ON e.pgh_obj_id = s.id"
            " JOIN pghistory_context c ON c.id = e.pgh_context_id"
            " WHERE s.title = 'Queued shelter call'"
        ).fetchone()
    assert (status, username) == ("draft", "editor")  # the revision names the editor
    with psycopg.connect(database.url) as connection:
        assert connection.execute("SELECT count(*) FROM statements_job").fetchone()[0] == 1


def test_with_the_broker_away_the_web_process_does_the_work(site):
    database, redis, server, _, _ = site
    slug = published_slugs(database)[1]
    redis.pause()
    try:
        started = time.monotonic()
        answer = requests.get(f"{server.base}/statements/{slug}.epub", timeout=30)
        assert answer.status_code == 200 and answer.content.startswith(b"PK")
        assert time.monotonic() - started < 15  # the broker's bounded wait, then made here
        ready = requests.get(server.base + "/readyz", timeout=15)
        assert ready.status_code == 200  # reported, not required
        assert ready.json()["checks"]["broker"]["ok"] is False
    finally:
        redis.resume()


def test_a_worker_on_rabbitmq(site, tmp_path):
    """The other broker this kind of machine runs: the machine's RabbitMQ, a queue of the
    test's own; the vocabulary rebuilt on a worker."""
    import socket

    database, _, _, env, _ = site
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=2).close()
    except OSError as error:
        if os.environ.get("CI"):
            pytest.fail(f"RabbitMQ is not on 127.0.0.1:5672: {error}")
        pytest.skip(f"RabbitMQ is not on 127.0.0.1:5672: {error}")
    amqp = {
        **env,
        "CELERY_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//",
        "CELERY_TASK_DEFAULT_QUEUE": f"archive-test-amqp-{os.getpid()}",
    }
    with psycopg.connect(database.url, autocommit=True) as connection:
        connection.execute("DELETE FROM statements_searchword")
    assert "Handed to the task queue" in manage("search_words", "--queue", env=amqp)
    worker = Worker(amqp, tmp_path / "worker.log")
    try:
        deadline = time.monotonic() + 60
        while True:
            with psycopg.connect(database.url) as connection:
                words = connection.execute("SELECT count(*) FROM statements_searchword").fetchone()
            if words[0] > 0:
                break
            assert time.monotonic() < deadline, worker.log.read_text()[-3000:]
            time.sleep(0.3)
    finally:
        worker.stop()


def test_the_beat_checks_and_captures_the_sources(site, tmp_path):
    """With a task queue, the link checks are a periodic task of Celery's beat: here every
    2 seconds, against a website of the test's own on 127.0.0.1."""
    from tests.sources.sites import Site

    database, _, _, env, _ = site
    website = Site()
    url = website.url("/alive")
    with psycopg.connect(database.url, autocommit=True) as connection:
        connection.execute(
            "UPDATE statements_source SET url = %s, archived_url = '' WHERE id = ("
            " SELECT s.id FROM statements_source s JOIN statements_statement t"
            " ON t.id = s.statement_id WHERE t.status = 'published' ORDER BY s.id LIMIT 1)",
            [url],
        )
    beat = {
        **env,
        "ARCHIVE_CHECK_SOURCES_SCHEDULE": "2",
        "ARCHIVE_CHECK_SOURCES_OLDER_THAN_HOURS": "0",
        "ARCHIVE_FETCH_ALLOWED_NETWORKS": "127.0.0.1/32",
        # The demo's other sources name hosts this machine cannot resolve: fail them fast.
        "ARCHIVE_FETCH_CONNECT_SECONDS": "1",
        "CELERY_TASK_DEFAULT_QUEUE": f"archive-test-beat-{os.getpid()}",
    }
    worker = Worker(beat, tmp_path / "beat-worker.log", beat=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            with psycopg.connect(database.url) as connection:
                checks, captures = connection.execute(
                    "SELECT (SELECT count(*) FROM statements_sourcecheck c"
                    "  JOIN statements_sourcelink l ON l.id = c.link_id WHERE l.url = %s),"
                    " (SELECT count(*) FROM statements_sourcecapture c"
                    "  JOIN statements_sourcelink l ON l.id = c.link_id WHERE l.url = %s)",
                    [url, url],
                ).fetchone()
            if checks >= 2 and captures == 1:
                break
            assert time.monotonic() < deadline, worker.log.read_text()[-3000:]
            time.sleep(0.5)
    finally:
        worker.stop()
        website.close()
    assert any(method == "HEAD" for _, method, _, _ in website.requests)
    assert "archive.check_sources" in worker.log.read_text()
