import os

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import settings as hypothesis_settings

from tests.factories import make_editor, small_archive_build
from tests.profiles import hypothesis_profile

hypothesis_settings.load_profile(hypothesis_profile(os.environ))


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
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield small_archive_build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def archive(small_archive, db):
    """The small archive, for a test that reads it (in a savepoint of its own)."""
    return small_archive


@pytest.fixture
def live_archive(transactional_db):
    """The small archive, committed, for a test that reads it through a live server (in a
    module without ``small_archive``: its open transaction would hide it)."""
    return small_archive_build()
