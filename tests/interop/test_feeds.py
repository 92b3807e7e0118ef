"""Atom and RSS feeds, read by feedparser; the required elements are checked in the XML too,
since feedparser accepts nearly anything."""

import datetime

import feedparser
import pytest
from django.utils import timezone
from lxml import etree

from tests.factories import make_statement, query_counts

ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = [
    "/feeds/latest.atom",
    "/feeds/latest.rss",
    "/feeds/tags/housing.atom",
    "/feeds/tags/housing.rss",
    "/feeds/authors/harbour-collective.atom",
    "/feeds/authors/harbour-collective.rss",
]


@pytest.fixture
def archive(db):
    first = make_statement(
        "Rent strike now",
        slug="rent-strike-now",
        issued="2025-03",
        authors=["Harbour Collective", "Dock Union"],
        tags=["housing", "rent"],
        summary="A call to <stop> paying & organise.",
    )
    make_statement(
        "No summary here",
        authors=["Harbour Collective"],
        tags=["housing"],
        body="The *first* words of the body.\f And more.",
    )
    make_statement("Unrelated", authors=["Other Group"], tags=["ecology"])
    make_statement(
        "Secret draft", published=False, authors=["Harbour Collective"], tags=["housing"]
    )
    make_statement(
        "Scheduled one",
        published_at=timezone.now() + datetime.timedelta(days=2),
        authors=["Harbour Collective"],
        tags=["housing"],
    )
    return first


def test_atom_entries_carry_the_required_elements(client, archive):
    response = client.get("/feeds/latest.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [e.title for e in parsed.entries] == ["Unrelated", "No summary here", "Rent strike now"]
    entry = parsed.entries[2]
    assert entry.id == f"tag:testserver,2026:statement/{archive.pk}"
    assert entry.link == "http://testserver/statements/rent-strike-now/"
    assert [a.name for a in entry.authors] == ["Harbour Collective", "Dock Union"]
    assert entry.summary == "A call to &lt;stop&gt; paying &amp; organise."
    assert [t.term for t in entry.tags] == ["housing", "rent"]
    assert entry.updated_parsed is not None
    assert parsed.entries[1].summary == "The first words of the body. And more."

    # The same, read from the XML itself: every entry has each required element.
    root = etree.fromstring(response.content)
    assert root.find(f"{ATOM}id") is not None and root.find(f"{ATOM}updated") is not None
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "http://testserver/feeds/latest.atom"
    for element in root.iter(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "summary", "author/" + ATOM + "name"):
            assert element.find(ATOM + name).text, name
        assert element.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
    assert len(root.findall(f"{ATOM}entry/{ATOM}category")) == 4


def test_rss_items_carry_the_required_elements(client, archive):
    response = client.get("/feeds/latest.rss")
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    entry = parsed.entries[2]
    assert entry.id == f"tag:testserver,2026:statement/{archive.pk}"
    assert entry.guidislink is False
    assert entry.link == "http://testserver/statements/rent-strike-now/"
    assert [t.term for t in entry.tags] == ["housing", "rent"]
    assert entry.published_parsed is not None
    root = etree.fromstring(response.content)
    item = root.findall("channel/item")[2]
    creators = item.findall("{http://purl.org/dc/elements/1.1/}creator")
    assert [c.text for c in creators] == ["Harbour Collective", "Dock Union"]
    for name in ("title", "link", "description", "guid", "pubDate", "category"):
        assert item.find(name) is not None, name


def test_tag_and_author_feeds(client, archive):
    tagged = feedparser.parse(client.get("/feeds/tags/housing.atom").content)
    assert [e.title for e in tagged.entries] == ["No summary here", "Rent strike now"]
    assert "housing" in tagged.feed.title
    by_author = feedparser.parse(client.get("/feeds/authors/dock-union.rss").content)
    assert [e.title for e in by_author.entries] == ["Rent strike now"]


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_never_show_drafts_or_scheduled(client, archive, url):
    body = client.get(url).content.decode()
    parsed = feedparser.parse(body)
    assert parsed.entries
    assert "Secret draft" not in body and "Scheduled one" not in body


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/tags/no-such-tag.atom",
        "/feeds/authors/no-such-author.rss",
        "/feeds/latest.json",
        "/feeds/tags/%00.atom",
    ],
)
def test_unknown_feeds_are_404(client, archive, url):
    assert client.get(url).status_code == 404


def test_author_of_drafts_only_has_no_feed(client, db):
    make_statement("Hidden", published=False, authors=["Hidden Group"])
    assert client.get("/feeds/authors/hidden-group.atom").status_code == 404


def test_feed_query_count_is_constant(client, archive):
    def grow():
        for n in range(5):
            make_statement(f"More {n}", authors=[f"Group {n}", "Harbour Collective"], tags=["x"])

    before, after = query_counts(client, "/feeds/authors/harbour-collective.atom", grow=grow)
    assert before == after


def test_markup_in_a_name_stays_text_in_rss_channel_descriptions(client, db):
    statement = make_statement(authors=["<b>Bold</b> & Co"], tags=["<i>tilted</i>"])
    author = statement.authorships.get().author
    tag = statement.tags.get()
    for url in (f"/feeds/authors/{author.slug}.rss", f"/feeds/tags/{tag.slug}.rss"):
        description = etree.fromstring(client.get(url).content).findtext("channel/description")
        # An RSS reader renders this as HTML: the name must arrive escaped, not as markup.
        assert "<b>" not in description and "<i>" not in description, description
        assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in description or "&lt;i&gt;" in description


def test_a_lead_does_not_carry_a_note_in_the_middle_of_the_text(client, db):
    make_statement("Noted", body="We begin.[^1] We go on.\n\n[^1]: Aside in the note.")
    entry = feedparser.parse(client.get("/feeds/latest.atom").content).entries[0]
    assert "We begin.[1] We go on. Aside in the note." in entry.summary  # the note once, last
