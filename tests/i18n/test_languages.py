"""Issue 33, its first part: the interface's languages in the address. English stays at
today's addresses; the others are under their prefix, each page links its alternates (a
switcher that needs no script, and hreflang), and nothing cached in one language is served
in another."""

import lxml.html
import pytest
from django.conf import settings

from tests.factories import make_statement
from tests.test_cache import caching, get  # noqa: F401 (the page cache on, as tested there)

CODES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture
def letter(db):
    return make_statement("Open letter", slug="open-letter", tags=["housing"])


def test_nine_languages_english_first():
    assert CODES == ["en", "uk", "ru", "es", "fr", "de", "zh-hans", "mk", "ar"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "lang", "direction"),
    [("/statements/", "en", "ltr"), ("/uk/statements/", "uk", "ltr"),
     ("/ar/statements/", "ar", "rtl"), ("/zh-hans/statements/", "zh-hans", "ltr")],
)  # fmt: skip
def test_the_address_says_the_interface_language(client, letter, path, lang, direction):
    response = client.get(path)
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    html = page.xpath("/html")[0]
    assert (html.get("lang"), html.get("dir")) == (lang, direction)
    # Links within the page stay in its language.
    (card,) = page.xpath("//li[@class='statement-card']//h3/a")
    prefix = "" if lang == "en" else f"/{lang}"
    assert card.get("href") == f"{prefix}/statements/open-letter/"


@pytest.mark.django_db
def test_a_browser_s_language_never_moves_a_shared_address(client, letter):
    response = client.get("/statements/open-letter/", HTTP_ACCEPT_LANGUAGE="uk,en;q=0.5")
    assert response.status_code == 200
    assert lxml.html.fromstring(response.content).xpath("/html")[0].get("lang") == "en"


@pytest.mark.django_db
def test_every_page_links_its_alternates_and_a_switcher(client, letter):
    page = lxml.html.fromstring(client.get("/uk/statements/open-letter/?x=1").content)
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in page.xpath("//link[@rel='alternate'][@hreflang]")
    }
    assert alternates["en"] == "http://testserver/statements/open-letter/?x=1"
    assert alternates["ar"] == "http://testserver/ar/statements/open-letter/?x=1"
    assert alternates["x-default"] == alternates["en"]
    assert set(alternates) == {*CODES, "x-default"}
    switcher = page.xpath("//nav[@id='languages']//a")
    assert [a.get("hreflang") for a in switcher] == CODES
    assert [a.get("href") for a in switcher if a.get("aria-current")] == [
        "/uk/statements/open-letter/?x=1"
    ]
    assert {a.get("lang") for a in switcher} == set(CODES)


@pytest.mark.django_db
def test_the_admin_and_machine_addresses_stay_where_they_are(client, letter):
    assert client.get("/uk/admin/").status_code == 404
    assert client.get("/api/statements/").status_code == 200
    assert client.get("/oai/?verb=Identify").status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("caching")
def test_no_cached_page_is_served_in_another_language(client, letter):
    english, queries = get(client, "/tags/housing/")
    ukrainian, _ = get(client, "/uk/tags/housing/")
    assert '<html lang="en"' in english.content.decode()
    assert '<html lang="uk"' in ukrainian.content.decode()
    again, queries_again = get(client, "/tags/housing/")
    assert queries_again == 0 < queries  # served from the cache...
    assert again.content == english.content  # ...in its own language
    again_uk, _ = get(client, "/uk/tags/housing/")
    assert again_uk.content == ukrainian.content
