"""The OPDS 1.2 catalogue, read by feedparser and checked for the rels and media types OPDS
clients look for."""

import feedparser
import pytest
from lxml import etree

from statements.interop import opds
from tests.factories import query_counts, small_archive_grow

ATOM = "{http://www.w3.org/2005/Atom}"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
CATALOGUES = [
    "/opds/",
    "/opds/latest/",
    "/opds/tags/",
    "/opds/tags/housing/",
    "/opds/authors/",
    "/opds/authors/harbour-collective/",
    "/opds/search/?q=rent",
]


def read(client, url: str, kind: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == f"{kind};charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed, etree.fromstring(response.content)


def rels(links) -> dict[str, str]:
    return {link.rel: link.type for link in links}


def test_root_is_a_navigation_feed(client, archive):
    parsed, root = read(client, "/opds/", NAVIGATION)
    feed_rels = rels(parsed.feed.links)
    assert feed_rels["self"] == NAVIGATION
    assert feed_rels["start"] == NAVIGATION
    assert feed_rels["search"] == "application/opensearchdescription+xml"
    entries = {e.title: rels(e.links) for e in parsed.entries}
    assert entries == {
        "Latest statements": {"http://opds-spec.org/sort/new": ACQUISITION},
        "By tag": {"subsection": NAVIGATION},
        "By author": {"subsection": NAVIGATION},
    }
    for entry in root.iter(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "content"):
            assert entry.find(ATOM + name) is not None


def test_acquisition_entries_link_every_download(client, archive):
    parsed, _root = read(client, "/opds/tags/housing/", ACQUISITION)
    assert rels(parsed.feed.links)["up"] == NAVIGATION
    entry = next(e for e in parsed.entries if e.title == "Rent strike now")
    assert [a.name for a in entry.authors] == ["Harbour Collective"]
    assert entry.id.startswith("tag:testserver,2026:statement/")
    assert entry.summary == "Stop paying rent."
    assert [t.term for t in entry.tags] == ["housing", "rent"]
    downloads = [(link.type, link.href) for link in entry.links if link.rel == OPEN_ACCESS]
    assert downloads == [
        ("application/epub+zip", "http://testserver/statements/rent-strike-now.epub"),
        ("application/pdf", "http://testserver/statements/rent-strike-now.pdf"),
        ("text/markdown", "http://testserver/statements/rent-strike-now.md"),
        ("text/plain", "http://testserver/statements/rent-strike-now.muse"),
        ("text/plain", "http://testserver/statements/rent-strike-now.txt"),
        ("application/json", "http://testserver/statements/rent-strike-now.json"),
    ]
    for _type, href in downloads:
        response = client.get(href.removeprefix("http://testserver"))
        assert response.status_code == 200
        assert response["Content-Type"].split(";")[0] == _type
    alternate = [link.href for link in entry.links if link.rel == "alternate"]
    assert alternate == ["http://testserver/statements/rent-strike-now/"]


def test_navigation_by_tag_and_author(client, archive):
    parsed, _ = read(client, "/opds/tags/", NAVIGATION)
    assert [(e.title, e.content[0].value) for e in parsed.entries] == [
        ("ecology", "1 statement"),
        ("housing", "3 statements"),
        ("rent", "2 statements"),
    ]
    assert rels(parsed.entries[0].links) == {"subsection": ACQUISITION}
    parsed, _ = read(client, "/opds/authors/", NAVIGATION)
    assert [e.title for e in parsed.entries] == [
        "Dock Union",
        "Group A",
        "Harbour Collective",
        "Other Collective",
    ]
    # Harbour Collective also signs the draft and the scheduled statement: not listed.
    parsed, _ = read(client, "/opds/authors/harbour-collective/", ACQUISITION)
    assert sorted(e.title for e in parsed.entries) == ["Rent strike now", "Sample 1", "Year only"]


def test_paging_links(client, archive, monkeypatch):
    monkeypatch.setattr(opds, "ACQUISITION_PAGE", 1)
    parsed, _ = read(client, "/opds/latest/", ACQUISITION)
    assert rels(parsed.feed.links)["next"] == ACQUISITION
    assert parsed.feed.opensearch_totalresults == "6"
    parsed, _ = read(client, "/opds/latest/?page=6", ACQUISITION)
    feed_rels = rels(parsed.feed.links)
    assert "previous" in feed_rels and "next" not in feed_rels
    assert client.get("/opds/latest/?page=7").status_code == 404
    assert client.get("/opds/latest/?page=x").status_code == 404


def test_opensearch_description_and_search(client, archive):
    response = client.get("/opds/opensearch.xml")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    url = root.find("{http://a9.com/-/spec/opensearch/1.1/}Url")
    assert url.get("type") == ACQUISITION
    assert url.get("template") == "http://testserver/opds/search/?q={searchTerms}"
    parsed, _ = read(client, "/opds/search/?q=rent", ACQUISITION)
    assert sorted(e.title for e in parsed.entries) == ["Old call", "Rent strike now"]
    assert client.get("/opds/search/").status_code == 400
    assert client.get("/opds/search/?q=%00").status_code == 400


@pytest.mark.parametrize("url", CATALOGUES)
def test_catalogues_never_show_drafts_or_scheduled(client, archive, url):
    body = client.get(url).content.decode()
    assert "Secret draft" not in body and "Scheduled one" not in body


@pytest.mark.parametrize("url", ["/opds/tags/nothing/", "/opds/authors/nobody/", "/opds/x/"])
def test_unknown_catalogues_are_404(client, archive, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", CATALOGUES)
def test_catalogue_query_count_is_constant(client, archive, url):
    before, after = query_counts(client, url, grow=small_archive_grow)
    assert before == after
