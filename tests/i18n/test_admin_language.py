"""Editors work in their own language: the admin follows the language they choose in its
header (or their browser's), never the readers' pages; and every page of the admin that is
ours shows no unmarked English word in the pseudo-locale."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from statements.core.languages import language_names
from statements.core.locales import babel_locale
from statements.models import Author, DuplicatePair, SourceLink, Tag
from tests.factories import make_statement, make_suppressor
from tests.i18n.pseudo import PSEUDO
from tests.i18n.test_pseudo import (  # noqa: F401 (fixtures)
    CLDR_WORDS,
    content,
    leftovers,
    pseudo_locale,
)


@pytest.fixture
def suppressor_client(db):
    browser = Client()
    browser.force_login(make_suppressor())
    return browser


@pytest.mark.django_db
def test_the_admin_speaks_the_language_the_editor_chose(suppressor_client):
    make_statement("Лист", language="uk")
    url = reverse("admin:statements_statement_changelist")
    assert "Select statement to change" in suppressor_client.get(url).content.decode()
    # The chooser in the header: Django's set_language, a cookie, back to the same page.
    chosen = suppressor_client.post("/i18n/setlang/", {"language": "uk", "next": url})
    assert chosen.status_code == 302 and chosen["Location"] == url
    page = suppressor_client.get(url)
    assert page["Content-Language"] == "uk"
    html = page.content.decode()
    assert '<html lang="uk"' in html
    assert "Імпортувати файли" in html  # ours
    assert "Виберіть заява для зміни" in html or "заява" in html  # Django's, with our model name
    # The readers' pages keep their addresses' language whatever the cookie says.
    public = suppressor_client.get("/statements/").content.decode()
    assert '<html lang="en"' in public


@pytest.mark.django_db
def test_without_a_choice_the_browser_s_language(suppressor_client):
    url = reverse("admin:statements_statement_changelist")
    page = suppressor_client.get(url, HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5")
    assert page["Content-Language"] == "ar"
    assert 'dir="rtl"' in page.content.decode()


def admin_pages(statement) -> list[str]:
    author = Author.objects.filter(authorships__statement=statement).first()
    tag = Tag.objects.first()
    link = SourceLink.objects.first()
    pages = [
        reverse("admin:statements_statement_changelist"),
        reverse("admin:statements_statement_change", args=[statement.pk]),
        reverse("admin:statements_statement_add"),
        reverse("admin:statements_statement_history", args=[statement.pk]),
        reverse("admin:statements_statement_revision", args=[statement.pk, 1]),
        reverse("admin:statements_statement_take_down", args=[statement.pk]),
        reverse("admin:statements_statement_import"),
        reverse("admin:statements_author_changelist"),
        reverse("admin:statements_author_change", args=[author.pk]),
        reverse("admin:statements_author_remove", args=[author.pk]),
        reverse("admin:statements_tag_changelist"),
        reverse("admin:statements_tag_change", args=[tag.pk]),
        reverse("admin:statements_importedfile_changelist"),
        reverse("admin:statements_redaction_changelist"),
        reverse("admin:statements_sourcelink_changelist"),
    ]
    if link is not None:
        pages.append(reverse("admin:statements_sourcelink_change", args=[link.pk]))
    other = make_statement("Копія листа", slug="kopiya", language="uk", body="Текст листа.")
    first, second = sorted((statement.pk, other.pk))
    pair, _made = DuplicatePair.objects.get_or_create(
        first_id=first, second_id=second, defaults={"similarity": 0.9, "kind": "duplicate"}
    )
    pages.append(reverse("admin:statements_duplicatepair_changelist"))
    pages.append(reverse("admin:statements_duplicatepair_change", args=[pair.pk]))
    return pages


# Django's own words the pseudo-locale cannot reach: its apps' and models' names, and the
# search icon's alt text (written in English in Django's admin/search_form.html).
DJANGO_WORDS = {"Authentication", "Authorization", "Groups", "Users", "Group", "Search"}


@pytest.mark.django_db
def test_no_admin_page_of_ours_has_an_unmarked_word(content, pseudo_locale):  # noqa: F811
    browser = Client()
    browser.force_login(make_suppressor())
    browser.cookies["django_language"] = PSEUDO
    allowed = {"Taken", "down", "UTC", "YYYY", "MM", "DD", "HH", "SS", "Q", *DJANGO_WORDS}
    allowed |= set(settings.ARCHIVE_NAME.split()) | {"suppressor", "unrecorded", "uk"}
    # Data, not our words: languages' names (ISO's, in English where CLDR falls back to it)
    # and CLDR's month names.
    names = language_names()
    allowed |= {word for name in names.values() for word in re.findall(r"[A-Za-z]{2,}", name)}
    allowed |= set(names)
    cldr = babel_locale("en").languages.values()
    allowed |= {word for name in cldr for word in re.findall(r"[A-Za-z]{2,}", name)}
    allowed |= CLDR_WORDS
    problems = {}
    for url in admin_pages(content):
        response = browser.get(url)
        assert response.status_code == 200, url
        html = re.sub(
            r'<select id="admin-language".*?</select>', "", response.content.decode(), flags=re.S
        )
        found = leftovers(html, allowed)
        if found:
            problems[url] = sorted(set(found))
    assert problems == {}, "\n".join(f"{url}: {words}" for url, words in problems.items())
