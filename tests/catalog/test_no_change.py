"""Finding 9 of issue 32: saving the admin's form without changing anything makes no new
version, and a version's "what changed" names exactly what changed."""

import pytest
from django.urls import reverse

from statements.catalog.revisions import statement_revisions

# The same open letter and signed-in editor as the revision tests.
from tests.catalog.test_revisions import admin_form, letter, signed_in  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_saving_without_a_change_makes_no_version(letter, signed_in):
    url = reverse("admin:statements_statement_change", args=[letter.pk])
    before = statement_revisions(statement_id=letter.pk)
    response = signed_in.post(url, admin_form(letter), follow=True)
    assert response.status_code == 200
    assert statement_revisions(statement_id=letter.pk) == before
    assert "Nothing was changed" in response.content.decode()
    changes = signed_in.get("/changes/").content.decode()
    assert changes.count('href="/statements/open-letter-on-rents/history/"') == 1


def test_a_title_edit_is_listed_as_a_title_edit(letter, signed_in):
    url = reverse("admin:statements_statement_change", args=[letter.pk])
    signed_in.post(url, admin_form(letter, title="Open letter on rents, again"))
    revisions = statement_revisions(statement_id=letter.pk)
    assert len(revisions) == 2
    assert revisions[-1].parts == ("text",)
    assert revisions[-1].touched == "title"
    changes = signed_in.get("/changes/").content.decode()
    assert "changed title." in changes
    history = signed_in.get("/statements/open-letter-on-rents/history/").content.decode()
    assert "changed title" in history
