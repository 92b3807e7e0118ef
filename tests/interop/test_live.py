"""What other tools read, read by them from a live server on 127.0.0.1 (the small archive,
committed): the API fuzzed by schemathesis and its real responses validated against its
schema, and the sitemap crawled from robots.txt by ultimate-sitemap-parser."""

import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
from usp.tree import sitemap_tree_for_homepage

from statements.interop.sitemaps import StatementSitemap

pytestmark = pytest.mark.slow


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


def test_crawler_finds_every_public_page_through_robots_txt(live_server, live_archive, monkeypatch):
    # Two statements per page, so that the statements section is split into pages.
    monkeypatch.setattr(StatementSitemap, "limit", 2)
    tree = sitemap_tree_for_homepage(live_server.url + "/", use_known_paths=False)
    pages = {page.url.removeprefix(live_server.url): page for page in tree.all_pages()}
    assert set(pages) == {
        "/",
        "/statements/",
        "/authors/",
        "/tags/",
        "/archive/",
        "/statements/rent-strike-now/",
        "/statements/old-call/",
        "/statements/sample-1/",
        "/statements/year-only/",
        "/statements/march/",
        "/statements/undated/",
        "/authors/harbour-collective/",
        "/authors/dock-union/",
        "/authors/group-a/",
        "/authors/other-collective/",
        "/tags/housing/",
        "/tags/ecology/",
        "/tags/rent/",
        "/archive/1999/",
        "/archive/2025/",
    }
    assert all(page.last_modified is not None for page in pages.values())
    sections = [s.url.removeprefix(live_server.url) for s in tree.all_sitemaps()]
    assert "/sitemap.xml" in sections
    assert "/sitemap-statements.xml?p=2" in sections
