"""Issue 32, findings 11 and 12: finding statements by tag, author or date in the admin,
and signatories' kinds guessed better and changed in one click after a paste."""

import lxml.html
import pytest
from django.urls import reverse

from statements.core.names import author_kind
from statements.models import Author, Statement
from tests.factories import make_statement
from tests.test_admin import statement_post

CHANGELIST = reverse("admin:statements_statement_changelist")


def listed(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()[:500]
    page = lxml.html.fromstring(response.content.decode())
    return sorted(
        " ".join(a.text_content().split()) for a in page.xpath("//th[@class='field-title']/a")
    )


@pytest.mark.django_db
class TestFindingStatements:
    def test_the_tag_filter_reaches_every_tag_by_name(self, editor_client):
        for number in range(45):
            make_statement(f"Common {number}", tags=[f"common {number}"] * 1)
        make_statement("Rare one", tags=["rare tag"])
        page = editor_client.get(CHANGELIST).content.decode()
        assert '<option value="rare tag">' in page  # the box completes every tag's name
        assert listed(editor_client.get(CHANGELIST, {"tag": "Rare Tag"})) == ["Rare one"]
        assert listed(editor_client.get(CHANGELIST, {"tag": "rare-tag"})) == ["Rare one"]
        assert listed(editor_client.get(CHANGELIST, {"tag": "no such tag"})) == []

    def test_tag_and_author_pages_link_their_statements(self, editor_client):
        statement = make_statement("Against evictions", authors=["Night Shelter Collective"],
                                   tags=["housing"])  # fmt: skip
        make_statement("Something else")
        author = Author.objects.get(name="Night Shelter Collective")
        tag = statement.tags.get()
        by_author = "author=night-shelter-collective"
        for page_url, link in (
            (reverse("admin:statements_author_change", args=[author.pk]), by_author),
            (reverse("admin:statements_tag_change", args=[tag.pk]), "tag=housing"),
            (reverse("admin:statements_author_changelist"), by_author),
            (reverse("admin:statements_tag_changelist"), "tag=housing"),
        ):
            page = editor_client.get(page_url).content.decode()
            assert f'href="{CHANGELIST}?{link}">1 statement</a>' in page, page_url
            assert listed(editor_client.get(f"{CHANGELIST}?{link}")) == ["Against evictions"]

    def test_the_search_box_understands_dates(self, editor_client):
        make_statement("March call", issued="2025-03-08")
        make_statement("Month only", issued="2025-03")
        make_statement("Year only", issued="2025")
        make_statement("April call", issued="2025-04-02")
        assert listed(editor_client.get(CHANGELIST, {"q": "March 2025"})) == [
            "March call",
            "Month only",
        ]
        assert listed(editor_client.get(CHANGELIST, {"q": "2025"})) == [
            "April call",
            "March call",
            "Month only",
            "Year only",
        ]
        assert listed(editor_client.get(CHANGELIST, {"q": "8 March 2025"})) == ["March call"]

    def test_the_date_drill_down_keeps_a_year_alone_apart(self, editor_client):
        make_statement("March call", issued="2025-03-08")
        make_statement("Year only", issued="2025")
        make_statement("Old", issued="1998")
        page = editor_client.get(CHANGELIST, {"date": "2025"}).content.decode()
        assert "March 2025" in page and "2025, no month" in page and "January 2025" not in page
        assert listed(editor_client.get(CHANGELIST, {"date": "2025"})) == [
            "March call",
            "Year only",
        ]
        assert listed(editor_client.get(CHANGELIST, {"date": "2025-03"})) == ["March call"]
        assert listed(editor_client.get(CHANGELIST, {"date": "2025-01"})) == []
        assert listed(editor_client.get(CHANGELIST, {"date": "2025-year"})) == ["Year only"]
        assert listed(editor_client.get(CHANGELIST, {"date": "junk"})) == []


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Night Shelter Food Bank", "collective"),
        ("Linden Street Initiative", "collective"),
        ("Комітет солідарності", "collective"),
        ("Спілка орендарів", "collective"),
        ("Колектив Скопје", "collective"),
        ("Red Rosa Network", "collective"),
        ("Melissa Bank", "person"),
        ("Ana Ruiz", "person"),
    ],
)
def test_kinds_are_guessed_from_organisation_words(name, kind):
    assert author_kind(name) == kind


@pytest.mark.django_db
def test_after_a_paste_the_new_authors_are_listed_with_a_one_click_change(editor_client):
    response = editor_client.post(
        reverse("admin:statements_statement_add"),
        statement_post(signatories_paste="Night Shelter Food Bank\nAna Ruiz"),
        follow=True,
    )
    page = response.content.decode()
    assert "New in the archive, with the kind guessed from each name" in page
    assert "Night Shelter Food Bank — Collective (guessed)" in page
    assert "Ana Ruiz — Person (guessed)" in page
    ana = Author.objects.get(name="Ana Ruiz")
    action = reverse("admin:statements_author_kind", args=[ana.pk])
    form = lxml.html.fromstring(page).xpath(f"//form[@action='{action}']")[0]
    data = {field.name: field.value for field in form.xpath(".//input")}
    assert data["kind"] == "collective"
    back = editor_client.post(action, data)
    assert back.status_code == 302 and back["Location"] == data["next"]
    ana.refresh_from_db()
    assert ana.kind == "collective"
    assert editor_client.get(action).status_code == 405
    assert editor_client.post(action, {"kind": "alien"}).status_code == 400
    statement = Statement.objects.get()
    assert statement.authorships.count() == 2


ENGLISH = (
    "The tenants of the four towers met on Sunday and decided to stop paying rent until the "
    "heating is repaired. Nobody will pay alone and nobody will be evicted alone."
)


@pytest.mark.django_db
class TestLanguagePicker:
    """Finding 15: 185 options and "Unknown" by default."""

    def test_the_archive_s_languages_come_first(self, editor_client):
        for _ in range(2):
            make_statement(language="mk")
        make_statement(language="en")
        page = lxml.html.fromstring(
            editor_client.get(reverse("admin:statements_statement_add")).content
        )
        groups = page.xpath("//select[@name='language']/optgroup")
        assert [g.get("label") for g in groups] == ["Languages of the archive", "Every language"]
        assert [o.get("value") for o in groups[0].xpath("option")] == ["mk", "en"]
        assert "mk" not in [o.get("value") for o in groups[1].xpath("option")]

    def test_a_statement_without_a_language_is_offered_its_text_s(self, editor_client):
        statement = make_statement("No language", language="", body=ENGLISH)
        url = reverse("admin:statements_statement_change", args=[statement.pk])
        page = lxml.html.fromstring(editor_client.get(url).content)
        (chosen,) = page.xpath("//select[@id='id_language']//option[@selected]")
        assert chosen.get("value") == "en"
        assert "Detected from the text" in page.text_content()

    def test_a_new_text_left_unknown_gets_the_language_it_is_in(self, editor_client):
        editor_client.post(
            reverse("admin:statements_statement_add"), statement_post(language="", body=ENGLISH)
        )
        assert Statement.objects.get().language == "en"
