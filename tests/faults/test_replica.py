"""A real streaming replica (pg_basebackup of the test's own primary, started as a standby)
behind DATABASE_REPLICA_URLS: readers read from it, editors and writes go to the primary, a
replica that has not replayed a change never renders a page, and one that stops answering
costs no request."""

import threading
import time

import pytest
import requests

from tests.faults.servers import (
    RENAME,
    Database,
    Gunicorn,
    Redis,
    editor_session,
    environment,
    manage,
    site_prepare,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    primary, redis = Database("primary"), Redis()
    plain = environment(primary.url)
    site_prepare(plain, editor=True)
    replica = Database("replica", primary=primary)
    env = environment(
        primary.url,
        DATABASE_REPLICA_URLS=replica.url,
        REDIS_URL=redis.url,
        ARCHIVE_NO_PAGE_CACHE="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        LOG_FORMAT="json",
    )
    server = Gunicorn(env, workers=2, log=tmp_path_factory.mktemp("gunicorn") / "stderr.log")
    yield primary, replica, redis, server, env
    server.stop()
    redis.stop()
    replica.discard()
    primary.discard()


def published(primary, offset: int) -> tuple[int, str]:
    return primary.sql(
        "SELECT id, slug FROM statements_statement WHERE status = 'published'"
        " AND published_at <= now() ORDER BY id OFFSET %s LIMIT 1",
        offset,
    )


def read_from(server, response) -> str:
    """The database the request read from, as its access log line says."""
    wanted = response.headers["X-Request-ID"]
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for line in server.log_lines():
            if line.get("request_id") == wanted and "read_from" in line:
                return line["read_from"]
        time.sleep(0.05)
    raise AssertionError(f"no access line for {wanted}")


def caught_up(primary, replica) -> None:
    (target,) = primary.sql("SELECT (pg_current_wal_lsn() - '0/0')::bigint")
    deadline = time.monotonic() + 20
    while replica.sql("SELECT (pg_last_wal_replay_lsn() - '0/0')::bigint")[0] < target:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


def test_readers_read_the_replica_and_an_editor_the_primary(site):
    primary, replica, _, server, _ = site
    pk, slug = published(primary, 0)
    page = f"{server.base}/statements/{slug}/"
    caught_up(primary, replica)
    replica.sql("SELECT pg_wal_replay_pause()")
    try:
        # Written past the archive's own paths, so nothing tells the site: the replica, not
        # replaying, keeps the old title, and the primary has the new one.
        primary.sql(
            "UPDATE statements_statement SET title = 'Only on the primary' WHERE id = %s"
            " RETURNING id",
            pk,
        )
        sources = []
        for _ in range(4):  # both workers; the first renders, the others may be cache hits
            answer = requests.get(page, timeout=10)
            assert answer.status_code == 200
            assert "Only on the primary" not in answer.text
            sources.append(read_from(server, answer))
        assert sources[0] == "replica1" and set(sources) <= {"replica1", "none"}
        editor = editor_session(server.base)
        answer = editor.get(page, timeout=10)
        assert answer.status_code == 200 and "Only on the primary" in answer.text
        assert read_from(server, answer) == "default"  # a session: the primary only
    finally:
        replica.sql("SELECT pg_wal_replay_resume()")


def test_a_change_is_never_read_from_a_replica_that_has_not_replayed_it(site):
    primary, replica, _, server, env = site
    _, slug = published(primary, 1)
    page = f"{server.base}/statements/{slug}/"
    caught_up(primary, replica)
    for _ in range(4):  # rendered from the replica and kept by the page cache
        assert requests.get(page, timeout=10).status_code == 200
    replica.sql("SELECT pg_wal_replay_pause()")
    try:
        manage("shell", "-c", RENAME.format(slug=slug, title="Renamed on the primary"), env=env)
        sources = []
        for _ in range(6):
            answer = requests.get(page, timeout=10)
            assert answer.status_code == 200 and "Renamed on the primary" in answer.text
            sources.append(read_from(server, answer))
        # Rendered from the primary, the replica being behind; then served from the cache.
        assert sources[0] == "default" and set(sources) <= {"default", "none"}
    finally:
        replica.sql("SELECT pg_wal_replay_resume()")
    caught_up(primary, replica)
    time.sleep(0.1)  # past BEHIND_PROBE_SECONDS: asked again
    readers = set()
    for path in ("/", "/statements/", "/statements/?page=1&sort=title", "/search/?q=assembly"):
        answer = requests.get(server.base + path, timeout=10)
        assert answer.status_code == 200
        readers.add(read_from(server, answer))
    assert "replica1" in readers
    assert "Renamed on the primary" in requests.get(page, timeout=10).text


def test_a_replica_that_stops_costs_no_request(site):
    _, replica, _, server, _ = site
    seen: list[tuple[int, str]] = []
    stop = threading.Event()

    def load(reader: int) -> None:
        count = 0
        while not stop.is_set():
            count += 1  # a new search each time: rendered, not served from the cache
            answer = requests.get(f"{server.base}/search/?q=strike{reader}x{count}", timeout=15)
            seen.append((answer.status_code, answer.headers.get("X-Request-ID", "")))

    readers = [threading.Thread(target=load, args=(n,)) for n in range(3)]
    for reader in readers:
        reader.start()
    try:
        time.sleep(1.5)
        replica.stop("immediate")
        time.sleep(3)
        # Still ready: the replica is reported, not required.
        ready = requests.get(server.base + "/readyz", timeout=15)
        assert ready.status_code == 200
        assert ready.json()["checks"]["database:replica1"]["ok"] is False
        replica.start()
        time.sleep(7)  # past DOWN_SECONDS: the replica is asked again
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert len(seen) > 50
    assert [status for status, _ in seen if status != 200] == []
    lines = {line.get("request_id"): line for line in server.log_lines()}
    used = [lines[rid].get("read_from") for _, rid in seen if rid in lines]
    assert "default" in used  # while it was away
    assert used[-1] == "replica1"  # and again once it is back
