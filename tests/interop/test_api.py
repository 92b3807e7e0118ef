"""The JSON API: its OpenAPI schema checked by openapi-spec-validator, the whole API fuzzed by
schemathesis against a live server on 127.0.0.1, real responses validated against the
schema, and the behaviour a client relies on (filters, pagination, errors, CORS)."""

import pytest
from openapi_spec_validator import validate

from tests.factories import make_statement, query_counts, small_archive_grow

API_PAGES = [
    "/api/statements/",
    "/api/statements/?q=rent",
    "/api/statements/?tag=housing",
    "/api/statements/rent-strike-now/",
    "/api/authors/",
    "/api/authors/harbour-collective/",
    "/api/tags/",
    "/api/tags/housing/",
]


def test_schema_is_valid_openapi(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    spec = response.json()
    validate(spec)  # raises on an invalid document
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {
        "/api/statements/",
        "/api/statements/{slug}/",
        "/api/authors/",
        "/api/authors/{slug}/",
        "/api/tags/",
        "/api/tags/{slug}/",
    }
    for operations in spec["paths"].values():
        assert set(operations) == {"get"}


def test_statement_detail(client, archive):
    data = client.get("/api/statements/rent-strike-now/").json()
    assert data["title"] == "Rent strike now"
    assert data["issued"] == {
        "value": "2025-03",
        "precision": "month",
        "start": "2025-03-01",
        "end": "2025-03-31",
    }
    assert [a["name"] for a in data["authors"]] == ["Harbour Collective"]
    assert [(c["name"], c["role"]) for c in data["credits"]] == [
        ("Harbour Collective", "author"),
        ("Group A", "signatory"),
    ]
    assert [t["slug"] for t in data["tags"]] == ["housing", "rent"]
    assert data["sources"][0]["retrieved_on"]["value"] == "2025-04"
    assert data["body"] == "Stop paying *rent*."
    assert "<em>rent</em>" in data["body_html"]
    assert set(data["downloads"]) == {
        *("epub", "pdf", "md", "muse", "txt", "json", "bib", "ris", "csl.json")
    }


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_same_filters_as_the_site(client, archive):
    assert slugs(client.get("/api/statements/?tag=housing&sort=date")) == [
        "year-only",
        "rent-strike-now",
        "sample-1",
    ]
    assert slugs(client.get("/api/statements/?tag=housing&tag=rent")) == ["rent-strike-now"]
    assert slugs(client.get("/api/statements/?author=dock-union")) == ["old-call"]
    assert slugs(client.get("/api/statements/?lang=fr")) == ["march", "year-only"]
    assert slugs(client.get("/api/statements/?from=2025-03&to=2025-03")) == [
        "sample-1",
        "march",
        "rent-strike-now",
        "year-only",
    ]
    assert sorted(slugs(client.get("/api/statements/?q=rent"))) == ["old-call", "rent-strike-now"]
    assert slugs(client.get("/api/statements/?q=rent&sort=date")) == [
        "old-call",
        "rent-strike-now",
    ]
    assert slugs(client.get("/api/statements/?year=1900")) == []  # an empty first page


def test_pagination_is_stable_and_linked(client, db, monkeypatch):
    from statements.interop import api

    monkeypatch.setattr(api, "PAGE_SIZE", 2)
    for n in range(5):
        make_statement(f"Same day {n}", slug=f"same-day-{n}", issued="1850-01-01")
    seen = []
    url = "/api/statements/?year=1850&sort=date"
    while url:
        data = client.get(url).json()
        seen += [item["slug"] for item in data["results"]]
        url = data["next"] and data["next"].removeprefix("http://testserver")
    assert seen == [f"same-day-{n}" for n in range(5)]  # equal dates: by number, every time
    assert data["previous"] == "http://testserver/api/statements/?year=1850&sort=date&page=2"
    assert data["count"] == 5


@pytest.mark.parametrize(
    "url, status",
    [
        ("/api/statements/?year=25", 400),
        ("/api/statements/?from=2025-13", 400),
        ("/api/statements/?from=2026&to=2025", 400),
        ("/api/statements/?lang=zz", 400),
        ("/api/statements/?sort=sideways", 400),
        ("/api/statements/?sort=relevance", 400),  # relevance needs words to search for
        ("/api/statements/?q=rent&sort=title", 400),
        ("/api/statements/?page=0", 400),
        ("/api/statements/?page=x", 400),
        ("/api/statements/?author=%00", 400),
        ("/api/statements/?year=2025&year=2026", 400),
        ("/api/statements/?page=99", 404),
        ("/api/statements/?q=rent&page=51", 404),
        ("/api/statements/?tag=no-such-tag", 404),
        ("/api/statements/?author=nobody", 404),
        ("/api/statements/no-such/", 404),
        ("/api/authors/?kind=robot", 400),
        ("/api/authors/nobody/", 404),
        ("/api/tags/?page=-1", 400),
        ("/api/tags/nothing/", 404),
        ("/api/nothing/", 404),
    ],
)
def test_bad_input_gets_a_json_error(client, archive, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


@pytest.mark.parametrize("url", API_PAGES)
def test_drafts_and_scheduled_are_nowhere_in_the_api(client, archive, url):
    body = client.get(url).content.decode()
    for secret in ("Secret draft", "secret-draft", "Scheduled one", "Hidden", "leak"):
        assert secret not in body
    for hidden in ("/api/statements/secret-draft/", "/api/statements/scheduled-one/",
                   "/api/authors/hidden/", "/api/tags/leak/"):  # fmt: skip
        assert client.get(hidden).status_code == 404


def test_counts_leave_out_drafts(client, archive):
    assert client.get("/api/statements/").json()["count"] == 6
    tags = {t["slug"]: t["statements"] for t in client.get("/api/tags/").json()["results"]}
    assert tags == {"ecology": 1, "housing": 3, "rent": 2}


def test_cors_allows_any_origin_to_read(client, archive):
    response = client.get("/api/statements/", HTTP_ORIGIN="https://elsewhere.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/statements/",
        HTTP_ORIGIN="https://elsewhere.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response
    # The site's own pages are not opened to other origins.
    page = client.get("/statements/", HTTP_ORIGIN="https://elsewhere.example")
    assert "Access-Control-Allow-Origin" not in page


def test_the_api_is_read_only(client, archive):
    assert client.post("/api/statements/", {}).status_code == 405
    assert client.delete("/api/statements/rent-strike-now/").status_code == 405


@pytest.mark.parametrize("url", API_PAGES)
def test_api_query_count_is_constant(client, archive, url):
    before, after = query_counts(client, url, grow=small_archive_grow)
    assert before == after


def test_a_bodys_html_carries_its_notes_at_the_end_only(client, db):
    from tests.factories import make_statement

    made = make_statement("Noted", body="Said.[^1]\n\n[^1]: Where it was said.")
    data = client.get(f"/api/statements/{made.slug}/").json()
    assert "popover" not in data["body_html"]
    assert data["body_html"].count("Where it was said.") == 1
