import pytest

from statements.catalog.pages import reading_time
from statements.core.records import SourceData
from tests.factories import make_statement, query_count


@pytest.mark.django_db
class TestStatementDetail:
    def test_says_how_long_the_text_is_to_read_and_to_print(self, client):
        long = make_statement("Long", body="word " * 6_600)  # 33,000 characters
        html = client.get(long.get_absolute_url()).content.decode()
        assert "About 25 minutes to read, about 10 pages in print." in html
        short = make_statement("Short", body="A few words.")
        html = client.get(short.get_absolute_url()).content.decode()
        assert "About 1 minute to read." in html
        book = make_statement("Book", body="word " * 151_000)  # 755,000 characters
        html = client.get(book.get_absolute_url()).content.decode()
        assert "About 9 hours 41 minutes to read, about 229 pages in print." in html
        assert [reading_time(m) for m in (60, 61, 120)] == [
            "1 hour", "1 hour 1 minute", "2 hours"
        ]  # fmt: skip

    def test_shows_metadata_and_sanitised_body(self, client):
        statement = make_statement(
            "Solidarity across borders",
            issued="2025-03",
            authors=["Harbour Collective"],
            signatories=["Group A", "Group B"],
            tags=["internationalism"],
            body="We <script>alert(1)</script> *stand*.",
            language="uk",
            rights="Anti-Copyright",
            sources=[
                SourceData(
                    url="https://harbour.example.org/x",
                    site_name="Harbour",
                    note="Retrieved on 13th March 2025",
                )
            ],
        )
        html = client.get(statement.get_absolute_url()).content.decode()
        assert "<h1>Solidarity across borders</h1>" in html
        assert '<time datetime="2025-03">March 2025</time>' in html
        assert '<article class="statement" lang="uk" dir="ltr">' in html
        assert "<em>stand</em>" in html
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;" in html
        assert "Signatories (2)" in html
        assert 'href="https://harbour.example.org/x"' in html
        assert "Anti-Copyright" in html

    def test_stored_text_is_escaped(self, client):
        statement = make_statement('<img src=x onerror="alert(1)">', summary="<b>bold</b>")
        html = client.get(statement.get_absolute_url()).content.decode()
        assert "<img src=x" not in html
        assert "&lt;b&gt;bold&lt;/b&gt;" in html

    def test_unknown_slug_is_404(self, client):
        assert client.get("/statements/no-such-thing/").status_code == 404
        assert client.get("/statements/%00/").status_code == 404
        assert client.get("/statements/" + "x" * 10_000 + "/").status_code == 404

    def test_post_is_not_allowed(self, client):
        statement = make_statement()
        assert client.post(statement.get_absolute_url()).status_code == 405

    def test_query_count_is_constant(self, client):
        small = make_statement(authors=["One"], tags=["a"])
        big = make_statement(
            authors=[f"Author {i}" for i in range(5)],
            signatories=[f"Signatory {i}" for i in range(60)],
            tags=[f"tag {i}" for i in range(10)],
            sources=[SourceData(url=f"https://example.org/{i}") for i in range(5)],
        )
        few, _ = query_count(client, small.get_absolute_url())
        many, html = query_count(client, big.get_absolute_url())
        assert "Signatory 59" in html
        assert many == few


@pytest.mark.django_db
class TestHome:
    def test_lists_only_public_statements(self, client):
        make_statement("Public one")
        make_statement("Hidden draft", published=False)
        html = client.get("/").content.decode()
        assert "Public one" in html
        assert "Hidden draft" not in html

    def test_query_count_is_constant(self, client):
        make_statement(authors=["A"])
        few, _ = query_count(client, "/")
        for i in range(9):
            make_statement(authors=[f"B{i}", f"C{i}"])
        many, _ = query_count(client, "/")
        assert many == few


@pytest.mark.django_db
def test_non_latin_slug_works(client):
    statement = make_statement("Ние не сме робови", language="mk")
    assert statement.slug == "ние-не-сме-робови"
    assert client.get(statement.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_404_page_helps_the_reader(client):
    response = client.get("/statements/missing/")
    assert response.status_code == 404
    assert "Go to the latest statements" in response.content.decode()


def test_every_page_names_the_archive_as_configured(client, db, settings):
    settings.ARCHIVE_NAME = "Tenants' Record"
    statement = make_statement("Named", tags=["housing"])
    for url in ("/", "/statements/", statement.get_absolute_url(), "/tags/housing/", "/nowhere/"):
        html = client.get(url).content.decode()
        assert "Tenants&#x27; Record" in html, url
        assert "Statement Archive" not in html, url
    opensearch = client.get("/opensearch.xml").content.decode()
    assert "<ShortName>Tenants&#x27; Record</ShortName>" in opensearch


@pytest.mark.django_db
def test_each_section_of_a_long_text_ends_with_a_link_back_to_its_contents(client):
    sections = "\n\n".join(f"## Part {i}\n\nText {i}." for i in range(1, 4))
    long = make_statement("Sections", body="Opening.\n\n" + sections)
    html = client.get(long.get_absolute_url()).content.decode()
    body = html[html.index('class="statement-body"') :]
    assert body.count('<a href="#contents">↑ Back to contents</a>') == 3
    assert body.index("Text 1.") < body.index("Back to contents") < body.index("Part 2")
    assert "Back to contents" not in long.body_html  # made with the page, never stored
    short = make_statement("One part", body="## Only\n\nText.")
    assert "Back to contents" not in client.get(short.get_absolute_url()).content.decode()
