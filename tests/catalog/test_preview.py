"""The editor's Preview: the unsaved form as the public page, with nothing written."""

import pytest
from django.urls import reverse

from statements.catalog.revisions import statement_revisions
from statements.models import Author, Statement, Tag
from tests.catalog.test_revisions import admin_form, new_statement_form
from tests.factories import make_statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return make_statement(
        "Call to the assembly", published=False, authors=["Harbour Collective"], tags=["housing"]
    )


def test_the_preview_shows_the_edits_and_writes_nothing(editor_client, draft):
    url = reverse("admin:statements_statement_preview_change", args=[draft.pk])
    before = (
        Author.objects.count(),
        Tag.objects.count(),
        len(statement_revisions(statement_id=draft.pk)),
    )
    response = editor_client.post(
        url,
        admin_form(
            draft,
            title="Call to the general assembly",
            body="## Where\n\nIn the *square*.",
            tags="housing, new tag",
            signatories_paste="Tenants of Block 9\nAna Ruiz | person",
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Call to the general assembly</h1>" in page and "<em>square</em>" in page
    assert "Preview, not saved" in page and "Tenants of Block 9" in page and "Ana Ruiz" in page
    assert ">new tag<" in page and "Harbour Collective" in page
    draft.refresh_from_db()
    assert draft.title == "Call to the assembly"
    after = (
        Author.objects.count(),
        Tag.objects.count(),
        len(statement_revisions(statement_id=draft.pk)),
    )
    assert after == before


def test_a_new_statement_can_be_previewed(editor_client):
    form = new_statement_form(title="Not yet saved", slug="not-yet-saved", body="Text **here**.")
    response = editor_client.post(reverse("admin:statements_statement_preview"), form)
    assert response.status_code == 200 and "<strong>here</strong>" in response.content.decode()
    assert not Statement.objects.exists()


def test_a_form_with_errors_says_what_to_fix(editor_client, draft):
    url = reverse("admin:statements_statement_preview_change", args=[draft.pk])
    response = editor_client.post(url, admin_form(draft, title="", issued="2025-13"))
    assert response.status_code == 400
    assert "title" in response.content.decode()


def test_readers_and_gets_have_no_preview(client, editor_client, draft):
    url = reverse("admin:statements_statement_preview_change", args=[draft.pk])
    assert client.post(url, admin_form(draft)).status_code == 302  # to the login page
    assert editor_client.get(url).status_code == 404


def test_the_draft_page_links_back_to_the_editor(editor_client, draft):
    page = editor_client.get(draft.get_absolute_url()).content.decode()
    assert reverse("admin:statements_statement_change", args=[draft.pk]) in page


def test_the_editor_has_the_preview_button(editor_client, draft):
    page = editor_client.get(reverse("admin:statements_statement_change", args=[draft.pk]))
    assert 'value="Preview"' in page.content.decode()
    assert f'formaction="/admin/statements/statement/{draft.pk}/preview/"' in page.content.decode()
