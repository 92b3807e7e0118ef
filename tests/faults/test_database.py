"""The database restarted under load: errors during the outage only, /readyz says so within
its bound, and the site comes back by itself once the database does, with the same workers
(persistent connections are health-checked, a dropped one is replaced)."""

import json
import threading
import time

import pytest

from tests.faults.servers import Database, Gunicorn, environment, get, manage

pytestmark = pytest.mark.slow
METRICS_TOKEN = "scrape-" + "8c7b6a5d" * 4


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    database = Database("restart")
    env = environment(database.url, ARCHIVE_METRICS_TOKEN=METRICS_TOKEN)
    manage("migrate", "--verbosity", "0", env=env)
    manage("load_demo", env=env)
    server = Gunicorn(env, workers=2, log=tmp_path_factory.mktemp("gunicorn") / "stderr.log")
    yield database, server
    server.stop()
    database.discard()


def test_the_site_survives_a_database_restart(site):
    database, server = site
    assert get(server.base + "/readyz")[0] == 200
    workers = server.worker_pids()
    seen: list[tuple[float, float, int]] = []  # started, ended, status
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            for path in ("/", "/statements/", "/search/?q=library"):
                started = time.monotonic()
                status = get(server.base + path, timeout=15)[0]
                seen.append((started, time.monotonic(), status))

    readers = [threading.Thread(target=load) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        time.sleep(2)
        down_at = time.monotonic()
        database.stop()
        time.sleep(1)
        started = time.monotonic()
        status, _, body = get(server.base + "/readyz")
        assert time.monotonic() - started < 7  # bounded, never a hung probe
        assert status == 503
        assert json.loads(body)["checks"]["database:default"]["ok"] is False
        assert get(server.base + "/healthz")[0] == 200  # alive: no restart wanted
        time.sleep(2)
        database.start()
        up_at = time.monotonic()
        deadline = up_at + 10
        while get(server.base + "/readyz")[0] != 200:
            assert time.monotonic() < deadline, "not ready 10 s after the database came back"
            time.sleep(0.2)
        recovered_at = time.monotonic()
        time.sleep(3)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    before = [status for _, ended, status in seen if ended < down_at]
    during = [status for started, _, status in seen if down_at <= started < recovered_at]
    after = [status for started, _, status in seen if started >= recovered_at]
    assert before and set(before) == {200}
    assert during and set(during) - {200} <= {500, 503}  # errors, never a hang (0)
    assert after and set(after) == {200}, sorted(set(after))
    assert recovered_at - up_at < 10
    assert server.worker_pids() == workers  # no worker had to be replaced


def test_every_log_line_of_a_request_carries_its_id(site):
    database, server = site
    status, headers, _ = get(server.base + "/statements/", headers={"X-Request-ID": "probe-1234"})
    assert status == 200 and headers["X-Request-ID"] == "probe-1234"
    status, headers, _ = get(server.base + "/statements/", headers={"X-Request-ID": "bad id!"})
    assert status == 200 and len(headers["X-Request-ID"]) == 32  # a new one, not the bad one
    # An error of its own (this test may run apart from the restart test, on another
    # process of the suite): a page asked for while the database is away.
    database.stop()
    try:
        failed = get(server.base + "/tags/", headers={"X-Request-ID": "outage-5678"})
    finally:
        database.start()
    assert failed[0] >= 500
    time.sleep(0.5)
    lines = server.log_lines()
    access = [line for line in lines if line.get("logger") == "archive.access"]
    mine = [line for line in access if line.get("request_id") == "probe-1234"]
    assert mine and mine[0]["status"] == 200 and mine[0]["path"] == "/statements/"
    assert {"time", "level", "message", "ms"} <= set(mine[0])
    errors = [line for line in lines if line.get("level") == "ERROR"]
    assert any(line["request_id"] == "outage-5678" for line in errors)
    assert all(line["request_id"] for line in errors)  # every error names its request


def test_metrics_add_up_every_workers_requests_for_the_scraper_only(site):
    _, server = site
    headers = {"Authorization": f"Bearer {METRICS_TOKEN}"}

    def requests_counted() -> float:
        status, _, body = get(server.base + "/metrics", headers=headers)
        assert status == 200
        return sum(
            float(line.rsplit(" ", 1)[1])
            for line in body.decode().splitlines()
            if line.startswith('django_http_requests_total_by_method_total{method="GET"}')
        )

    assert get(server.base + "/metrics")[0] == 404
    assert get(server.base + "/metrics", headers={"Authorization": "Bearer wrong"})[0] == 404
    before = requests_counted()
    for _ in range(40):
        assert get(server.base + "/tags/")[0] == 200
    # Both workers answered some of the 40: only the sum of both counts them all.
    assert requests_counted() - before >= 40
    _, headers_seen, body = get(server.base + "/metrics", headers=headers)
    assert headers_seen["Content-Type"].startswith("text/plain")
    assert b"django_http_requests_latency_seconds_by_view_method_bucket" in body


def test_a_worker_killed_under_load_costs_only_the_requests_it_held(site):
    import os
    import signal

    _, server = site
    seen: list[int] = []
    stop = threading.Event()
    readers_count = 3

    def load() -> None:
        while not stop.is_set():
            seen.append(get(server.base + "/statements/", timeout=15)[0])

    readers = [threading.Thread(target=load) for _ in range(readers_count)]
    for reader in readers:
        reader.start()
    try:
        time.sleep(1.5)
        victim = sorted(server.worker_pids())[0]
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while len(server.worker_pids()) < 2 or victim in server.worker_pids():
            assert time.monotonic() < deadline, "gunicorn did not replace the worker"
            time.sleep(0.1)
        time.sleep(1.5)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    failed = [status for status in seen if status != 200]
    assert len(seen) > 50
    # At most the requests the killed worker was serving: one per reader.
    assert len(failed) <= readers_count, failed
