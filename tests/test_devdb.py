import os

import psycopg
import pytest

from archive.devdb import embedded_database_url, embedded_server_stop
from tests.plugin import ROOT


@pytest.fixture
def empty_folder():
    folder = ROOT / f".pgtest-{os.getpid()}-fresh"
    assert not folder.exists()
    yield folder
    embedded_server_stop(folder)


def test_embedded_database_starts_from_an_empty_folder(empty_folder):
    url = embedded_database_url(empty_folder, throwaway=True)
    assert (empty_folder / "PG_VERSION").read_text().strip() == "18"
    import dj_database_url

    params = dj_database_url.parse(url)
    with psycopg.connect(
        host=params["HOST"], port=params["PORT"], user=params["USER"], dbname=params["NAME"]
    ) as conn:
        conn.execute("CREATE EXTENSION pg_trgm")
        conn.execute("CREATE EXTENSION unaccent")
        assert conn.execute("SELECT unaccent('résumé')").fetchone() == ("resume",)
        assert conn.execute("SELECT similarity('archive', 'archives') > 0.5").fetchone() == (True,)
    embedded_server_stop(empty_folder)
    assert not empty_folder.exists()


HOLDER = """
import signal, subprocess, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from archive.devdb import embedded_database_url

folder = Path({folder!r})
embedded_database_url(folder)
# A second process holding the server, killed outright, as runserver's reloader kills its
# child when SIGTERM ends it.
child = subprocess.Popen([sys.executable, "-c", {child!r}])
handles = folder / ".handle_pids.json"
while str(child.pid) not in (handles.read_text() if handles.exists() else ""):
    time.sleep(0.1)
child.kill()
child.wait()
signal.signal(signal.SIGTERM, lambda *args: sys.exit(0))  # as Django's reloader does
print("ready", flush=True)
time.sleep(120)
"""

CHILD = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from archive.devdb import embedded_database_url
embedded_database_url(Path({folder!r}))
time.sleep(120)
"""


@pytest.mark.slow
def test_sigterm_stops_the_embedded_server_with_make_run():
    """Finding 37 of issue 32: `make run` stopped by SIGTERM left PostgreSQL running."""
    import signal
    import subprocess
    import sys
    import time

    from archive.devdb import embedded_server_discard

    folder = ROOT / f".pgtest-{os.getpid()}-term"
    child = CHILD.format(root=str(ROOT), folder=str(folder))
    script = HOLDER.format(root=str(ROOT), folder=str(folder), child=child)
    holder = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        assert (folder / "postmaster.pid").exists()
        holder.send_signal(signal.SIGTERM)
        holder.wait(timeout=60)
        deadline = time.monotonic() + 30
        while (folder / "postmaster.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not (folder / "postmaster.pid").exists(), "the server is still running"
    finally:
        holder.kill()
        embedded_server_discard(folder)
