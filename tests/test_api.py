"""The JSON API: its OpenAPI schema checked by openapi-spec-validator, the whole API fuzzed by
schemathesis against a live server on 127.0.0.1, real responses validated against the
schema, and the behaviour a client relies on (filters, pagination, errors, CORS)."""

import datetime
import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
from django.utils import timezone
from openapi_spec_validator import validate

from statements.core.dates import PartialDate
from statements.core.records import SourceData
from tests.factories import make_statement, query_counts

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


def _archive():
    make_statement(
        "Rent strike now",
        slug="rent-strike-now",
        issued="2025-03",
        authors=["Harbour Collective"],
        signatories=["Group A"],
        tags=["housing", "rent"],
        language="en",
        body="Stop paying *rent*.",
        sources=[
            SourceData(
                url="https://example.org/call",
                retrieved_on=PartialDate.parse("2025-04"),
                note="Retrieved in April 2025",
            )
        ],
    )
    make_statement("Year only", slug="year-only", issued="2025", tags=["housing"], language="fr")
    make_statement("Old", slug="old", issued="1999-07", authors=["Dock Union"], body="rent")
    make_statement("Undated", slug="undated")
    make_statement(
        "Secret draft", slug="secret-draft", published=False, authors=["Hidden"], tags=["leak"]
    )
    make_statement(
        "Scheduled one",
        slug="scheduled-one",
        published_at=timezone.now() + datetime.timedelta(days=2),
        authors=["Hidden"],
        tags=["leak"],
        body="rent",
    )


@pytest.fixture
def archive(db):
    _archive()


@pytest.fixture
def live_archive(transactional_db):
    _archive()


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


def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(
    live_server, live_archive, tmp_path
):
    """The schemathesis command line against the live server: every operation, examples,
    boundary values and random input, valid and invalid."""
    assert live_server.url.startswith("http://127.0.0.1:")  # pyproject: --liveserver
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{live_server.url}/api/schema/",
        "--checks",
        "not_a_server_error,status_code_conformance,content_type_conformance,"
        "response_headers_conformance,response_schema_conformance,negative_data_rejection",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        "60",
        "--workers",
        "1",
        "--seed",
        "20261125",
        "--generation-database",
        "none",
        "--request-timeout",
        "20",
    ]
    # Run from a scratch folder: schemathesis keeps a crash cache in the working directory.
    result = subprocess.run(  # noqa: S603 - our own command line
        command, capture_output=True, text=True, cwd=tmp_path, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Tested: 6" in result.stdout and "No issues found" in result.stdout, result.stdout


def test_real_responses_match_the_schema(live_server, live_archive):
    schema = schemathesis.openapi.from_url(live_server.url + "/api/schema/")
    import requests

    for path, template in [
        ("/api/statements/?tag=housing&sort=date", "/api/statements/"),
        ("/api/statements/?q=rent", "/api/statements/"),
        ("/api/statements/rent-strike-now/", "/api/statements/{slug}/"),
        ("/api/authors/?kind=collective", "/api/authors/"),
        ("/api/authors/harbour-collective/", "/api/authors/{slug}/"),
        ("/api/tags/", "/api/tags/"),
        ("/api/tags/housing/", "/api/tags/{slug}/"),
        ("/api/statements/?lang=zz", "/api/statements/"),
        ("/api/statements/no-such/", "/api/statements/{slug}/"),
    ]:
        response = requests.get(live_server.url + path, timeout=10)
        schema[template]["GET"].validate_response(response)  # raises on a mismatch


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
    assert set(data["downloads"]) == {"md", "muse", "txt", "json", "bib", "ris", "csl.json"}


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_same_filters_as_the_site(client, archive):
    assert slugs(client.get("/api/statements/?tag=housing&sort=date")) == [
        "year-only",
        "rent-strike-now",
    ]
    assert slugs(client.get("/api/statements/?tag=housing&tag=rent")) == ["rent-strike-now"]
    assert slugs(client.get("/api/statements/?author=dock-union")) == ["old"]
    assert slugs(client.get("/api/statements/?lang=fr")) == ["year-only"]
    assert slugs(client.get("/api/statements/?from=2025-03&to=2025-03")) == [
        "rent-strike-now",
        "year-only",
    ]
    assert sorted(slugs(client.get("/api/statements/?q=rent"))) == ["old", "rent-strike-now"]
    assert slugs(client.get("/api/statements/?q=rent&sort=date")) == ["old", "rent-strike-now"]
    assert slugs(client.get("/api/statements/?year=1900")) == []  # an empty first page


def test_pagination_is_stable_and_linked(client, db, monkeypatch):
    from statements.interop import api

    monkeypatch.setattr(api, "PAGE_SIZE", 2)
    for n in range(5):
        make_statement(f"Same day {n}", slug=f"same-day-{n}", issued="2025-01-01")
    seen = []
    url = "/api/statements/?sort=date"
    while url:
        data = client.get(url).json()
        seen += [item["slug"] for item in data["results"]]
        url = data["next"] and data["next"].removeprefix("http://testserver")
    assert seen == [f"same-day-{n}" for n in range(5)]  # equal dates: by number, every time
    assert data["previous"] == "http://testserver/api/statements/?sort=date&page=2"
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
    assert client.get("/api/statements/").json()["count"] == 4
    tags = {t["slug"]: t["statements"] for t in client.get("/api/tags/").json()["results"]}
    assert tags == {"housing": 2, "rent": 1}


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
    def grow():
        for n in range(4):
            make_statement(f"Rent {n}", authors=[f"G{n}", "Harbour Collective"],
                           tags=["housing", f"t{n}"], body="rent")  # fmt: skip

    before, after = query_counts(client, url, grow=grow)
    assert before == after
