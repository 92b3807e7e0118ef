"""Finding one's way: dates as the site writes them, a bad filter that keeps the form, the
language select, and the tag and author indexes with their filter boxes."""

import re

import pytest

from statements.core.dates import PartialDate, PartialDateError
from tests.factories import make_statement, query_counts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025", PartialDate(2025)),
        ("2025-03", PartialDate(2025, 3)),
        ("2025-03-13", PartialDate(2025, 3, 13)),
        ("March 2025", PartialDate(2025, 3)),
        ("march  2025", PartialDate(2025, 3)),
        ("Mar. 2025", PartialDate(2025, 3)),
        ("13 March 2025", PartialDate(2025, 3, 13)),
        ("13th March, 2025", PartialDate(2025, 3, 13)),
        ("March 13, 2025", PartialDate(2025, 3, 13)),
        (" 1 May 1886 ", PartialDate(1886, 5, 1)),
    ],
)
def test_a_date_is_read_as_the_site_writes_it(text, expected):
    assert PartialDate.read(text) == expected
    assert PartialDate.read(expected.display()) == expected


@pytest.mark.parametrize(
    "text",
    ["Smarch 2025", "13 March", "13 March 13, 2025", "2025 March", "x" * 500],
)
def test_a_date_that_is_not_one_says_which_forms_are(text):
    with pytest.raises(PartialDateError, match="13 March 2025"):
        PartialDate.read(text)


def test_a_day_that_does_not_exist_is_named():
    with pytest.raises(PartialDateError, match="Day 31 does not exist in February 2025"):
        PartialDate.read("31 February 2025")


@pytest.mark.django_db
class TestListFilters:
    @pytest.fixture
    def archive(self):
        make_statement("March call", issued="2025-03-13", tags=["strike"], language="fr")
        make_statement("April call", issued="2025-04", tags=["strike"], language="en")
        make_statement("Old letter", issued="1998", language="de")
        make_statement("Draft in Basque", published=False, language="eu", tags=["strike"])

    def test_dates_as_the_site_shows_them_filter_like_iso(self, client, archive):
        shown = client.get("/statements/", {"from": "March 2025", "to": "13 March 2025"})
        iso = client.get("/statements/", {"from": "2025-03", "to": "2025-03-13"})
        assert shown.status_code == iso.status_code == 200
        for response in (shown, iso):
            html = response.content.decode()
            assert "1 statement matches these filters." in html
            # The form gives the dates back in the site's own words.
            assert 'name="from" value="March 2025"' in html
            assert 'name="to" value="13 March 2025"' in html

    def test_a_bad_value_keeps_the_form_and_the_other_filters(self, client, archive):
        response = client.get(
            "/statements/", {"tag": "strike", "lang": "fr", "from": "Smarch 2025", "sort": "title"}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "“from”: “Smarch 2025” is not a date." in html
        assert '<input type="hidden" name="tag" value="strike">' in html
        assert '<option value="fr" selected>French</option>' in html
        assert '<option value="title" selected>' in html
        assert re.search(r'name="from" value="Smarch 2025"[^>]*aria-invalid="true"', html)
        # One link drops only the parameter at fault.
        retry = re.search(r'<a href="([^"]+)">Show the results without “from”', html)
        assert retry is not None
        following = client.get("/statements/" + retry.group(1).replace("&amp;", "&"))
        assert following.status_code == 200
        assert "1 statement matches these filters." in following.content.decode()

    def test_a_bad_search_filter_keeps_the_words_and_the_form(self, client, archive):
        response = client.get("/search/", {"q": "call", "lang": "zz", "tag": "strike"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "“zz” is not a language code" in html
        assert 'name="q" value="call"' in html
        assert '<input type="hidden" name="tag" value="strike">' in html
        assert "Show the results without “lang”" in html

    def test_the_language_select_offers_the_published_languages_only(self, client, archive):
        html = client.get("/statements/").content.decode()
        select = re.search(r'<select id="f-lang" name="lang">(.*?)</select>', html).group(1)
        # By name: English, French, German; the draft's Basque is not offered.
        assert re.findall(r'<option value="(\w*)"', select) == ["", "en", "fr", "de"]
        assert "Basque" not in html
        html = client.get("/search/", {"lang": "fr", "q": "call"}).content.decode()
        assert '<option value="fr" selected>French</option>' in html

    def test_the_list_page_runs_as_many_queries_filtered_by_a_shown_date(self, client, archive):
        before, after = query_counts(
            client,
            "/statements/?from=March+2025&lang=fr",
            grow=lambda: make_statement("Later", issued="2025-05", language="it"),
        )
        assert before == after


@pytest.mark.django_db
class TestNameIndexes:
    @pytest.fixture
    def archive(self):
        make_statement("A", tags=["Écologie", "strike", "Strike fund"], authors=["Élan Group"])
        make_statement("B", tags=["strike", "anti-war"], authors=["Dockers"])
        make_statement("C", tags=["strike"], authors=["elan workers"])
        make_statement("Draft", published=False, tags=["secret plan"], authors=["Hidden"])

    def test_tags_have_an_a_to_z_index(self, client, archive):
        html = client.get("/tags/").content.decode()
        letters = re.findall(r'<h2 id="letter-\d+">(.)</h2>', html)
        assert letters == ["A", "E", "S"]  # accents aside, as the filter box
        assert "secret plan" not in html

    def test_tags_most_used_first(self, client, archive):
        html = client.get("/tags/?sort=count").content.decode()
        names = re.findall(r'<li><a href="/tags/[^"]+">([^<]+)</a> <span class="count">', html)
        assert names[0] == "strike"
        assert html.index(">strike<") < html.index(">anti-war<")
        assert '<option value="count" selected>' in html

    def test_the_filter_box_ignores_case_and_accents(self, client, archive):
        html = client.get("/tags/", {"q": "ECOLOGIE"}).content.decode()
        assert ">Écologie<" in html and ">strike<" not in html
        html = client.get("/tags/", {"q": "secret"}).content.decode()
        assert "No tag contains “secret”." in html and "secret plan" not in html
        html = client.get("/authors/", {"q": "elan"}).content.decode()
        assert ">Élan Group<" in html and ">elan workers<" in html and ">Dockers<" not in html
        assert client.get("/authors/", {"q": "hidden"}).content.decode().count("Hidden") == 0

    @pytest.mark.parametrize(
        "query", [{"sort": "name"}, {"q": "x" * 101}, {"q": "a\x00b"}, {"q": ["a", "b"]}]
    )
    def test_bad_parameters_are_a_clear_400(self, client, archive, query):
        for path in ("/tags/", "/authors/") if "sort" not in query else ("/tags/",):
            response = client.get(path, query)
            assert response.status_code == 400
            assert 'class="error-message"' in response.content.decode()
