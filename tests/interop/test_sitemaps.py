"""The sitemap index, its sections and robots.txt, read by ultimate-sitemap-parser from a live
server, the way a crawler finds them."""

import pytest
from django.utils import timezone
from lxml import etree

from tests.factories import make_statement, query_counts

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def test_index_has_lastmod_per_section(client, archive):
    root = etree.fromstring(client.get("/sitemap.xml").content)
    assert root.tag == f"{SITEMAP}sitemapindex"
    entries = root.findall(f"{SITEMAP}sitemap")
    assert len(entries) == 5
    for entry in entries:
        assert entry.find(f"{SITEMAP}lastmod").text.startswith(str(timezone.now().year))


@pytest.mark.parametrize("section", ["pages", "statements", "authors", "tags", "years"])
def test_sections_never_list_drafts_or_scheduled(client, archive, section):
    body = client.get(f"/sitemap-{section}.xml").content.decode()
    assert "<url>" in body
    for secret in ("secret-draft", "scheduled-one", "/authors/hidden/", "/tags/leak/", "1980"):
        assert secret not in body


@pytest.mark.parametrize(
    "url", ["/sitemap-nothing.xml", "/sitemap-statements.xml?p=9", "/sitemap-statements.xml?p=x"]
)
def test_unknown_sections_and_pages_are_404(client, archive, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-statements.xml", "/sitemap-tags.xml"])
def test_sitemap_query_count_is_constant(client, archive, url):
    def grow():
        for n in range(4):
            make_statement(f"More {n}", authors=[f"Group {n}"], tags=[f"tag {n}"])

    before, after = query_counts(client, url, grow=grow)
    assert before == after


def test_addresses_are_those_reverse_gives_non_latin_slugs_included(client, db):
    statement = make_statement(
        "Жилищная стачка", slug="жилищная-стачка", authors=["住房 集体"], tags=["住房"]
    )
    author = statement.authorships.get().author
    tag = statement.tags.get()
    expected = {statement.get_absolute_url(), author.get_absolute_url(), tag.get_absolute_url()}
    assert all("%" in path for path in expected)  # percent-encoded, as reverse() writes them
    found = set()
    for section in ("statements", "authors", "tags"):
        root = etree.fromstring(client.get(f"/sitemap-{section}.xml").content)
        found |= {loc.text.removeprefix("http://testserver") for loc in root.iter(f"{SITEMAP}loc")}
    # (The small archive, where another test of this module built it, is listed too.)
    assert {path for path in found if "%" in path} == expected
    for path in expected:
        assert client.get(path).status_code == 200


def test_every_address_lists_its_alternates_in_every_language(client, db):
    """Issue 33: the same page in each interface language, and English as x-default."""
    from django.conf import settings

    make_statement("Open letter", slug="open-letter")
    for url in ("/sitemap-statements.xml", "/uk/sitemap-statements.xml"):  # the same from both
        root = etree.fromstring(client.get(url).content)
        (entry,) = [
            e
            for e in root.findall(f"{SITEMAP}url")
            if "open-letter" in e.find(f"{SITEMAP}loc").text
        ]
        assert entry.find(f"{SITEMAP}loc").text == "http://testserver/statements/open-letter/"
        links = {
            link.get("hreflang"): link.get("href")
            for link in entry.findall("{http://www.w3.org/1999/xhtml}link")
        }
        assert set(links) == {code for code, _ in settings.LANGUAGES} | {"x-default"}
        assert links["ar"] == "http://testserver/ar/statements/open-letter/"
        assert links["x-default"] == links["en"] == "http://testserver/statements/open-letter/"
        # Each alternate is a page that answers.
        assert client.get(links["zh-hans"].removeprefix("http://testserver")).status_code == 200
