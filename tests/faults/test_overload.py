"""More readers than the workers can serve: a real gunicorn (one worker, two threads) with a
low shedding limit answers every request quickly, with the page or a 503, never a timeout."""

import threading
import time

import pytest
import requests

from tests.faults.servers import Database, Gunicorn, environment, site_prepare

pytestmark = pytest.mark.slow


def test_overload_gives_quick_503s_not_timeouts(tmp_path):
    database = Database("overload")
    env = environment(
        database.url,
        ARCHIVE_SHED_AFTER_SECONDS="0.3",
        GUNICORN_THREADS="2",
    )
    site_prepare(env)
    server = Gunicorn(env, workers=1, log=tmp_path / "gunicorn.log")
    seen: list[tuple[int, float]] = []
    try:

        def reader(number: int) -> None:
            for count in range(6):  # a new search each time: rendered, never cached
                started = time.monotonic()
                answer = requests.get(f"{server.base}/search/?q=call{number}x{count}", timeout=20)
                seen.append((answer.status_code, time.monotonic() - started))

        readers = [threading.Thread(target=reader, args=(n,)) for n in range(24)]
        for thread in readers:
            thread.start()
        for thread in readers:
            thread.join()
        # Alone again: served.
        assert requests.get(server.base + "/search/?q=call", timeout=20).status_code == 200
    finally:
        server.stop()
        database.discard()
    statuses = [status for status, _ in seen]
    assert len(seen) == 24 * 6
    assert set(statuses) <= {200, 503}
    assert 503 in statuses and 200 in statuses
    assert max(seconds for _, seconds in seen) < 10  # never near a timeout
