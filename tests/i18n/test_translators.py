"""Translators without git: the "Translators" group edits the catalogs in the admin
(django-rosetta), and nobody else does."""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import override_settings

from statements.admin.translators import TRANSLATORS, can_translate


@pytest.fixture
def catalogs(tmp_path):
    """A copy of the catalogs to write to: the test never changes the committed ones."""
    copy = tmp_path / "locale"
    shutil.copytree(Path(settings.BASE_DIR) / "locale", copy)
    with override_settings(LOCALE_PATHS=[copy]):
        yield copy


@pytest.fixture
def translator(db):
    user = User.objects.create_user("olena", password="a long pass phrase", is_staff=True)
    user.groups.add(Group.objects.get(name=TRANSLATORS))
    return user


@pytest.mark.django_db
def test_only_translators_and_superusers_may_translate(translator):
    editor = User.objects.create_user("ed", is_staff=True)
    boss = User.objects.create_superuser("boss", password="x" * 20)
    assert [can_translate(u) for u in (translator, editor, boss)] == [True, False, True]
    translator.is_active = False
    assert not can_translate(translator)


@pytest.mark.django_db
def test_a_translator_lists_and_edits_a_catalog(client, translator, catalogs):
    client.force_login(translator)
    listing = client.get("/rosetta/files/project/")
    assert listing.status_code == 200
    page = listing.content.decode()
    for name in ("Українська", "العربية", "Македонски"):
        assert name in page
    # The Ukrainian catalog's form, searched for one message; the translation changed.
    catalog = catalogs / "uk" / "LC_MESSAGES" / "django.po"
    entries = polib.pofile(str(catalog))
    target = entries.find("Latest additions")
    assert target.msgstr == "Нещодавно додані"
    # Rosetta numbers a language's catalogs in the order it lists them: the copy's number.
    index = _listed(listing, "uk").index(str(catalog))
    form_url = f"/rosetta/files/project/uk/{index}/"
    form = client.get(form_url, {"query": "Latest additions"})
    assert form.status_code == 200
    field = _field_for(form.content.decode())
    saved = client.post(form_url + "?query=Latest+additions", {field: "Нові надходження"})
    assert saved.status_code in (200, 302)
    assert polib.pofile(str(catalog)).find("Latest additions").msgstr == "Нові надходження"


@pytest.mark.django_db
def test_an_editor_who_is_not_a_translator_is_turned_away(client, catalogs):
    editor = User.objects.create_user("ed", is_staff=True)
    client.force_login(editor)
    response = client.get("/rosetta/files/project/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/admin/login/")


def _listed(response, language: str) -> list[str]:
    """The paths of a language's catalogs, in the order rosetta numbers them (its ``idx``)."""
    paths = re.findall(r"(/\S+/locale/(\w+)/LC_MESSAGES/django\.po)", response.content.decode())
    return [path for path, code in paths if code == language]


def _field_for(html: str) -> str:
    names = re.findall(r'name="(m_[0-9a-f]+)"', html)
    assert len(names) == 1, "one message found, one translation field"
    return names[0]
