"""Authors as authority records: merging two spellings of one author moves every credit,
keeps the merged names as alternative names (which imports then match), and answers the
old address with a 301."""

import pytest
from django.contrib import admin
from django.urls import reverse

from statements.catalog.merging import author_merge
from statements.ingest.services import statement_import
from statements.models import Author, AuthorRedirect, Authorship, Statement
from tests.factories import make_author, make_statement

CHANGELIST = reverse("admin:statements_author_changelist")


@pytest.fixture
def spellings(db):
    kept = make_author("Pëtr Kropotkin", kind="person")
    other = make_author("Peter Kropotkin", kind="person")
    other.alternative_names = "P. Kropotkin\nPëtr Kropotkin"
    other.save()
    both = make_statement("The conquest of bread", authors=["Pëtr Kropotkin", "Peter Kropotkin"])
    signed = make_statement("An appeal to the young", signatories=["Peter Kropotkin"])
    return kept, other, both, signed


@pytest.mark.django_db
class TestAuthorMerge:
    def test_credits_move_names_stay_and_the_old_address_redirects(self, spellings, client):
        kept, other, both, signed = spellings
        old_address = other.get_absolute_url()
        assert client.get(old_address).status_code == 200
        moved = author_merge(authors=[kept, other], into=kept)
        assert moved == 1  # "both" credited the kept author already: one credit, not two
        assert not Author.objects.filter(pk=other.pk).exists()
        assert [a.author for a in both.authorships.all()] == [kept]
        assert [(a.author, a.role) for a in signed.authorships.all()] == [(kept, "signatory")]
        kept.refresh_from_db()
        assert kept.alternative_name_list == ["Peter Kropotkin", "P. Kropotkin"]
        response = client.get(old_address)
        assert response.status_code == 301 and response["Location"] == kept.get_absolute_url()
        # Indexed under the kept name and every spelling it absorbed.
        names = Statement.objects.get(pk=signed.pk).search_names.splitlines()
        assert names == ["Pëtr Kropotkin", "Peter Kropotkin", "P. Kropotkin"]

    def test_a_second_merge_keeps_the_first_redirect_working(self, spellings, client):
        kept, other, _both, _signed = spellings
        third = make_author("Pierre Kropotkine", kind="person")
        make_statement("Paroles d'un révolté", authors=["Pierre Kropotkine"])
        author_merge(authors=[other], into=third)
        author_merge(authors=[third], into=kept)
        assert set(AuthorRedirect.objects.values_list("old_slug", "author")) == {
            (other.slug, kept.pk),
            (third.slug, kept.pk),
        }
        assert client.get(f"/authors/{other.slug}/")["Location"] == kept.get_absolute_url()

    def test_imports_then_find_the_merged_names(self, spellings):
        kept, other, _both, _signed = spellings
        author_merge(authors=[other], into=kept)
        muse = b"#title Law and authority\n#author peter kropotkin\n#lang en\n\nLaw.\n"
        report = statement_import(files=[("law.muse", muse)])
        assert len(report.created) == 1 and Author.objects.count() == 1
        statement = Statement.objects.get(title="Law and authority")
        assert [a.author for a in statement.authorships.all()] == [kept]
        # The same file again: unchanged, the credit written as the archive has it.
        assert len(statement_import(files=[("law.muse", muse)]).unchanged) == 1


@pytest.mark.django_db
class TestAdminMerge:
    def test_a_confirmation_page_shows_both_records_and_every_credit_that_moves(
        self, spellings, editor_client
    ):
        kept, other, _both, signed = spellings
        selected = {"action": "merge", admin.helpers.ACTION_CHECKBOX_NAME: [kept.pk, other.pk]}
        page = editor_client.post(CHANGELIST, selected)
        assert page.status_code == 200
        html = page.content.decode()
        for text in ("Pëtr Kropotkin", "Peter Kropotkin", "P. Kropotkin", signed.title):
            assert text in html
        assert html.count("<td>Author</td>") + html.count("<td>Signatory</td>") == 3
        assert Authorship.objects.filter(author=other).count() == 2  # nothing written yet
        done = editor_client.post(CHANGELIST, {**selected, "into": kept.pk})
        assert done.status_code == 302
        assert list(Author.objects.values_list("name", flat=True)) == ["Pëtr Kropotkin"]
        assert editor_client.get(f"/authors/{other.slug}/").status_code == 301

    def test_one_author_cannot_be_merged(self, spellings, editor_client):
        kept = spellings[0]
        response = editor_client.post(
            CHANGELIST,
            {"action": "merge", admin.helpers.ACTION_CHECKBOX_NAME: [kept.pk]},
            follow=True,
        )
        assert "Select at least two authors to merge." in response.content.decode()
        assert Author.objects.count() == 2


@pytest.mark.django_db
def test_a_merged_spelling_finds_the_statements_in_the_search(spellings, client):
    kept, other, _both, signed = spellings
    author_merge(authors=[other], into=kept)
    found = client.get("/search/", {"q": '"Peter Kropotkin"'}).content.decode()
    assert signed.title in found
    # A statement imported later under the merged spelling is found by both names.
    statement_import(
        files=[("law.muse", b"#title Law and authority\n#author Peter Kropotkin\n\nLaw.\n")]
    )
    new = Statement.objects.get(title="Law and authority")
    assert "Pëtr Kropotkin" in new.search_names and "Peter Kropotkin" in new.search_names
