import os

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from tests.factories import make_editor
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
