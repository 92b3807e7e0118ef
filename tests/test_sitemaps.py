"""The sitemap index, its sections and robots.txt, read by ultimate-sitemap-parser from a live
server, the way a crawler finds them."""

import datetime

import pytest
from django.utils import timezone
from lxml import etree
from usp.tree import sitemap_tree_for_homepage

from statements.interop.sitemaps import StatementSitemap
from tests.factories import make_statement, query_counts

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _archive():
    make_statement(
        "Rent strike now",
        slug="rent-strike-now",
        issued="2025-03",
        authors=["Harbour Collective"],
        tags=["housing"],
    )
    make_statement("Old call", slug="old-call", issued="1999", authors=["Dock Union"])
    make_statement("Undated", slug="undated", tags=["ecology"])
    make_statement(
        "Secret draft", slug="secret-draft", published=False, authors=["Hidden"], tags=["leak"]
    )
    make_statement(
        "Scheduled one",
        slug="scheduled-one",
        issued="1980",
        published_at=timezone.now() + datetime.timedelta(days=2),
        authors=["Hidden"],
        tags=["leak"],
    )


@pytest.fixture
def archive(db):
    _archive()


@pytest.fixture
def live_archive(transactional_db):
    _archive()


def test_crawler_finds_every_public_page_through_robots_txt(live_server, live_archive, monkeypatch):
    # Two statements per page, so that the statements section is split into pages.
    monkeypatch.setattr(StatementSitemap, "limit", 2)
    tree = sitemap_tree_for_homepage(live_server.url + "/", use_known_paths=False)
    pages = {page.url.removeprefix(live_server.url): page for page in tree.all_pages()}
    assert set(pages) == {
        "/",
        "/statements/",
        "/authors/",
        "/tags/",
        "/archive/",
        "/statements/rent-strike-now/",
        "/statements/old-call/",
        "/statements/undated/",
        "/authors/harbour-collective/",
        "/authors/dock-union/",
        "/tags/housing/",
        "/tags/ecology/",
        "/archive/1999/",
        "/archive/2025/",
    }
    assert all(page.last_modified is not None for page in pages.values())
    sections = [s.url.removeprefix(live_server.url) for s in tree.all_sitemaps()]
    assert "/sitemap.xml" in sections
    assert "/sitemap-statements.xml?p=2" in sections


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
    assert found == expected
    for path in expected:
        assert client.get(path).status_code == 200
