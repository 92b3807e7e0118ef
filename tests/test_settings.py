import os
import subprocess
import sys
from pathlib import Path

import pytest

from archive.environment import environ_without_settings
from tests.faults.servers import collected_static
from tests.plugin import ROOT

PRODUCTION_ENV = {
    "SECRET_KEY": "k3y-" + "9f8e7d6c5b4a" * 5,
    "ALLOWED_HOSTS": "archive.example.org",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = environ_without_settings(os.environ)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DATABASE_URL": os.environ["DATABASE_URL"], **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_missing_secret_key_refuses_to_start_in_production():
    result = run_manage("check", env={"ALLOWED_HOSTS": "archive.example.org"})
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_debug_is_off_unless_asked_for():
    code = "from django.conf import settings; print(settings.DEBUG, settings.SECURE_SSL_REDIRECT)"
    result = run_manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.split()[-2:] == ["False", "True"], result.stderr


def test_bad_boolean_is_a_clear_error():
    result = run_manage("check", env={**PRODUCTION_ENV, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _test_database_url() -> str:
    """DATABASE_URL, pointed at the migrated test database pytest-django created."""
    from django.db import connection

    url = os.environ["DATABASE_URL"]
    return url[: url.rindex("/") + 1] + connection.settings_dict["NAME"]


@pytest.mark.slow
def test_gunicorn_alone_serves_pages_and_hashed_compressed_static(db):
    import time
    import urllib.error
    import urllib.request

    # The production collection the fault tests share (collected once a run, by whichever
    # worker asks first): the same settings, and about 20 s of compression paid once.
    static_root = Path(collected_static())
    env = {
        **PRODUCTION_ENV,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        # Plain http on loopback: no TLS terminator in front of this test server.
        "SECURE_SSL_REDIRECT": "0",
    }
    manifest = (static_root / "staticfiles.json").read_text()
    hashed = next(p for p in (static_root / "css").glob("archive.*.css"))
    assert hashed.name in manifest
    assert hashed.with_name(hashed.name + ".gz").exists()
    assert hashed.with_name(hashed.name + ".br").exists()

    port = _free_port()
    base = environ_without_settings(os.environ)
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "archive.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env={**base, "DATABASE_URL": _test_database_url(), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                home = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except urllib.error.HTTPError as error:
                server.terminate()
                log = server.communicate(timeout=10)[1].decode()[-3000:]
                raise AssertionError(f"home page answered {error.code}: {log}") from error
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.2)
        html = home.read().decode()
        assert f"/static/css/{hashed.name}" in html
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/static/css/{hashed.name}",
            headers={"Accept-Encoding": "gzip"},
        )
        css = urllib.request.urlopen(request, timeout=5)  # noqa: S310
        assert css.status == 200
        assert css.headers["Content-Encoding"] == "gzip"
        assert "immutable" in css.headers["Cache-Control"]
        # (HSTS goes out on https requests only, so it cannot show on this loopback server.)
        assert home.headers["X-Content-Type-Options"] == "nosniff"
        assert home.headers["X-Frame-Options"] == "DENY"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.django_db
def test_database_connections_run_without_jit():
    """Short queries only: JIT compilation cost more than it saved (see archive/settings.py)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_ci_draws_the_same_hypothesis_examples_every_run():
    import os

    from hypothesis import settings

    from tests.profiles import hypothesis_profile

    assert hypothesis_profile({"CI": "true"}) == "ci"
    assert hypothesis_profile({}) == "default"
    assert hypothesis_profile({"CI": "true", "HYPOTHESIS_PROFILE": "thorough"}) == "thorough"
    assert settings.get_profile("ci").derandomize is True
    assert settings.get_profile("thorough").max_examples == 5000
    # The profile this run loaded is the one its environment asks for.
    assert settings.default == settings.get_profile(hypothesis_profile(os.environ))


@pytest.mark.parametrize(
    "url", ["/", "/statements/?year=abc", "/nothing/", "/api/statements/", "/oai/", "/admin/"]
)
def test_a_spoofed_host_is_a_400_not_a_500(db, settings, url):
    from django.test import Client

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["archive.example.org"]
    response = Client(raise_request_exception=False).get(url, HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert b"evil.example.com" not in response.content


@pytest.mark.slow
def test_half_sent_requests_do_not_stall_the_site(db):
    """Twice as many clients as workers start a request and never finish it; a reader's
    request still answers, long before the worker timeout. (With gunicorn's sync workers,
    the README's command before archive/gunicorn.py, it waited for the worker timeout.)
    The timeout is set at 120 s and the answer allowed 30: a loaded machine slows the
    answer by seconds at most, a stall takes the whole timeout."""
    import socket
    import time
    import urllib.request

    port = _free_port()
    base = environ_without_settings(os.environ)
    env = {
        **PRODUCTION_ENV,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "GUNICORN_TIMEOUT": "120",
    }
    workers = 2
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", "python:archive.gunicorn", "archive.wsgi",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=ROOT,
        env={**base, "DATABASE_URL": _test_database_url(), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    slow = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        for _ in range(workers * 2):
            client = socket.create_connection(("127.0.0.1", port))
            client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # never ended
            slow.append(client)
        time.sleep(0.5)  # let the server take them up
        started = time.monotonic()
        answer = urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=60)
        assert answer.status == 200
        assert time.monotonic() - started < 30
    finally:
        for client in slow:
            client.close()
        server.terminate()
        server.wait(timeout=10)
