import pytest
from django.test import Client

from tests.factories import make_editor


@pytest.fixture
def editor(db):
    return make_editor()


@pytest.fixture
def editor_client(editor):
    """A browser signed in as a member of Editors (separate from the anonymous ``client``)."""
    browser = Client()
    browser.force_login(editor)
    return browser
