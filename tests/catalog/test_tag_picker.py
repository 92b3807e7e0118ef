"""The editor's tag picker suggests the archive's tags as the editor types, near spellings
included, so that "anarchisme" is seen to be "anarchism" before a second tag is made."""

import pytest
from django.urls import reverse

from tests.factories import make_statement

pytestmark = pytest.mark.django_db
SUGGEST = reverse("admin:statements_statement_tag_suggest")


@pytest.fixture
def tags():
    make_statement("One", tags=["anarchism", "housing"])
    make_statement("Two", tags=["anarchism", "Écologie"])


def suggested(client, term: str) -> list[str]:
    response = client.get(SUGGEST, {"term": term})
    assert response.status_code == 200
    return [result["id"] for result in response.json()["results"]]


def test_near_spellings_and_accents_find_the_archives_tag(editor_client, tags):
    assert suggested(editor_client, "anarchisme")[0] == "anarchism"
    assert suggested(editor_client, "ecolog") == ["Écologie"]
    assert suggested(editor_client, "hous") == ["housing"]


def test_each_suggestion_says_how_often_it_is_used(editor_client, tags):
    [result] = editor_client.get(SUGGEST, {"term": "anarchism"}).json()["results"]
    assert result == {"id": "anarchism", "text": "anarchism (2)"}


def test_nothing_typed_nothing_suggested_and_odd_input_is_harmless(editor_client, tags):
    assert suggested(editor_client, "") == []
    assert suggested(editor_client, "%_\\' OR 1=1 --" * 20) == []


def test_only_editors_are_answered(client, tags):
    assert client.get(SUGGEST, {"term": "an"}).status_code == 302  # to the login page


def test_the_tag_field_carries_the_suggestions_address(editor_client):
    page = editor_client.get(reverse("admin:statements_statement_add")).content.decode()
    assert f'data-suggest-url="{SUGGEST}"' in page
