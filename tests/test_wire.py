"""What every public address answers on the wire: HEAD as GET does, and pages compressed
(Brotli or gzip) for readers that accept it."""

import gzip

import brotli
import pytest

from tests.factories import make_statement

LONG_BODY = "\n\n".join(f"Paragraph {n} of a long statement about the docks." for n in range(400))


@pytest.fixture
def statement(db):
    return make_statement(
        "A long call", body=LONG_BODY, issued="2024-05", authors=["Dock Assembly"], tags=["docks"]
    )


def public_addresses(statement) -> list[str]:
    slug = statement.slug
    return [
        "/",
        "/statements/",
        statement.get_absolute_url(),
        f"/statements/{slug}.md",
        f"/statements/{slug}.json",
        f"/statements/{slug}.bib",
        f"/statements/{slug}/history/",
        "/authors/",
        "/authors/dock-assembly/",
        "/tags/",
        "/tags/docks/",
        "/archive/",
        "/archive/2024/",
        "/archive/2024/05/",
        "/archive/undated/",
        "/search/?q=docks",
        "/opensearch.xml",
        "/feeds/latest.atom",
        "/changes.atom",
        "/sitemap.xml",
        "/opds/",
        "/oai/?verb=Identify",
        "/robots.txt",
        # The JSON API's five operations.
        "/api/statements/",
        "/api/statements/?q=docks",
        f"/api/statements/{slug}/",
        "/api/authors/",
        "/api/authors/dock-assembly/",
        "/api/tags/",
        "/api/tags/docks/",
    ]


@pytest.mark.django_db
def test_head_answers_every_public_address_as_get_does(client, statement):
    for address in public_addresses(statement):
        get, head = client.get(address), client.head(address)
        assert (address, head.status_code) == (address, get.status_code)
        assert head["Content-Type"] == get["Content-Type"], address
        assert head.content == b"", address


@pytest.mark.django_db
def test_pages_are_compressed_with_brotli_or_gzip(client, statement):
    url = statement.get_absolute_url()
    plain = client.get(url)
    assert "Content-Encoding" not in plain
    text = plain.content
    brotli_response = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert brotli_response["Content-Encoding"] == "br"
    assert "Accept-Encoding" in brotli_response["Vary"]
    assert brotli.decompress(brotli_response.content) == text
    assert len(brotli_response.content) < len(text) / 3
    gzip_response = client.get(url, headers={"accept-encoding": "gzip"})
    assert gzip_response["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzip_response.content) == text
    feed = client.get("/feeds/latest.atom", headers={"accept-encoding": "br"})
    assert feed["Content-Encoding"] == "br"


@pytest.mark.django_db
def test_an_editors_pages_and_the_admin_are_not_compressed(editor_client, statement):
    for url in (statement.get_absolute_url(), "/admin/"):
        response = editor_client.get(url, headers={"accept-encoding": "gzip, br"})
        assert "Content-Encoding" not in response, url


@pytest.mark.django_db
def test_a_conditional_reload_of_a_compressed_page_is_a_304(client, statement):
    url = statement.get_absolute_url()
    first = client.get(url, headers={"accept-encoding": "br"})
    again = client.get(url, headers={"accept-encoding": "br", "if-none-match": first["ETag"]})
    assert again.status_code == 304
