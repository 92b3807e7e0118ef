"""The order of results (statements/search/ranking.py): known items first, then a score
that weighs rare words above common ones, fields by their weight, and gently prefers a
statement to a book; titles nearly typed are found; when no statement holds every word,
those holding some are shown, and the page says so."""

from __future__ import annotations

import pytest

from statements.catalog.indexing import search_words_rebuild
from statements.search.query import idf, search_query
from tests.factories import make_statement, query_counts
from tests.search.test_search import result_titles, search

pytestmark = pytest.mark.django_db

BOOK = "A long chapter about other things entirely. " * 3000


def test_an_exact_title_comes_before_any_other_match(client):
    make_statement("A day of mutual aid", body="Mutual aid, mutual aid, mutual aid.")
    make_statement("Notes", tags=["mutual aid"], body="Mutual aid " * 50)
    make_statement("Mutual Aid", subtitle="A Factor of Evolution", body=BOOK + "mutual aid")
    assert search(client, "mutual aid")[0] == "Mutual Aid"
    assert search(client, "Mutual Aid: A Factor of Evolution")[0] == "Mutual Aid"
    assert search(client, "mutual aid a factor of evolution")[0] == "Mutual Aid"


def test_a_title_before_a_dash_or_colon_is_a_known_item(client):
    make_statement("On strikes", body="The strike, the strike: Paul Delesalle wrote on it.")
    make_statement("The strike! - Paul Delesalle", body=BOOK + "strike")
    assert search(client, "The strike! - Paul Delesalle")[0] == "The strike! - Paul Delesalle"
    assert search(client, "the strike")[0] == "The strike! - Paul Delesalle"


def test_an_author_named_comes_before_their_name_in_texts(client):
    make_statement("About a collective", body="Solidarity Collectives " * 20)
    make_statement("Fuck empires", authors=["Solidarity Collectives"], body="Text.")
    make_statement("Solidarity collectives everywhere", body="Text.")
    assert search(client, "solidarity collectives")[:2] == [
        "Fuck empires",
        "Solidarity collectives everywhere",
    ]
    # The name in brackets of a transliterated author counts too.
    make_statement("Брак и љубов", authors=["Ема Голдман (Emma Goldman)"], body="Текст.")
    make_statement("On Emma Goldman", body="Emma Goldman " * 10)
    assert search(client, "emma goldman")[0] == "Брак и љубов"


def test_a_tag_never_outranks_a_title(client):
    make_statement("Notes from the yard", tags=["prisons"], body="prisons " * 40)
    make_statement("Prisons and their influence", body=BOOK + "prisons")
    assert search(client, "prisons") == ["Prisons and their influence", "Notes from the yard"]


def test_a_rare_word_weighs_more_than_a_common_one(client):
    for number in range(8):
        make_statement(f"Common {number}", body="The strike went on. " * 3)
    make_statement("Rare", body="The strike went on. Zapatista support for it.")
    make_statement("Often", body="The strike went on. " * 30 + "A zapatista.")
    search_words_rebuild()
    query = search_query("strike zapatista")
    weights = dict(query.terms)
    assert len(weights) == 2
    common, rare = (weight for _, weight in query.terms)
    assert rare > 2 * common > 0
    assert idf(0, 100) > idf(10, 100) > idf(90, 100) > 0


def test_a_statement_comes_before_a_book_where_the_match_is_equal(client):
    make_statement("Book", body=BOOK + " The dockers went on strike.")
    make_statement("Statement", body="The dockers went on strike.")
    assert search(client, "dockers") == ["Statement", "Book"]


def test_a_title_typed_with_a_typo_is_found_within_the_filters(client):
    make_statement("The Conquest of Bread", issued="1892", body="Book.")
    make_statement("The Conquest of Breath", issued="1990", published=False, body="Draft.")
    assert search(client, "conquest of bred") == ["The Conquest of Bread"]
    assert search(client, "the conqest of bread") == ["The Conquest of Bread"]
    response = client.get("/search/", {"q": "conquest of bred", "year": "1990"})
    assert result_titles(response) == []  # the year's filter holds
    assert "Breath" not in response.content.decode()  # and drafts stay hidden


def test_no_statement_with_every_word_shows_those_with_some(client):
    make_statement("Брак и љубов", body="Текст за бракот.")
    make_statement("Other", body="Nothing to see.")
    make_statement("Брак і любов", body="Чернетка.", published=False)
    response = client.get("/search/", {"q": "Брак і любов"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No statement holds every one of these words" in html
    assert search(client, "Брак і любов") == ["Брак и љубов"]
    api = client.get("/api/statements/", {"q": "Брак і любов"}).json()
    assert api["some_words"] and [row["title"] for row in api["results"]] == ["Брак и љубов"]
    assert not client.get("/api/statements/", {"q": "брак"}).json()["some_words"]
    # A phrase, or a word excluded, asks for exactly that: no fallback.
    assert search(client, '"Брак і любов"') == []
    assert search(client, "брак -текст любов") == []
    assert "every one of these words" not in client.get("/search/", {"q": "брак"}).content.decode()


def test_the_fallback_runs_a_constant_number_of_queries(client):
    make_statement("Marriage", tags=["t"], authors=["A"], body="marriage")

    def grow():
        for number in range(20):
            make_statement(f"Love {number}", tags=[f"t{number}"], authors=["B"], body="love")

    few, many = query_counts(client, "/search/?q=marriage+kindness+love", grow=grow)
    assert few == many
