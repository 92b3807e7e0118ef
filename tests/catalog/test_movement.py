"""The movement's shape: who signs with whom (the author page, /network/ and its downloads)
and when statements were written (the timelines), on a small archive built for the test."""

from __future__ import annotations

import csv
import io

import lxml.etree
import networkx as nx
import pytest

from statements.catalog.filters import StatementFilters
from statements.catalog.network import network_edges, signs_with
from statements.catalog.selectors import statement_filtered
from statements.catalog.services import statement_create
from statements.core.dates import PartialDate
from statements.core.records import AuthorCredit, StatementData
from statements.models import Author, Statement
from tests.factories import make_statement, query_count, query_counts

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def movement(db):
    """X and Y sign together twice (once with two public signatories), X with Z once (its
    signatory W is shown only as a number), X with T only as its translator; a draft credits
    X, Y and Q."""
    made = {
        "a": make_statement(
            "Call A", issued="2025-03-02", authors=["X", "Y"], signatories=["S1", "S2"],
            tags=["rent"], body="rent strike",
        ),
        "b": make_statement("Call B", issued="2024", authors=["X", "Y"], tags=["rent"]),
        "c": make_statement("Call C", authors=["X", "Z"], signatories=["W"], tags=["war"]),
        "draft": make_statement(
            "Draft D", issued="2025-03", authors=["X", "Y", "Q"], published=False, tags=["rent"]
        ),
    }  # fmt: skip
    Statement.objects.filter(pk=made["c"].pk).update(signatories_public=False)
    made["e"] = statement_create(
        data=StatementData(
            title="Call E",
            body="e",
            issued=PartialDate.parse("2025-04"),
            status="published",
            published_at=made["a"].published_at,
            credits=[AuthorCredit(name="X"), AuthorCredit(name="T", role="translator")],
        )
    )
    return made


def _names(edges) -> dict[frozenset, int]:
    names = dict(Author.objects.values_list("pk", "name"))
    return {frozenset((names[a], names[b])): weight for a, b, weight in edges}


def test_edges_and_weights_count_public_signing_credits_only(movement):
    edges = _names(network_edges(Statement.objects.published()))
    assert edges == {
        frozenset({"X", "Y"}): 2,
        frozenset({"X", "S1"}): 1,
        frozenset({"X", "S2"}): 1,
        frozenset({"Y", "S1"}): 1,
        frozenset({"Y", "S2"}): 1,
        frozenset({"S1", "S2"}): 1,
        frozenset({"X", "Z"}): 1,
    }  # no Q (a draft), no W (a signatory shown as a number), no T (a translator)


def test_a_draft_never_counts_even_when_asked_for(movement):
    # statement_filtered is published-only: the draft's Q is not there to be found.
    edges = _names(network_edges(statement_filtered(filters=StatementFilters())))
    assert not any("Q" in pair for pair in edges)
    published = movement["a"].published_at
    Statement.objects.filter(pk=movement["draft"].pk).update(
        status="published", published_at=published
    )
    edges = _names(network_edges(statement_filtered(filters=StatementFilters())))
    assert edges[frozenset({"X", "Y"})] == 3 and frozenset({"X", "Q"}) in edges


def test_the_list_runs_as_many_queries_for_five_authors_as_for_two(client, movement):
    # The authors named after the first are looked up in one query, however many.
    make_statement("Call F", issued="2023", authors=["X", "Y", "Z", "S1", "S2"])
    two, _html = query_count(client, "/statements/?author=x&author=y")
    five, html = query_count(client, "/statements/?author=x&author=y&author=s1&author=s2&author=z")
    assert "Author: S2" in html
    assert five == two


def test_authors_who_never_signed_together_get_an_empty_list_they_can_widen(client, movement):
    html = client.get("/statements/?author=y&author=z").content.decode()
    assert "0 statements match these filters." in html
    assert "Remove filter Author: Y" in html and "Remove filter Author: Z" in html


def test_signs_with_on_the_author_page(client, movement):
    x = Author.objects.get(name="X")
    found = [(c.name, c.shared, c.roles) for c in signs_with(author=x)]
    assert found == [
        ("Y", 2, ("author",)),
        ("S1", 1, ("signatory",)),
        ("S2", 1, ("signatory",)),
        ("Z", 1, ("author",)),
    ]
    html = client.get("/authors/x/").content.decode()
    assert "Signs most often with" in html
    assert '/statements/?author=x&amp;author=y">2 statements together' in html
    assert ">W<" not in html and ">T<" not in html and ">Q<" not in html


def test_the_shared_statements_link_lists_what_both_signed(client, movement):
    html = client.get("/statements/?author=x&author=y").content.decode()
    assert "Call A" in html and "Call B" in html
    assert "Call C" not in html and "Draft D" not in html
    assert "Author: Y" in html  # the second author is an active filter, removable
    assert client.get("/statements/?author=x&author=nobody").status_code == 404
    too_many = "&".join(f"author=a{i}" for i in range(6))
    response = client.get(f"/statements/?{too_many}")
    assert response.status_code == 400
    assert "at most 5 authors" in response.content.decode()


def test_network_page_draws_svg_with_the_same_edges_as_its_table(client, movement):
    response = client.get("/network/")
    assert response.status_code == 200
    html = response.content.decode()
    svg = lxml.etree.fromstring(html[html.index("<svg") : html.index("</svg>") + 6])
    assert len(svg.findall(f".//{SVG}circle")) == 5  # X Y Z S1 S2 (not W, Q, T)
    assert len(svg.findall(f".//{SVG}line")) == 7
    table = html[html.index('class="network-edges-table"') :]
    assert table.count("<tr>") == 1 + 7  # the heading row and one per edge drawn
    assert 'href="/statements/?author=x&amp;author=y">2<' in table


def test_network_narrowed_by_tag_period_and_search(client, movement):
    html = client.get("/network/?tag=war").content.decode()
    assert "on 1 public statement" in html and ">Z<" in html and ">Y<" not in html
    html = client.get("/network/?from=2025-01&to=2025-12").content.decode()
    assert ">Z<" not in html and "S1" in html  # C is undated: outside any period
    html = client.get("/network/?q=strike").content.decode()
    assert "on 1 public statement" in html
    for bad in ("from=2026&to=2020", "tag=nope", "from=2025-13", "q=" + "x" * 10_000):
        assert client.get(f"/network/?{bad}").status_code in (200, 400, 404), bad
    assert client.get("/network/?from=2026&to=2020").status_code == 400
    assert client.get("/network/?tag=nope").status_code == 404
    assert client.get("/network.pdf").status_code == 404


def test_graphml_and_gexf_read_back_with_networkx(client, movement):
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        response = client.get(f"/network.{fmt}")
        assert response.status_code == 200
        graph = read(io.BytesIO(response.content))
        labels = {graph.nodes[n].get("label", n) for n in graph.nodes}
        assert labels == {"X", "Y", "Z", "S1", "S2"}
        weights = {frozenset((u, v)): int(d["weight"]) for u, v, d in graph.edges(data=True)}
        assert weights[frozenset({"x", "y"})] == 2
        assert len(weights) == 7
    rows = list(csv.DictReader(io.StringIO(client.get("/network.csv").content.decode())))
    assert rows[0] == {
        "source": "x", "target": "y", "weight": "2", "source_name": "X", "target_name": "Y",
    }  # fmt: skip
    assert len(rows) == 7
    narrowed = client.get("/network.csv?tag=war").content.decode().splitlines()
    assert narrowed[1:] == ["x,z,1,X,Z"]


def test_network_query_count_does_not_grow(client, movement):
    def grow():
        for i in range(5):
            make_statement(f"More {i}", authors=["X", f"N{i}"], signatories=[f"M{i}"])

    for url in ("/network/", "/network.graphml", "/authors/x/", "/tags/rent/", "/archive/"):
        few, many = query_counts(client, url, grow=grow)
        assert few == many, url


def test_timeline_puts_year_only_statements_apart_and_counts_undated(client, movement):
    html = client.get("/authors/x/").content.decode()
    section = html[html.index('class="timeline"') :]
    svg = lxml.etree.fromstring(section[section.index("<svg") : section.index("</svg>") + 6])
    labels = [a.get("aria-label") for a in svg.iter(f"{SVG}a")]
    assert labels == [
        "2024, month not known: 1 statement",
        "March 2025: 1 statement",
        "April 2025: 1 statement",
    ]
    assert "1 undated statement, not drawn" in section
    links = [a.get("href") for a in svg.iter(f"{SVG}a")]
    assert links[1] == "/statements/?author=x&from=2025-03&to=2025-03"
    assert not any("2024-01" in link for link in links)  # never on January


def test_timeline_on_archive_tag_and_search_pages(client, movement):
    archive = client.get("/archive/").content.decode()
    assert 'aria-label="March 2025: 1 statement"' in archive
    assert 'href="/archive/2025/03/"' in archive
    assert 'aria-label="2024, month not known: 1 statement"' in archive
    tag = client.get("/tags/rent/").content.decode()
    assert 'href="/statements/?tag=rent&amp;from=2024&amp;to=2024"' in tag
    assert "Draft" not in tag
    search = client.get("/search/?q=rent").content.decode()
    assert 'class="timeline"' in search
    assert 'href="?q=rent&amp;from=2025-03&amp;to=2025-03"' in search


def test_timeline_over_many_years_is_drawn_by_year(client, db):
    for year in (1901, 1950, 2001):
        make_statement(f"In {year}", issued=f"{year}-05", authors=["Old"])
    html = client.get("/authors/old/").content.decode()
    assert 'aria-label="1901: 1 statement"' in html
    assert "Statements by year of issue" in html


def test_author_page_queries_stay_constant_with_cosigners(client, movement):
    count, _html = query_count(client, "/authors/x/")
    for i in range(10):
        make_statement(f"Extra {i}", issued=f"2023-0{i % 9 + 1}", authors=["X", f"C{i}"])
    again, html = query_count(client, "/authors/x/")
    assert again == count
    assert "C9" in html


def test_one_author_alone_is_drawn_in_the_middle(client, db):
    make_statement("Alone", authors=["Solo"], tags=["solo"])
    html = client.get("/network/?tag=solo").content.decode()
    svg = lxml.etree.fromstring(html[html.index("<svg") : html.index("</svg>") + 6])
    [circle] = svg.findall(f".//{SVG}circle")
    assert (circle.get("cx"), circle.get("cy")) == ("320.0", "320.0")
    assert not svg.findall(f".//{SVG}line")
