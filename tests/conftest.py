import json
import os
import shutil
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from tests.factories import make_editor, module_transaction, small_archive_build
from tests.plugin import ROOT
from tests.profiles import hypothesis_profile

hypothesis_settings.load_profile(hypothesis_profile(os.environ))


@pytest.fixture(scope="session")
def _copies_listing(tmp_path_factory) -> Path:
    """A folder of copies listing one of each kind, as a running archive's does."""
    from statements.copies.publish import KINDS, MANIFEST, file_names

    root = tmp_path_factory.mktemp("copies")
    listed = {
        kind: {"kind": kind, "file": file_names()[kind], "made_at": "2026-12-01T04:15:00+00:00",
               "bytes": 123_456_789, "sha256": "" if kind == "git" else "ab12" * 16,
               "summary": "", "head": "c0ffee" * 6 + "c0ff" if kind == "git" else ""}
        for kind in KINDS
    }  # fmt: skip
    (root / MANIFEST).write_text(json.dumps(listed), encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def _copies_root(settings, _copies_listing):
    """Pages read the copies' list from a folder of the tests' own, never the checkout's
    (where a developer's `publish_copies` would change what they see)."""
    settings.ARCHIVE_COPIES_ROOT = _copies_listing


@pytest.fixture(autouse=True)
def _interface_language_reset():
    """Each test starts in English: a page asked under /uk/ leaves Ukrainian active in the
    thread that served it (the test's own, with the test client), as servers do between
    requests that each set their own."""
    yield
    translation.deactivate()


@pytest.fixture
def editor(db):
    return make_editor()


@pytest.fixture
def editor_client(editor):
    """A browser signed in as a member of Editors (separate from the anonymous ``client``)."""
    browser = Client()
    browser.force_login(editor)
    return browser


@pytest.fixture(scope="module")
def small_archive(django_db_setup, django_db_blocker):
    """The small archive (factories.small_archive_build), built once per module for tests that
    only read it, and rolled back after the module. Each test still runs in its own savepoint
    (it takes ``db``), so what one test adds is gone for the next."""
    with module_transaction(django_db_blocker):
        yield small_archive_build()


@pytest.fixture
def archive(small_archive, db):
    """The small archive, for a test that reads it (in a savepoint of its own)."""
    return small_archive


@pytest.fixture
def live_archive(transactional_db):
    """The small archive, committed, for a test that reads it through a live server (in a
    module without ``small_archive``: its open transaction would hide it)."""
    return small_archive_build()


# Chromium for the browser tests: one per test process, shared by every module that drives
# it (Playwright's sync API cannot be started twice in one thread).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests may run as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # This machine has no network beyond package registries: keep Chromium from calling out.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _browser_missing() -> str:
    if not Path(CHROMIUM).exists():
        return "Debian's chromium is not installed (make test installs it where it can: apt-get)"
    if not BROWSER_AXE.exists():
        return "axe-core is not installed (make test runs npm ci)"
    return ""


@pytest.fixture(scope="session")
def browser():
    reason = _browser_missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"Browser tests cannot run under CI: {reason}")
        pytest.skip(f"BROWSER TESTS SKIPPED: {reason}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which Django's ORM
    # guard takes for async code; the tests' ORM calls are plain synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
