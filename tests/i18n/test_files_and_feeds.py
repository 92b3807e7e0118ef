"""The files and feeds in the reader's language: an EPUB's fixed words (its colophon) in the
interface language it was asked in, a right-to-left statement set right to left in it, and
each feed entry saying its own language."""

import io
import zipfile

import pytest
from django.utils import translation
from lxml import etree

from statements.core.dates import PartialDate
from statements.core.records import SourceData
from statements.editions import services as editions
from statements.editions.services import EditionOptions
from tests.factories import make_statement


def chapters(content: bytes) -> str:
    book = zipfile.ZipFile(io.BytesIO(content))
    return " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))


@pytest.mark.django_db
def test_an_epub_asked_in_ukrainian_has_a_ukrainian_colophon_and_a_right_to_left_text():
    made = make_statement(
        "نداء",
        issued="2025-03",
        language="ar",
        authors=["تجمّع الميناء"],
        body="نحن نقف معًا.",
        sources=[SourceData(url="https://example.org/nida", retrieved_on=PartialDate(2025, 4))],
    )
    with translation.override("uk"):
        content = editions.edition_make(made, fmt="epub", options=EditionOptions(paper=""))
        name = editions.edition_name(made, fmt="epub", options=EditionOptions(paper=""))
    text = chapters(content)
    assert "Про цей текст" in text and "Отримано квітень 2025" in text
    assert "Зміст" in text  # the contents' heading (pandoc's toc-title)
    assert 'dir="rtl"' in text
    # The same statement asked in English is another file, with English fixed words.
    english = editions.edition_name(made, fmt="epub", options=EditionOptions(paper=""))
    assert english != name
    assert "About this text" in chapters(
        editions.edition_make(made, fmt="epub", options=EditionOptions(paper=""))
    )


@pytest.mark.django_db
def test_feed_entries_carry_their_language(client):
    make_statement("نداء", slug="nida", language="ar", body="نحن نقف معًا.")
    make_statement("Call", slug="call", language="en", body="We stand together.")
    root = etree.fromstring(client.get("/feeds/latest.atom").content)
    atom = "{http://www.w3.org/2005/Atom}"
    languages = {
        entry.findtext(f"{atom}title"): entry.get("{http://www.w3.org/XML/1998/namespace}lang")
        for entry in root.findall(f"{atom}entry")
    }
    assert languages == {"نداء": "ar", "Call": "en"}
    # The feed's own words in the interface's language, under its prefix.
    ukrainian = etree.fromstring(client.get("/uk/feeds/latest.atom").content)
    assert "найновіші заяви" in ukrainian.findtext(f"{atom}title")
