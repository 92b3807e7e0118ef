import os
import subprocess
import sys

from tests.plugin import ROOT

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "k3y-" + "9f8e7d6c5b4a" * 5,
    "DJANGO_ALLOWED_HOSTS": "archive.example.org",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "ARCHIVE_"))
    }
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
    result = run_manage("check", env={"DJANGO_ALLOWED_HOSTS": "archive.example.org"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    code = "from django.conf import settings; print(settings.DEBUG, settings.SECURE_SSL_REDIRECT)"
    result = run_manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.split()[-2:] == ["False", "True"], result.stderr


def test_bad_boolean_is_a_clear_error():
    result = run_manage("check", env={**PRODUCTION_ENV, "DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr
