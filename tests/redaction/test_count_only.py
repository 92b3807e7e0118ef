"""Signatories as a count only: on a statement whose signers must not be listed, no public
surface names one (page, print, downloads, EPUB and PDF, books, feeds, API, OAI, JSON-LD,
citations, search, facets, author pages, /changes/); the count is right; editors still see
the names."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from statements.catalog.indexing import statement_search_names_refresh
from statements.catalog.services import statement_save
from statements.models import Author, Statement
from tests.factories import make_editor, make_statement

pytestmark = pytest.mark.django_db(transaction=True)

SIGNERS = ["Ilse Brandvold", "Tomasz Wierzbicki", "Amara Okafor-Lind"]


@pytest.fixture
def appeal(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    statement = make_statement(
        "Appeal of the conscripts' families",
        slug="appeal-of-families",
        issued="2025-04",
        authors=["Families Council"],
        signatories=SIGNERS,
        tags=["conscription"],
        body="We ask for our sons back.",
    )
    statement.signatories_public = False
    statement_save(statement=statement)
    statement_search_names_refresh(statement_ids=[statement.pk])
    make_statement("Another appeal", slug="another-appeal", signatories=["Open Signer"])
    return Statement.objects.get(pk=statement.pk)


def _text(path: str, content: bytes) -> str:
    if path.endswith(".pdf"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if path.endswith(".epub"):
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return "\n".join(
                book.read(n).decode() for n in book.namelist() if n.endswith((".xhtml", ".opf"))
            )
    return content.decode("utf-8", errors="replace")


def test_no_public_surface_names_a_signatory(client, appeal):
    slug = "appeal-of-families"
    signer = Author.objects.get(name=SIGNERS[0])
    paths = [f"/statements/{slug}/", f"/statements/{slug}/history/", f"/statements/{slug}/v/1/",
             *(f"/statements/{slug}.{f}" for f in ("md", "muse", "txt", "json", "bib", "ris",
                                                   "csl.json", "epub", "pdf")),
             f"/book/book.epub?s={slug}", f"/book/?s={slug}",
             "/feeds/latest.atom", "/feeds/latest.rss", "/changes/", "/changes.atom",
             f"/api/statements/{slug}/", "/api/statements/", "/api/authors/",
             "/oai/?verb=ListRecords&metadataPrefix=oai_dc", "/oai/?verb=ListSets",
             "/search/?q=conscripts", "/authors/",
             f"/authors/{signer.slug}/", f"/statements/?author={signer.slug}",
             "/sitemap-authors.xml", "/opds/authors/", "/"]  # fmt: skip
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        content = b"".join(response.streaming_content) if response.streaming else response.content
        text = _text(path.split("?")[0], content)
        for name in SIGNERS:
            assert name not in text and name.split()[-1] not in text, (path, name)
    page = client.get(f"/statements/{slug}/").content.decode()
    assert "3 individual signatories, not listed publicly" in page
    assert "Families Council" in page
    assert client.get(f"/authors/{signer.slug}/").status_code == 404
    pdf = client.get(f"/statements/{slug}.pdf")
    assert "3 individual signatories" in _text(
        "x.pdf", b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    )
    assert client.get(f"/statements/{slug}.json").json()["signatories_not_listed"] == 3
    search = client.get("/search/?q=Brandvold").content.decode()
    assert "appeal-of-families" not in search
    # The other statement's signatory is listed as before.
    assert "Open Signer" in client.get("/statements/another-appeal/").content.decode()


def test_editors_still_see_the_signatories(client, appeal):
    client.force_login(make_editor("ed"))
    page = client.get(reverse("admin:statements_statement_change", args=[appeal.pk]))
    text = page.content.decode()
    assert all(name in text for name in SIGNERS)
    assert "Show individual signatories publicly" in text


def test_turning_the_option_back_on_lists_them_again(client, appeal):
    appeal.signatories_public = True
    statement_save(statement=appeal)
    statement_search_names_refresh(statement_ids=[appeal.pk])
    page = client.get("/statements/appeal-of-families/").content.decode()
    assert all(name in page for name in SIGNERS) and "not listed publicly" not in page
    assert "appeal-of-families" in client.get("/search/?q=Brandvold").content.decode()
