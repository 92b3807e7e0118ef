"""Redis away with REDIS_URL set: pages are served (uncached) and quickly, an edit made
meanwhile succeeds, and once Redis answers again no page from before the edit is served
(the missed invalidation is kept in the database and paid by the first process back)."""

import html
import subprocess
import sys
import time

import psycopg
import pytest

from tests.faults.servers import RENAME, Database, Gunicorn, Redis, environment, get, manage
from tests.plugin import ROOT

pytestmark = pytest.mark.slow
TOKEN = "scrape-" + "1a2b3c4d" * 4


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    database, redis = Database("redis"), Redis()
    env = environment(
        database.url,
        REDIS_URL=redis.url,
        ARCHIVE_NO_PAGE_CACHE="0",
        ARCHIVE_METRICS_TOKEN=TOKEN,
    )
    manage("migrate", "--verbosity", "0", env=env)
    manage("load_demo", env=env)
    server = Gunicorn(env, workers=2, log=tmp_path_factory.mktemp("gunicorn") / "stderr.log")
    yield database, redis, server, env
    server.stop()
    redis.stop()
    database.discard()


def hits(server) -> float:
    body = get(server.base + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})[2]
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in body.decode().splitlines()
        if line.startswith('archive_page_cache_requests_total{result="hit"}')
    )


def owed(database) -> int:
    with psycopg.connect(database.url) as connection:
        return connection.execute("SELECT count(*) FROM statements_pagecachedebt").fetchone()[0]


def test_pages_edits_and_invalidation_survive_redis_going_away(site):
    database, redis, server, env = site
    with psycopg.connect(database.url) as connection:
        slug, title = connection.execute(
            "SELECT slug, title FROM statements_statement WHERE status = 'published'"
            " AND published_at <= now() ORDER BY id LIMIT 1"
        ).fetchone()
    old = html.escape(title)  # as the page writes it
    page = f"{server.base}/statements/{slug}/"
    for _ in range(6):  # both workers cache it, and serve it from the cache
        assert get(page)[0] == 200
    before = hits(server)
    for _ in range(4):
        assert old.encode() in get(page)[2]
    assert hits(server) > before

    redis.pause()
    try:
        for path in (page, server.base + "/", server.base + "/statements/"):
            started = time.monotonic()
            assert get(path, timeout=10)[0] == 200
            assert time.monotonic() - started < 3  # a bounded wait, then no more waiting
        rename = RENAME.format(slug=slug, title="Renamed while Redis was away")
        edit = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-c", rename],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert edit.returncode == 0, edit.stderr[-2000:]
        assert owed(database) == 1
        status, _, body = get(page)
        assert status == 200 and b"Renamed while Redis was away" in body
        time.sleep(1.2)
    finally:
        redis.resume()
    # From the moment Redis answers, never the page from before the edit.
    deadline = time.monotonic() + 12
    while time.monotonic() < deadline:
        status, _, body = get(page)
        assert status == 200 and b"Renamed while Redis was away" in body
        assert old.encode() not in body
        time.sleep(0.05)
    assert owed(database) == 0  # paid by the first process back
    before = hits(server)
    for _ in range(4):
        get(page)
    assert hits(server) > before  # and the cache serves again
