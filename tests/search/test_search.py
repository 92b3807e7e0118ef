import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statements.catalog.indexing import author_search_names_refresh, search_words_rebuild
from statements.catalog.merging import tag_merge
from statements.catalog.services import statement_save
from statements.models import Author, Statement, Tag
from statements.search.query import MAX_QUERY_LENGTH, highlight_html, search_text_clean
from tests.factories import make_statement, query_counts


def result_titles(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<h2 class="card-title"><a [^>]*>([^<]+)</a>', html)


def search(client, query: str) -> list[str]:
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return result_titles(response)


@pytest.mark.django_db
class TestMatching:
    def test_title_match_ranks_above_body_only_match(self, client):
        make_statement("Housing notes", body="Nothing about it here. " * 5 + "squat")
        make_statement("The squat must stay", body="A long text about other things.")
        assert search(client, "squat") == ["The squat must stay", "Housing notes"]

    def test_author_names_are_searchable(self, client):
        make_statement("A call", authors=["Riverbank Tenants"], body="Text.")
        make_statement("Another call", signatories=["Riverbank Bakers"], body="Text.")
        make_statement("Unrelated", body="Text.")
        assert sorted(search(client, "riverbank")) == ["A call", "Another call"]

    def test_websearch_phrase_or_and_minus(self, client):
        make_statement("One", body="the night shelter closes")
        make_statement("Two", body="the shelter for the night closes")
        make_statement("Three", body="the library closes")
        assert search(client, '"night shelter"') == ["One"]
        assert sorted(search(client, "shelter or library")) == ["One", "Three", "Two"]
        assert sorted(search(client, "closes -library")) == ["One", "Two"]

    def test_english_stemming(self, client):
        make_statement("Strikes", body="The workers were striking for weeks.", language="en")
        assert search(client, "strike") == ["Strikes"]

    def test_french_stemming(self, client):
        make_statement("Grèves", body="Les travailleuses manifestaient chaque jour.", language="fr")
        assert search(client, "manifester") == ["Grèves"]

    def test_accents_are_ignored(self, client):
        make_statement("CV", body="Send your résumé to the assembly.", language="en")
        make_statement("Vie", body="La sécurité sociale pour tous.", language="fr")
        assert search(client, "resume") == ["CV"]
        assert search(client, "securite") == ["Vie"]
        assert search(client, "SÉCURITÉ") == ["Vie"]

    def test_tag_names_are_searchable_and_kept_current(self, client):
        statement = make_statement("Tagged", tags=["solidarity economy"], body="Text.")
        assert search(client, "economy") == ["Tagged"]
        old = Tag.objects.get(name="solidarity economy")
        new = Tag.objects.create(name="mutualism")
        statement.tags.add(new)
        tag_merge(tags=[old, new], into=new)
        assert search(client, "economy") == []
        assert search(client, "mutualism") == ["Tagged"]

    def test_author_rename_is_searchable(self, client):
        make_statement("Renamed", authors=["Old Name Collective"], body="Text.")
        author = Author.objects.get(name="Old Name Collective")
        author.name = "Brandnew Collective"
        author.save()
        author_search_names_refresh(author=author)
        assert search(client, "brandnew") == ["Renamed"]


@pytest.mark.django_db
class TestFiltersAndVisibility:
    def test_drafts_and_scheduled_never_appear_in_results_or_facets(self, client):
        make_statement("Public", body="secret plans", tags=["visible"])
        make_statement("Draft", body="secret plans", tags=["hidden"], published=False)
        make_statement(
            "Scheduled",
            body="secret plans",
            tags=["hidden"],
            published_at=timezone.now() + datetime.timedelta(days=1),
        )
        response = client.get("/search/", {"q": "secret"})
        html = response.content.decode()
        assert result_titles(response) == ["Public"]
        assert "1 statement matches." in html
        assert ">hidden<" not in html
        assert '>visible</a> <span class="count">(1)' in html

    def test_tags_combine_with_and_without_text(self, client):
        make_statement("Both", tags=["a", "b"], body="x")
        make_statement("Only a", tags=["a"], body="x")
        response = client.get("/search/?tag=a&tag=b")
        assert result_titles(response) == ["Both"]

    def test_partial_date_range_overlap(self, client):
        make_statement("Year", issued="2025", body="call")
        make_statement("March", issued="2025-03", body="call")
        make_statement("Old", issued="1999", body="call")
        response = client.get("/search/", {"q": "call", "from": "2025-06"})
        assert result_titles(response) == ["Year"]
        response = client.get("/search/", {"q": "call", "to": "2025-03", "from": "2025-03"})
        assert sorted(result_titles(response)) == ["March", "Year"]

    def test_facet_link_adds_a_filter_and_removal_link_drops_it(self, client):
        make_statement("Tagged", tags=["housing"], body="rent strike")
        make_statement("Other", tags=["food"], body="rent strike")
        html = client.get("/search/", {"q": "rent"}).content.decode()
        assert 'href="?q=rent&amp;tag=housing"' in html
        narrowed = client.get("/search/?q=rent&tag=housing")
        assert result_titles(narrowed) == ["Tagged"]
        assert 'href="?q=rent"' in narrowed.content.decode()

    def test_author_year_and_language_facets_set_their_filter(self, client):
        make_statement(
            "Mine", authors=["Dock Assembly"], issued="2024-05", body="rent", language="fr"
        )
        make_statement(
            "Shared", authors=["Dock Assembly", "Tram Union"], issued="2023", body="rent"
        )
        html = client.get("/search/", {"q": "rent", "page": "1"}).content.decode()
        assert 'href="?q=rent&amp;author=dock-assembly"' in html  # back to page 1
        assert 'href="?q=rent&amp;from=2024&amp;to=2024"' in html
        assert 'href="?q=rent&amp;lang=fr"' in html
        # A second author replaces the first: the author filter takes one value.
        narrowed = client.get("/search/?q=rent&author=dock-assembly").content.decode()
        assert 'href="?q=rent&amp;author=tram-union"' in narrowed
        assert result_titles(client.get("/search/?q=rent&author=tram-union")) == ["Shared"]

    def test_empty_query_with_filters_browses(self, client):
        make_statement("In French", language="fr", body="x")
        make_statement("In English", language="en", body="x")
        assert result_titles(client.get("/search/?lang=fr")) == ["In French"]

    def test_unknown_facet_values_are_reported_not_500(self, client):
        assert client.get("/search/?q=x&tag=nope").status_code == 404
        assert client.get("/search/?q=x&author=nobody").status_code == 404
        assert client.get("/search/?q=x&lang=zz").status_code == 400
        assert client.get("/search/?q=x&sort=evil").status_code == 400
        assert client.get("/search/?q=x&page=abc").status_code == 404


@pytest.mark.django_db
class TestResultsPage:
    def test_snippet_highlights_and_escapes(self, client):
        make_statement(
            "Escaping", body="We <b>shout</b> & the strike <script>alert(1)</script> goes on."
        )
        html = client.get("/search/", {"q": "strike"}).content.decode()
        snippet = re.search(r'<p class="snippet">(.*?)</p>', html, re.S).group(1)
        # PostgreSQL picks the fragment around the match (the same on 15 and 18); the HTML
        # of the body comes out escaped, and only the match is marked.
        assert snippet == (
            "shout&lt;/b&gt; &amp; the <mark>strike</mark> "
            "&lt;script&gt;alert(1)&lt;/script&gt; goes"
        )

    def test_highlight_html_escapes_before_marking(self):
        assert highlight_html("<i>a</i> \x02b\x03 &") == (
            "&lt;i&gt;a&lt;/i&gt; <mark>b</mark> &amp;"
        )

    def test_exact_author_and_tag_names_come_first(self, client):
        make_statement("Work", authors=["Mutual Aid"], tags=["mutual aid"], body="mutual aid")
        html = client.get("/search/", {"q": "mutual aid"}).content.decode()
        exact = html.index('class="exact-matches"')
        assert exact < html.index('class="statement-list"')
        assert 'Author: <a href="/authors/mutual-aid/">Mutual Aid</a>' in html
        assert 'Tag: <a href="/tags/mutual-aid/">mutual aid</a>' in html

    def test_exact_names_fold_case_and_accents_and_need_a_published_statement(self, client):
        make_statement("Work", authors=["Federación Obrera"], tags=["Huelga"], body="x")
        make_statement("Hidden", authors=["Secret Cell"], tags=["secret cell"], published=False)
        url = Author.objects.get(name="Federación Obrera").get_absolute_url()
        html = client.get("/search/", {"q": "FEDERACION obrera"}).content.decode()
        assert f'Author: <a href="{url}">Federación Obrera</a>' in html
        html = client.get("/search/", {"q": "huelga"}).content.decode()
        assert 'Tag: <a href="/tags/huelga/">Huelga</a>' in html
        html = client.get("/search/", {"q": "secret cell"}).content.decode()
        assert "exact-matches" not in html

    def test_result_card_shows_what_a_list_card_shows(self, client):
        statement = make_statement(
            "Déclaration des grévistes",
            authors=["Dock Assembly", "Tram Union"],
            tags=["strikes", "docks"],
            issued="2024-05",
            language="fr",
            summary="A summary <em>kept</em> as text.",
            body="Nothing here.",
        )
        make_statement("Undated grévistes", date_text="around the 1970s", body="x")
        html = client.get("/search/", {"q": "grévistes"}).content.decode()
        link = f'<a href="{statement.get_absolute_url()}" lang="fr" dir="ltr">'
        cards = re.findall(r'<li class="statement-card">(.*?)</li>\n', html, re.S)
        card = next(card for card in cards if link in card)
        assert '<span class="byline">Dock Assembly, Tram Union</span>' in card
        assert '<time datetime="2024-05">May 2024</time>' in card
        # Matched in the title only: the summary, escaped, stands in for a snippet.
        assert (
            '<p class="card-summary" lang="fr" dir="ltr">'
            "A summary &lt;em&gt;kept&lt;/em&gt; as text.</p>" in card
        )
        assert '<li><a href="/tags/docks/">docks</a></li><li><a href="/tags/strikes/">' in card
        assert "<span>around the 1970s</span>" in html

    def test_did_you_mean_and_similar_titles(self, client):
        make_statement("Solidarity with the dockers", body="The dockers struck in solidarity.")
        search_words_rebuild()
        html = client.get("/search/", {"q": "solidarty"}).content.decode()
        assert "Nothing found." in html
        assert 'Did you mean <a href="?q=solidarity">solidarity</a>?' in html
        # A title typed with a typo is found as it is: a near title (ranking.NEAR_TITLE).
        assert search(client, "Solidarity with the dokers") == ["Solidarity with the dockers"]

    def test_look_alike_titles_and_authors_are_of_published_statements(self, client):
        shown = make_statement("Solidarity forever", authors=["Harbour Collective"], body="x")
        make_statement(
            "Solidarity for ever more", authors=["Harbour Collectiv"], published=False, body="x"
        )
        assert search(client, "Solidarty forevr") == ["Solidarity forever"]  # a near title
        html = client.get("/search/", {"q": "Solidarty for"}).content.decode()
        assert "Nothing found." in html
        assert f'<a href="{shown.get_absolute_url()}">Solidarity forever</a>' in html
        assert "Solidarity for ever more" not in html
        html = client.get("/search/", {"q": "Harbor Colective"}).content.decode()
        author = Author.objects.get(name="Harbour Collective")
        assert f'<a href="{author.get_absolute_url()}">Harbour Collective</a>' in html
        assert "Harbour Collectiv<" not in html

    def test_capped_count(self, client, settings):
        from statements.search import selectors

        settings.DEBUG = False
        original = selectors.COUNT_CAP
        selectors.COUNT_CAP = 3
        try:
            for i in range(5):
                make_statement(f"Common {i}", body="common word")
            html = client.get("/search/", {"q": "common"}).content.decode()
            assert "More than 3 statements match." in html
        finally:
            selectors.COUNT_CAP = original

    def test_long_query_is_cut_with_a_message(self, client):
        html = client.get("/search/", {"q": "word " * 200}).content.decode()
        assert "has been shortened" in html
        text, cut = search_text_clean("word " * 200)
        assert cut
        assert len(text) <= MAX_QUERY_LENGTH

    def test_query_count_is_constant(self, client):
        make_statement("First", body="strike", authors=["A"], tags=["t"])

        def grow():
            for i in range(25):
                make_statement(f"More {i}", body="strike", authors=[f"B{i}", "A"], tags=[f"t{i}"])

        few, many = query_counts(client, "/search/?q=strike", grow=grow)
        assert many == few

    def test_opensearch_description(self, client):
        response = client.get("/opensearch.xml")
        assert response["Content-Type"] == "application/opensearchdescription+xml"
        assert 'template="http://testserver/search/?q={searchTerms}"' in response.content.decode()


@pytest.mark.django_db
def test_saving_a_body_updates_the_index(client):
    statement = make_statement("Edited", body="first words")
    statement.body = "second thoughts"
    statement_save(statement=statement)
    assert search(client, "thoughts") == ["Edited"]
    assert search(client, "first") == []


QUERY_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs",))
TRICKY = st.sampled_from(
    ['"', "'", "&", "|", "!", "(", ")", ":", "*", "-", "or", "\x00", "<", "\\"]
)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.lists(st.one_of(st.text(QUERY_ALPHABET, max_size=12), TRICKY), max_size=12).map(
        " ".join
    )
)
def test_any_query_gives_results_or_nothing_found(client, text):
    Statement.objects.exists()  # the database is reachable inside the example
    response = client.get("/search/", {"q": text})
    assert response.status_code in (200, 400), response.status_code


@pytest.mark.django_db
def test_huge_and_binary_queries(client):
    for text in ["x" * 10_000, "\x00" * 50, "\"unbalanced 'quote", "& | ! ( ) : *", "🙂" * 400]:
        assert client.get("/search/", {"q": text}).status_code == 200


@pytest.mark.django_db
def test_snippets_read_as_plain_words(client):
    make_statement(
        "Markdown",
        body="## A heading\n\nWe **strike** for [fair pay](https://example.org).[^1]"
        "\n\n[^1]: Note.",
    )
    html = client.get("/search/", {"q": "strike"}).content.decode()
    snippet = re.search(r'<p class="snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>strike</mark>" in snippet
    for noise in ("##", "**", "[^1]", "](", "https://"):
        assert noise not in snippet


@pytest.mark.django_db
def test_a_table_leaves_no_markup_in_its_snippet(client):
    """Finding 6 of issue 32: "| --- |" showed in snippets."""
    make_statement(
        "Table",
        body="Wages by year:\n\n| Year | Wage |\n| --- | :---: |\n| 2024 | low |\n\n"
        "***\n\nWe strike for better wages.",
    )
    html = client.get("/search/", {"q": "wages"}).content.decode()
    snippet = re.search(r'<p class="snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>wages</mark>" in snippet.lower() or "<mark>Wages</mark>" in snippet
    assert "---" not in snippet and "|" not in snippet and "***" not in snippet
    assert "2024" in snippet


@pytest.mark.django_db
def test_relevance_pages_run_from_ranked_matches_to_body_only_ones(client, monkeypatch):
    from statements.search import selectors

    monkeypatch.setattr(selectors, "SEARCH_PAGE_SIZE", 2)
    for year in (2001, 2002, 2003):
        make_statement(f"Body {year}", issued=str(year), body="the harvest came")
    make_statement("Harvest harvest", issued="1990", summary="harvest", body="x")
    make_statement("Harvest once", issued="1999", body="x")
    seen = []
    for page in (1, 2, 3):
        response = client.get("/search/", {"q": "harvest", "page": page})
        seen += result_titles(response)
    assert seen == ["Harvest harvest", "Harvest once", "Body 2003", "Body 2002", "Body 2001"]
    assert client.get("/search/", {"q": "harvest", "page": 4}).status_code == 404


@pytest.mark.django_db
def test_did_you_mean_never_suggests_words_only_in_drafts(client):
    from statements.models import SearchWord

    make_statement("Hidden plans", body="zanzibarian strategy", published=False)
    make_statement(
        "Later plans",
        body="quixotical strategy",
        published_at=timezone.now() + datetime.timedelta(days=1),
    )
    assert not SearchWord.objects.filter(word__in=["zanzibarian", "quixotical"]).exists()
    html = client.get("/search/", {"q": "zanzibarien"}).content.decode()
    assert "zanzibarian" not in html


@pytest.mark.django_db
def test_publishing_adds_the_words_to_the_vocabulary(client):
    from statements.catalog.services import statement_publish
    from statements.models import SearchWord

    draft = make_statement("Soon", body="marmalading everything", published=False)
    statement_publish(statements=Statement.objects.filter(pk=draft.pk))
    assert SearchWord.objects.filter(word="marmalading").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("sample", [1, 2000], ids=["matches-not-in-hand", "matches-in-hand"])
def test_compact_tier_keeps_every_condition_of_the_query(client, monkeypatch, sample):
    # With more matches than the sample, the ranked tier is found through the compact vector
    # alone: a word excluded by the query may still be in the body, and the list filters
    # still apply.
    from statements.search import selectors

    monkeypatch.setattr(selectors, "FACET_SAMPLE", sample)
    make_statement("Housing now", body="a word about the library", language="en")
    make_statement("Housing later", body="a word about the park", language="en")
    make_statement("Housing then", body="a word about the park", language="fr")
    make_statement("Housing draft", body="a word about the park", published=False)
    assert sorted(search(client, "housing -library")) == ["Housing later", "Housing then"]
    response = client.get("/search/", {"q": "housing", "lang": "fr"})
    assert result_titles(response) == ["Housing then"]


@pytest.mark.django_db
def test_summary_words_are_found(client):
    make_statement("Open letter", summary="Against the evictions in the old town", body="x")
    make_statement("Other", body="nothing of the kind")
    assert search(client, "evictions") == ["Open letter"]


@pytest.mark.django_db
def test_pages_never_read_the_search_vectors(client):
    """The vectors are PostgreSQL's to match on; reading them costs a detoasted copy of every
    word of every row shown."""

    make_statement("Vectors stay in the database", tags=["speed"])
    for url in ("/", "/statements/", "/search/?q=vectors", "/tags/speed/"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        import re

        # A bare column in a select list; ts_rank(search_rank_vector, ...) stays in PostgreSQL.
        bare = re.compile(r'(SELECT |, )"statements_statement"\."search_(rank_)?vector"(,|$)')
        selects = [q["sql"].split(" FROM ")[0] for q in captured if q["sql"].startswith("SELECT")]
        assert not any(bare.search(s) for s in selects), url


@pytest.mark.django_db
def test_a_match_deep_in_a_long_body_is_highlighted(client):
    """The snippet window starts near the first typed word, wherever it is in the body."""
    filler = "Neighbours met in the hall and talked about the rent. " * 200  # ~11,000 chars
    make_statement("Long minutes", body=f"{filler}\n\nTurnips were shared by the whole street.")
    make_statement("Short note", body="We shared turnips.")
    page = client.get("/search/", {"q": "turnips"}).content.decode()
    assert page.count("<mark>") == 2
    assert "<mark>Turnips</mark> were shared by the whole street" in page
    assert "<mark>turnips</mark>" in page


@pytest.mark.django_db
def test_did_you_mean_forgets_words_that_leave_the_public_at_once(editor_client, client):
    from statements.catalog.services import statement_save, statement_unpublish
    from statements.models import SearchWord

    def suggested() -> bool:
        html = client.get("/search/", {"q": "zanzibarin"}).content.decode()
        return "Did you mean" in html and "zanzibarian" in html

    first = make_statement("Zanzibarian notes", body="The zanzibarian harbour.")
    second = make_statement("Second", body="Another zanzibarian text.")
    assert SearchWord.objects.get(word="zanzibarian").documents == 2 and suggested()
    statement_unpublish(statements=Statement.objects.filter(pk=first.pk))
    assert SearchWord.objects.get(word="zanzibarian").documents == 1 and suggested()
    second.body = "Another text."
    statement_save(statement=second)  # edited: the word is in no public statement now
    assert not SearchWord.objects.filter(word="zanzibarian").exists() and not suggested()
    third = make_statement("Zanzibarian again", body="x")
    assert suggested()
    assert (
        editor_client.post(
            f"/admin/statements/statement/{third.pk}/delete/", {"post": "yes"}
        ).status_code
        == 302
    )
    assert not Statement.objects.filter(pk=third.pk).exists()
    assert not SearchWord.objects.filter(word="zanzibarian").exists() and not suggested()
    # Counts stay exact: what remains is what a rebuild gives.
    kept = dict(SearchWord.objects.values_list("word", "documents"))
    search_words_rebuild()
    assert dict(SearchWord.objects.values_list("word", "documents")) == kept


def test_parsed_query_knows_phrases_and_exclusions():
    from statements.search.query import ParsedQuery

    assert ParsedQuery("'night' <-> 'shelter'").phrase
    assert ParsedQuery("'a' <2> 'b' | 'c'").phrase
    assert not ParsedQuery("'night' & 'shelter'").phrase
    assert not ParsedQuery("'x<->y' & 'z'").phrase  # inside a lexeme, not an operator
    assert ParsedQuery("'a' & !'b'").negated and not ParsedQuery("'a!' & 'b'").negated


@pytest.mark.django_db
def test_phrases_are_matched_in_the_rum_index_where_the_server_has_one(client, rum_server):
    """Migration 0026 makes the RUM index where the rum extension is available (Debian's
    postgresql-15-rum, which `make test` installs for a local server), and a phrase search
    then finds its matches through it; elsewhere the GIN index serves, with the same
    results (every phrase test above runs on both)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('statements_search_rum') IS NOT NULL")
        assert cursor.fetchone()[0]
    for number in range(30):
        make_statement(f"Filler {number}", body="the shelter closes at night " * 3)
    make_statement("One", body="the night shelter closes")

    def fetched_by_index_scans() -> int:
        # Rows this transaction (the test's, which holds the searches too) fetched through
        # plain index scans of the RUM index; a bitmap scan of it counts none.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_stat_get_xact_tuples_fetched('statements_search_rum'::regclass)"
            )
            return cursor.fetchone()[0]

    before = fetched_by_index_scans()
    assert search(client, '"night shelter"') == ["One"]
    assert fetched_by_index_scans() > before


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["-" * 40, "- " * 60, "-" * 40 + " strike", '"' + "-a " * 80])
def test_a_query_postgresql_cannot_take_is_a_400_everywhere(client, editor_client, text):
    """Forty hyphens made PostgreSQL's parser give up ("tsquery stack too small"): a 400
    with a message on the search page, the API and OPDS; the admin warns and searches
    titles. Never a 500."""
    make_statement("General strike", body="We call a general strike.")
    page = client.get("/search/", {"q": text})
    assert page.status_code in (200, 400)
    if page.status_code == 400:
        assert "too many operators" in page.content.decode()
    api = client.get("/api/statements/", {"q": text})
    assert api.status_code in (200, 400) and (
        api.status_code == 200 or "operators" in api.json()["detail"]
    )
    assert client.get("/opds/search/", {"q": text}).status_code in (200, 400)
    admin = editor_client.get("/admin/statements/statement/", {"q": text})
    assert admin.status_code == 200


@pytest.mark.django_db
def test_forty_hyphens_are_refused_with_the_reason(client):
    from statements.search.query import SearchSyntaxError, search_query

    with pytest.raises(SearchSyntaxError, match="too many operators"):
        search_query("-" * 40 + "a")
    # Dashes standing alone are no operators: nothing to search for, no error.
    assert search_query("-" * 40) is None
    page = client.get("/search/", {"q": "-" * 40 + "a"})
    assert page.status_code == 400 and "too many operators" in page.content.decode()
    api = client.get("/api/statements/", {"q": "-" * 40 + "a"})
    assert api.status_code == 400 and "too many operators" in api.json()["detail"]
    opds = client.get("/opds/search/", {"q": "-" * 40 + "a"})
    assert opds.status_code == 400 and "too many operators" in opds.content.decode()


def test_a_database_failure_during_the_parse_is_no_400():
    """Only a query PostgreSQL refuses is the reader's fault: a lost connection stays an
    error of the archive's (500 or 503, never a 400 telling the reader to change words;
    tests/faults/test_replica.py stops a replica under searches)."""
    from django.db import DatabaseError, OperationalError

    from statements.search.query import _refused_query

    class Cause(Exception):
        def __init__(self, sqlstate):
            self.sqlstate = sqlstate

    def wrapped(kind, message, sqlstate):
        try:
            raise kind(message) from Cause(sqlstate)
        except kind as error:
            return error

    assert _refused_query(wrapped(DatabaseError, "tsquery stack too small", "XX000"))
    assert _refused_query(wrapped(DatabaseError, "syntax error in tsquery", "42601"))
    assert not _refused_query(wrapped(OperationalError, "server closed the connection", "08006"))
    assert not _refused_query(wrapped(OperationalError, "the database is shutting down", "57P01"))


@pytest.mark.django_db
@pytest.mark.parametrize("sample", [1000, 2])  # every match in hand, or ranked in the database
def test_an_exact_title_comes_first(client, monkeypatch, sample):
    """Finding 8 of issue 32: for "mutual aid", Kropotkin's Mutual Aid came 6th, behind a
    statement that only has the tag."""
    from statements.search import selectors

    monkeypatch.setattr(selectors, "FACET_SAMPLE", sample)
    for number in range(5):
        make_statement(
            f"Mutual aid and mutual help in the towers, call {number}",
            tags=["mutual aid"],
            summary="Mutual aid, mutual aid, mutual aid: neighbours helping neighbours.",
            body="Mutual aid among tenants. " * 20,
        )
    make_statement(
        "Mutual Aid: A Factor of Evolution", body="Mutual aid among animals and among men."
    )
    make_statement("Mutual Aid", body="A short text on mutual aid.")
    titles = search(client, "mutual aid")
    assert titles[:2] == ["Mutual Aid", "Mutual Aid: A Factor of Evolution"]
    assert search(client, "MUTUAL  aid!")[:1] == ["Mutual Aid"]
