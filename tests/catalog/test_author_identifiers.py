"""Authors as authority records: a Wikidata item and a VIAF number on an author, checked,
shown on the author page, and given to linked-data readers (JSON-LD sameAs) and the API."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from statements.models import Author
from tests.factories import make_author, make_statement

pytestmark = pytest.mark.django_db


def json_ld(page: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [json.loads(block) for block in blocks]


@pytest.fixture
def dock_union():
    author = make_author("Dock Workers' Union")
    author.wikidata_id, author.viaf_id = "Q1234567", "95216565"
    author.alternative_names = "Dockers' Union"
    author.full_clean()
    author.save()
    make_statement("Strike notice", authors=[author.name])
    return author


@pytest.mark.parametrize(
    ("field", "value"), [("wikidata_id", "1234"), ("wikidata_id", "Q0"), ("viaf_id", "viaf123")]
)
def test_malformed_identifiers_are_refused_by_the_form_and_the_database(field, value):
    author = make_author("Harbour Collective")
    setattr(author, field, value)
    with pytest.raises(ValidationError) as error:
        author.full_clean()
    assert field in error.value.message_dict
    with pytest.raises(IntegrityError):
        Author.objects.filter(pk=author.pk).update(**{field: value})


def test_the_author_page_links_and_describes_the_records(client, dock_union):
    page = client.get(dock_union.get_absolute_url()).content.decode()
    assert 'href="https://www.wikidata.org/wiki/Q1234567"' in page
    assert 'href="https://viaf.org/viaf/95216565"' in page
    [data] = json_ld(page)
    assert data["sameAs"] == [
        "https://www.wikidata.org/wiki/Q1234567",
        "https://viaf.org/viaf/95216565",
    ]
    assert data["@type"] == "Organization" and data["alternateName"] == ["Dockers' Union"]


def test_a_statement_page_names_its_authors_records(client):
    author = make_author("Harbour Collective")
    Author.objects.filter(pk=author.pk).update(wikidata_id="Q99")
    statement = make_statement("Call", authors=["Harbour Collective"])
    [data] = json_ld(client.get(statement.get_absolute_url()).content.decode())
    assert data["author"][0]["sameAs"] == ["https://www.wikidata.org/wiki/Q99"]


def test_the_api_gives_the_identifiers(client, dock_union):
    data = client.get(f"/api/authors/{dock_union.slug}/").json()
    assert (data["wikidata_id"], data["viaf_id"]) == ("Q1234567", "95216565")
    assert data["same_as"][0] == "https://www.wikidata.org/wiki/Q1234567"
    plain = make_author("Nobody Known")
    make_statement("Other", authors=[plain.name])
    data = client.get(f"/api/authors/{plain.slug}/").json()
    assert (data["wikidata_id"], data["same_as"]) == (None, [])
