import re

import pytest
from django.utils import timezone

from statements.catalog.services import statement_create
from statements.core.records import AuthorCredit, StatementData
from statements.models import Author, Statement, Tag
from tests.factories import make_statement, query_counts

PAGES = [
    "/",
    "/statements/",
    "/statements/?tag=housing",
    "/statements/sample-1/",
    "/statements/sample-1.md",
    "/statements/sample-1.json",
    "/statements/sample-1.bib",
    "/statements/sample-1.ris",
    "/statements/sample-1.csl.json",
    "/authors/",
    "/authors/harbour-collective/",
    "/tags/",
    "/tags/housing/",
    "/archive/",
    "/archive/2025/",
    "/archive/2025/03/",
    "/archive/undated/",
    "/about/copies/",
    "/data/",
    "/network/",
    "/network/?tag=housing",
    "/network.graphml",
    "/network.gexf",
    "/network.csv",
]


def titles(response) -> list[str]:
    return re.findall(r'<h3 class="card-title"><a [^>]*>([^<]+)</a>', response.content.decode())


@pytest.mark.django_db
class TestNothingUnpublishedLeaks:
    @pytest.mark.parametrize("url", PAGES)
    def test_page_hides_drafts_and_scheduled(self, client, archive, url):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        for secret in ("Secret draft", "Scheduled one", "Hidden Group", ">leak<"):
            assert secret not in html

    def test_counts_exclude_unpublished(self, client, archive):
        html = client.get("/").content.decode()
        assert "6 statements</a> · " in html
        assert "4 authors</a>" in html  # Harbour, Group A, Other, Dock Union; not Hidden Group
        assert "3 tags</a>" in html  # housing, rent, ecology; not leak
        assert "6 statements." in client.get("/statements/").content.decode()

    def test_author_of_drafts_only_is_404(self, client, archive):
        hidden = Author.objects.get(name="Hidden Group")
        assert client.get(hidden.get_absolute_url()).status_code == 404
        assert client.get("/statements/?author=hidden-group").status_code == 404

    def test_random_only_picks_published(self, client, archive):
        published = set(Statement.objects.published().values_list("slug", flat=True))
        for _ in range(15):
            response = client.get("/random/")
            assert response.status_code == 302
            assert response["Location"].split("/")[2] in published
            assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
class TestStatementList:
    def test_tags_combine_with_and(self, client, archive):
        assert sorted(titles(client.get("/statements/?tag=housing"))) == [
            "Rent strike now",
            "Sample 1",
            "Year only",
        ]
        assert titles(client.get("/statements/?tag=housing&tag=rent")) == ["Rent strike now"]

    def test_author_year_and_language(self, client, archive):
        assert sorted(titles(client.get("/statements/?author=other-collective"))) == [
            "March",
            "Undated",
        ]
        assert sorted(titles(client.get("/statements/?year=2025"))) == [
            "March",
            "Rent strike now",
            "Sample 1",
            "Year only",
        ]
        assert titles(client.get("/statements/?lang=fr")) == ["March", "Year only"]

    def test_partial_date_range_overlaps(self, client, archive):
        assert sorted(titles(client.get("/statements/?from=2025-06"))) == ["Year only"]
        assert sorted(titles(client.get("/statements/?from=2025-03&to=2025-03"))) == [
            "March",
            "Rent strike now",
            "Sample 1",
            "Year only",
        ]
        assert sorted(titles(client.get("/statements/?to=2000"))) == ["Old call"]

    def test_sorting(self, client, archive):
        # A year before its months, a month before its days; at the same date, by number.
        assert titles(client.get("/statements/?sort=date")) == [
            "Old call",
            "Year only",
            "Rent strike now",
            "March",
            "Sample 1",
            "Undated",
        ]
        assert titles(client.get("/statements/?sort=-date")) == [
            "Sample 1",
            "March",
            "Rent strike now",
            "Year only",
            "Old call",
            "Undated",
        ]
        assert titles(client.get("/statements/?sort=title")) == [
            "March",
            "Old call",
            "Rent strike now",
            "Sample 1",
            "Undated",
            "Year only",
        ]
        assert titles(client.get("/statements/?sort=-added"))[0] == "Undated"

    def test_active_filters_are_shown_and_removable(self, client, archive):
        html = client.get("/statements/?tag=housing&tag=rent&year=2025&page=1").content.decode()
        assert "Tag: housing" in html
        assert "Year: 2025" in html
        assert "1 statement matches these filters." in html
        assert 'href="?tag=rent&amp;year=2025"' in html  # remove housing, back to page 1
        assert 'href="?tag=housing&amp;tag=rent"' in html  # remove the year

    def test_pagination(self, client, db):
        for i in range(30):
            make_statement(f"Row {i:02d}", issued=f"20{i:02d}")
        first = titles(client.get("/statements/?sort=date"))
        second = titles(client.get("/statements/?sort=date&page=2"))
        assert len(first) == 25
        # 30, and the small archive where another test of this module has built it.
        assert len(second) == Statement.objects.published().count() - 25
        assert not set(first) & set(second)
        assert (
            'href="?sort=date&amp;page=2"' in client.get("/statements/?sort=date").content.decode()
        )


@pytest.mark.django_db
class TestStatementDetailPage:
    def test_signatories_are_listed_apart_and_folded_when_many(self, client, db):
        statement = make_statement(
            authors=["Main Collective"], signatories=[f"Group {i}" for i in range(30)]
        )
        html = client.get(statement.get_absolute_url()).content.decode()
        assert "Signatories (30)" in html
        assert "<details><summary>Show all 30 signatories</summary>" in html
        assert html.index("Main Collective") < html.index("Signatories (30)")

    def test_few_signatories_are_not_folded(self, client, db):
        statement = make_statement(signatories=["Group 1", "Group 2"])
        assert "<details>" not in client.get(statement.get_absolute_url()).content.decode()

    def test_table_of_contents_for_long_texts(self, client, db):
        body = "\n\n".join(f"## Part {i}\n\nText {i}." for i in range(1, 5))
        html = client.get(make_statement(body=body).get_absolute_url()).content.decode()
        assert '<nav class="toc"' in html
        assert '<a href="#part-3">Part 3</a>' in html
        assert '<h2 id="part-3">Part 3</h2>' in html
        short = make_statement(body="## Only\n\ntext")
        assert '<nav class="toc"' not in client.get(short.get_absolute_url()).content.decode()

    def test_previous_next_related_and_citation(self, client, db):
        earlier = make_statement("Earlier", issued="2024", tags=["x"])
        current = make_statement(
            "Current", issued="2024-05", tags=["x"], authors=["Cited Collective"]
        )
        later = make_statement("Later", issued="2024-05-02")
        make_statement("Draft between", issued="2024-05-01", published=False)
        html = client.get(current.get_absolute_url()).content.decode()
        assert f'<a href="{earlier.get_absolute_url()}" rel="prev">' in html
        assert f'<a href="{later.get_absolute_url()}" rel="next">' in html
        assert "Draft between" not in html
        related = html[html.index('id="related-heading"') :]
        assert "Earlier" in related
        assert "Later" not in related
        assert "Cited Collective. “Current.” May 2024. Statement Archive." in html

    def test_date_links_to_its_archive_page(self, client, db):
        html = client.get(make_statement(issued="2024-05-02").get_absolute_url()).content.decode()
        assert 'href="/archive/2024/05/"' in html

    def test_meta_tags(self, client, db):
        statement = make_statement("Meta", summary="A summary", language="de")
        html = client.get(statement.get_absolute_url()).content.decode()
        assert '<link rel="canonical" href="http://testserver/statements/meta/">' in html
        assert '<meta property="og:title" content="Meta">' in html
        assert '<meta name="description" content="A summary">' in html
        assert '<article class="statement" lang="de" dir="ltr">' in html


@pytest.mark.django_db
class TestAuthorsTagsArchive:
    def test_author_list_is_alphabetical_with_counts_and_kind_filter(self, client, archive):
        statement_create(
            data=StatementData(
                title="By a person",
                status="published",
                published_at=timezone.now(),
                credits=[AuthorCredit(name="Ada Person", kind="person")],
            )
        )
        html = client.get("/authors/").content.decode()
        assert html.index("Ada Person") < html.index("Group A") < html.index("Harbour Collective")
        assert 'Harbour Collective</a> <span class="count">(3 statements)' in html
        persons = client.get("/authors/?kind=person").content.decode()
        assert "Ada Person" in persons
        assert "Harbour Collective" not in persons

    def test_author_page_groups_by_role(self, client, archive):
        make_statement("Signed", authors=["Someone"], signatories=["Harbour Collective"])
        html = client.get("/authors/harbour-collective/").content.decode()
        assert html.index("As author") < html.index("Sample 1") < html.index("As signatory")
        assert html.index("As signatory") < html.index("Signed")

    def test_tag_pages(self, client, archive):
        html = client.get("/tags/").content.decode()
        assert 'housing</a> <span class="count">(3)' in html
        assert sorted(titles(client.get("/tags/housing/"))) == [
            "Rent strike now",
            "Sample 1",
            "Year only",
        ]

    def test_year_page_marks_month_unknown_and_month_page_excludes_it(self, client, archive):
        year = client.get("/archive/2025/").content.decode()
        assert titles(client.get("/archive/2025/")) == [
            "Year only",
            "Rent strike now",
            "March",
            "Sample 1",
        ]
        assert year.count("month unknown</span>") == 1
        assert 'href="/archive/2025/03/">March</a>' in year
        assert titles(client.get("/archive/2025/03/")) == ["Rent strike now", "March", "Sample 1"]
        assert client.get("/archive/2025/01/").status_code == 404

    def test_undated_statements_have_a_page_of_their_own(self, client, archive):
        html = client.get("/archive/").content.decode()
        assert '<a href="/archive/undated/">Undated</a> <span class="count">(1 statement)' in html
        assert titles(client.get("/archive/undated/")) == ["Undated"]

    def test_year_and_month_pages_link_the_nearest_periods(self, client, archive):
        year = client.get("/archive/2025/").content.decode()
        back = '<span class="arrow" aria-hidden="true">←</span>'
        assert f'<a href="/archive/1999/" rel="prev">{back} 1999</a>' in year
        assert 'rel="next"' not in year  # the scheduled 1980 and drafts do not count
        old = client.get("/archive/1999/").content.decode()
        arrow = '<span class="arrow" aria-hidden="true">→</span>'
        assert f'<a href="/archive/2025/" rel="next">2025 {arrow}</a>' in old
        month = client.get("/archive/2025/03/").content.decode()
        assert f'<a href="/archive/1999/07/" rel="prev">{back} July 1999</a>' in month
        assert client.get("/archive/1999/07/").content.decode().count('rel="next"') == 1

    def test_archive_index_counts_years(self, client, archive):
        html = client.get("/archive/").content.decode()
        assert '<a href="/archive/2025/">2025</a> <span class="count">(4 statements)' in html
        assert '<a href="/archive/1999/">1999</a> <span class="count">(1 statement)' in html


@pytest.mark.django_db
class TestConditionalGet:
    def test_etag_and_304(self, client, archive):
        first = client.get("/statements/")
        assert first.has_header("ETag")
        again = client.get("/statements/", headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304
        assert again.content == b""


@pytest.mark.django_db
class TestOldSlug:
    def test_old_slug_answers_301(self, client, db):
        from statements.catalog.services import statement_save

        statement = make_statement("Renamed", slug="first-name")
        statement.slug = "second-name"
        statement_save(statement=statement, previous_slug="first-name", body_changed=False)
        response = client.get("/statements/first-name/")
        assert response.status_code == 301
        assert response["Location"] == "/statements/second-name/"


def _grow_archive():
    for i in range(15):
        make_statement(
            f"Extra {i}",
            issued=f"2025-03-{i + 1:02d}",
            authors=["Harbour Collective", f"Extra author {i}"],
            signatories=[f"Signer {i}-{j}" for j in range(4)],
            tags=["housing", f"extra {i}"],
            language="en",
        )


@pytest.mark.django_db
@pytest.mark.parametrize("cold", [True, False], ids=["first view after a change", "views after"])
@pytest.mark.parametrize("url", PAGES)
def test_query_count_does_not_grow_with_rows(client, archive, url, cold):
    few, many = query_counts(client, url, grow=_grow_archive, cold=cold)
    assert few == many


BAD_PARAMETERS = [
    "page=abc",
    "page=0",
    "page=99999",
    "page=-1",
    "page=1&page=2",
    "year=abcd",
    "year=0000",
    "from=2025-13",
    "to=0000",
    "to=2025-02-30",
    "from=2026&to=2020",
    "tag=no-such-tag",
    "tag=%3Cscript%3E",
    "author=no-such-author",
    "lang=xx",
    "lang=english",
    "sort=evil",
    "kind=alien",
    "q=" + "x" * 10_000,
    "tag=" + "x" * 10_000,
    "year=2025%00",
    "author=a%00b",
    "from=%00",
]
BAD_INPUT_PAGES = [page for page in PAGES if "?" not in page] + ["/random/"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", BAD_PARAMETERS)
def test_bad_input_never_500(client, archive, query):
    # One archive per parameter, every page tried with it: the list runs against each page.
    for url in BAD_INPUT_PAGES:
        response = client.get(f"{url}?{query}")
        assert response.status_code in (200, 302, 400, 404), (url, query, response.status_code)
        if response.status_code == 400:
            assert 'class="error-message"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abcd", "is not a year"),
        ("from=2025-13", "Month 13 does not exist"),
        ("to=0000", "out of range"),
        ("sort=evil", "Unknown sort order"),
        ("lang=xx", "is not a language code"),
        ("year=2025%00", "control characters"),
        ("tag=" + "x" * 10_000, "too long"),
    ],
)
def test_bad_filters_explain_themselves(client, archive, query, message):
    response = client.get(f"/statements/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/tags/leak/",
        "/statements/?tag=leak",
        "/statements/?tag=housing&tag=leak",
        "/search/?q=rent&tag=leak",
        "/feeds/tags/leak.atom",
        "/feeds/tags/leak.rss",
        "/opds/tags/leak/",
        "/api/tags/leak/",
        "/api/statements/?tag=leak",
        "/network/?tag=leak",
        "/network.csv?tag=leak",
    ],
)
def test_a_tag_of_drafts_and_scheduled_statements_alone_is_unknown(client, archive, url):
    # "leak" is carried only by the draft and the scheduled statement: as unknown as "nope".
    response = client.get(url)
    assert response.status_code == 404
    assert response.status_code == client.get(url.replace("leak", "nope")).status_code
    Tag.objects.filter(slug="leak").update(name="Secret plan name")
    assert "Secret plan name" not in client.get(url).content.decode()
