"""Other formats a user brings: saved web pages and HTML fragments (main text found, metadata
read from <meta> tags and JSON-LD, never imported as plain text) and Project Gutenberg
books (unwrapped, with chapters, title and author from the header or the title page). Every
file here is written for the test, in the shapes real ones have."""

import json

import pytest

from statements.core.rendering import render_body
from statements.ingest.files import detect_format, parse_bytes
from statements.ingest.services import statement_import
from statements.models import Statement

PARAGRAPH = (
    "The tenants of the four towers met on Sunday and decided to stop paying rent until the "
    "heating is repaired. Nobody will pay alone and nobody will be evicted alone."
)
LD = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Rent strike in the four towers",
    "author": [{"@type": "Organization", "name": "Four Towers Tenants"}],
    "datePublished": "2024-03-08T10:00:00+01:00",
    "inLanguage": "en",
}


def page(head: str = "", *, lang: str = ' lang="en"', h1: str = "Rent strike!") -> bytes:
    return f"""<!DOCTYPE html>
<html{lang}><head><meta charset="utf-8"><title>{h1} | Four Towers</title>{head}
<style>body {{ color: red }}</style></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/contact">Contact</a></nav>
<main><article><h1>{h1}</h1>
<p>{PARAGRAPH}</p>
<h2>What we ask</h2>
<ul><li>Heating by the 1<sup>st</sup> of April.</li><li>No evictions.</li></ul>
<p>Join us <em>in the courtyard</em> on <strong>Saturday</strong>; read
<a href="https://example.org/first">our first call</a>. {PARAGRAPH}</p>
</article></main>
<footer><p>Copyright 2024 Four Towers. Privacy policy. Site map.</p></footer>
<script>document.write("tracking")</script></body></html>""".encode()


def parsed(raw: bytes, name: str = "page.html"):
    (item,) = parse_bytes(raw, name=name)
    return item


class TestWebPages:
    def test_the_main_text_without_the_site_around_it(self):
        item = parsed(page())
        assert item.format == "html"
        data = item.data
        assert data.title == "Rent strike!"
        assert data.body.startswith(PARAGRAPH + "\n\n## What we ask\n\n- Heating by the 1^st^")
        assert "*in the courtyard*" in data.body and "**Saturday**" in data.body
        assert "[our first call](https://example.org/first)" in data.body
        for chrome in ("Home", "Privacy policy", "tracking", "color: red", "<", "Rent strike!"):
            assert chrome not in data.body
        assert data.language == "en"
        assert data.metadata == {"page title": "Rent strike! | Four Towers"}
        assert "<sup>st</sup>" in render_body(data.body)[0]

    def test_a_page_that_marks_no_article_is_read_by_trafilatura(self):
        raw = page().replace(b"<main><article>", b'<div class="content">')
        raw = raw.replace(b"</article></main>", b"</div>")
        data = parsed(raw).data
        assert data.body.startswith(PARAGRAPH + "\n\n## What we ask\n")
        for chrome in ("Home", "Privacy policy", "tracking"):
            assert chrome not in data.body

    def test_nothing_inside_the_article_is_lost_but_what_surrounds_a_text(self):
        refrain = "<p>We will not pay for the cold. " * 3 + "We will not pay for the cold.</p>"
        raw = page().replace(
            b"</article>",
            (
                refrain * 3 + '<aside class="share">Share on social media</aside>'
                "<footer>Posted in Housing</footer><form><button>Comment</button></form>"
                "</article>"
            ).encode(),
        )
        body = parsed(raw).data.body
        assert body.count("We will not pay for the cold. We will not pay") == 3
        for chrome in ("Share on", "Posted in", "Comment"):
            assert chrome not in body

    def test_meta_tags_give_authors_date_address_and_language(self):
        head = (
            '<meta name="citation_title" content="Rent strike in the four towers: a call">'
            '<meta name="citation_author" content="Four Towers Tenants Assembly">'
            '<meta name="citation_author" content="Maria Lopez">'
            '<meta name="DC.date" content="2024-03">'
            '<meta name="DC.language" content="fr">'
            '<meta property="og:site_name" content="Four Towers">'
            '<meta name="description" content="A call to every tenant.">'
            '<link rel="canonical" href="https://towers.example.org/call">'
        )
        data = parsed(page(head, lang="")).data
        assert data.title == "Rent strike in the four towers: a call"
        assert [(c.name, c.kind) for c in data.credits] == [
            ("Four Towers Tenants Assembly", "collective"),
            ("Maria Lopez", "person"),
        ]
        assert str(data.issued) == "2024-03" and data.date_text == ""
        assert data.language == "fr"  # what the page says, not what a detector thinks
        assert [(s.url, s.site_name) for s in data.sources] == [
            ("https://towers.example.org/call", "Four Towers")
        ]
        assert data.summary == "A call to every tenant."

    def test_json_ld_where_there_are_no_meta_tags(self):
        script = f'<script type="application/ld+json">{json.dumps(LD)}</script>'
        data = parsed(page(script, lang="")).data
        assert data.title == "Rent strike in the four towers"
        assert [(c.name, c.kind) for c in data.credits] == [("Four Towers Tenants", "collective")]
        assert str(data.issued) == "2024-03-08"
        assert data.language == "en"

    def test_article_published_time_and_the_author_meta(self):
        head = (
            '<meta property="article:published_time" content="2023-11-30T08:15:00Z">'
            '<meta name="author" content="Night Shelter Collective; Ana Ruiz">'
            '<script type="application/ld+json">{broken</script>'
        )
        data = parsed(page(head)).data
        assert str(data.issued) == "2023-11-30"
        assert [c.name for c in data.credits] == ["Night Shelter Collective", "Ana Ruiz"]

    @pytest.mark.parametrize("name", ["call.txt", "index.php", "call.html"])
    def test_html_is_told_by_its_content_never_read_as_text(self, name):
        item = parsed(page(), name=name)
        assert item.format == "html" and "<h1>" not in item.data.title
        assert "html" not in item.data.title.lower()

    def test_a_fragment_is_converted_whole(self):
        fragment = f"<h1>Call for a rent strike</h1>\n<p>{PARAGRAPH}</p>\n<p>Join us.</p>\n"
        item = parsed(fragment.encode(), name="call.htm")
        assert item.data.title == "Call for a rent strike"
        assert item.data.body == f"{PARAGRAPH}\n\nJoin us.\n"
        assert item.data.language == "en"
        assert "the page does not say its language: detected en" in item.notes

    def test_a_line_break_in_the_heading_parts_its_words(self):
        """Finding 24 of issue 32: "From Fergusonto Oakland"."""
        fragment = f"<h1>From Ferguson<br>to Oakland</h1>\n<p>{PARAGRAPH}</p>\n"
        item = parsed(fragment.encode(), name="ferguson.html")
        assert item.data.title == "From Ferguson to Oakland"
        assert "Oakland" not in item.data.body

    def test_an_empty_first_heading_gives_way_to_the_next(self):
        """Finding 25 of issue 32: an empty first <h1> refused the file ("no title")."""
        fragment = (
            f"<h1><img src='logo.png' alt=''></h1><h1>Call to the towers</h1><p>{PARAGRAPH}</p>"
        )
        item = parsed(fragment.encode(), name="towers.php")
        assert item.data.title == "Call to the towers"
        assert item.data.body.strip() == PARAGRAPH

    def test_a_page_without_any_title_is_refused_with_the_reason(self):
        with pytest.raises(ValueError, match="no title"):
            parse_bytes(b"<!DOCTYPE html><html><body><p>x</p></body></html>", name="x.html")

    @pytest.mark.parametrize(
        "text",
        [
            "A text that mentions <p> and </p> in passing.\n",
            "# Heading\n\nSome Markdown with <em>inline</em> HTML.\n",
            "#title Muse\n\n<p>Muse allows it</p>\n",
        ],
    )
    def test_text_with_a_few_tags_is_not_taken_for_html(self, text):
        assert detect_format(text) != "html"

    @pytest.mark.django_db
    def test_a_page_imports_and_imports_again_unchanged(self):
        first = statement_import(files=[("call.html", page())])
        again = statement_import(files=[("call.html", page())])
        assert len(first.created) == 1 and len(again.unchanged) == 1
        statement = Statement.objects.get()
        assert statement.imported_from.format == "html"
        assert "<h2" in statement.body_html and "Home" not in statement.body_html


HEADER = """The Project Gutenberg eBook of Rent and Bread, by Ann Example

This eBook is for the use of anyone anywhere in the United States and
most other parts of the world at no cost and with almost no restrictions
whatsoever.

Title: Rent and Bread
       An Essay on the Four Towers

Author: Ann Example

Translator: Ben Sample

Release Date: March 3, 2021 [eBook #99999]

Language: English

*** START OF THE PROJECT GUTENBERG EBOOK RENT AND BREAD ***
"""
WRAPPED = """The tenants of the four towers met on Sunday and decided to stop
paying rent until the heating is repaired. Nobody will pay alone and
nobody will be evicted alone, and the assembly will meet every week."""
BOOK = """



                              RENT AND BREAD

                                    BY
                               ANN EXAMPLE

                                 LONDON
                                  1921



CONTENTS

  CHAPTER                                  PAGE
  I. OUR HOMES                                1


CHAPTER I

OUR HOMES


{wrapped}

    Towers        Flats      Tenants
    North            40          112
    South            38          104

_Emphasis_ stays emphasis, and the next paragraph
is joined too.

                         *       *       *       *

  I have written this in haste.

                                                 ANN EXAMPLE.
"""
LICENCE = """
*** END OF THE PROJECT GUTENBERG EBOOK RENT AND BREAD ***

Updated editions will replace the previous one--the old editions will
be renamed. Section 1. General Terms of Use and Redistributing.
"""


class TestGutenbergBooks:
    def book(self, header: str = HEADER):
        return parsed((header + BOOK.format(wrapped=WRAPPED) + LICENCE).encode(), "99999-0.txt")

    def test_title_author_translator_and_subtitle_from_the_header(self):
        data = self.book().data
        assert (data.title, data.subtitle) == ("Rent and Bread", "An Essay on the Four Towers")
        assert [(c.name, c.role) for c in data.credits] == [
            ("Ann Example", "author"),
            ("Ben Sample", "translator"),
        ]
        assert data.rights == "Public domain in the USA (Project Gutenberg)"
        assert "Section 1" not in data.body and "This eBook is for" not in data.body

    def test_paragraphs_unwrapped_chapters_made_headings_and_nothing_preformatted_but_tables(
        self,
    ):
        html, toc = render_body(self.book().data.body)
        assert [t["text"] for t in toc] == ["CONTENTS", "CHAPTER I", "OUR HOMES"]
        assert "<p>" + " ".join(WRAPPED.split()) + "</p>" in html
        # Tables (columns set with spaces) are the only preformatted text: the contents and
        # the figures.
        assert html.count("<pre>") == 2 and "North            40" in html
        assert "I. OUR HOMES                                1" in html
        assert "<em>Emphasis</em> stays emphasis, and the next paragraph is joined too." in html
        assert "<hr>" in html
        assert "<p>BY<br>\nANN EXAMPLE</p>" in html  # the title page keeps its lines
        assert "<h2" not in html.split('<h2 id="contents"')[0]  # no title page line a heading
        assert "ANN EXAMPLE.</p>" in html  # a signature set in from the margin: no heading

    def test_without_a_header_the_title_page_says_title_and_author(self):
        start = "*** START OF THE PROJECT GUTENBERG EBOOK 99999 ***\n"
        note = (
            "\n  TRANSCRIBER'S NOTE\n\n  Italic text is denoted by _underscores_.\n\n"
            "  Some minor changes to the text are noted at the end of the book.\n\n\n"
        )
        item = parsed((start + note + BOOK.format(wrapped=WRAPPED) + LICENCE).encode())
        data = item.data
        assert data.title == "Rent and Bread"
        assert [(c.name, c.role) for c in data.credits] == [("Ann Example", "author")]
        assert "Italic text is denoted" in data.metadata["transcriber's note"]
        assert "TRANSCRIBER" not in data.body

    def test_the_start_line_names_the_book_when_nothing_else_does(self):
        start = "*** START OF THE PROJECT GUTENBERG EBOOK THE FOUR TOWERS ***\n\n"
        data = parsed((start + WRAPPED + "\n" + LICENCE).encode()).data
        assert data.title == "The Four Towers"

    def test_notes_at_the_margin_and_at_the_end_leave_the_text_and_are_all_kept(self):
        """Finding 34: a transcriber's note set at the margin (and a second one at the end)
        leaves the text; the eBook's number gives its gutenberg.org address."""
        start = "*** START OF THE PROJECT GUTENBERG EBOOK 99999 ***\n"
        first = "\n  TRANSCRIBER'S NOTE\n\n  Italic text is denoted by _underscores_.\n\n\n"
        last = (
            "\n\nTranscriber’s Notes\n\n\nSmall capitals are changed to all capitals.\n\n"
            "Obvious typographical errors have been corrected.\n\n  (p. 10)\n"
            "  ... battle-field ...\n  ... battlefield ...\n"
        )
        raw = start + first + BOOK.format(wrapped=WRAPPED) + last + LICENCE
        data = parsed(raw.encode()).data
        note = data.metadata["transcriber's note"]
        assert "Italic text is denoted" in note and "Small capitals are changed" in note
        assert "battlefield" in note
        for words in ("Small capitals", "Obvious typographical", "battlefield", "Transcriber"):
            assert words not in data.body
        assert data.body.rstrip().endswith("ANN EXAMPLE.")
        assert [(s.url, s.site_name) for s in data.sources] == [
            ("https://www.gutenberg.org/ebooks/99999", "Project Gutenberg")
        ]

    def test_the_header_s_ebook_number_gives_the_address_and_the_old_closing_line_goes(self):
        old_end = "\nEnd of the Project Gutenberg EBook of Rent and Bread, by Ann Example\n"
        raw = HEADER + BOOK.format(wrapped=WRAPPED) + old_end + LICENCE
        data = parsed(raw.encode(), "rent.txt").data
        assert [s.url for s in data.sources] == ["https://www.gutenberg.org/ebooks/99999"]
        assert "End of the Project Gutenberg" not in data.body


QUOTED = f"""<h1>Against the police</h1><p>{PARAGRAPH}</p>
<blockquote><p>We keep us safe, said a neighbour on the stairs of the north tower.</p></blockquote>
<p>{PARAGRAPH}</p>
<figure><img src="square.jpg" alt=""><figcaption>The courtyard at night, full of tents and
neighbours.</figcaption></figure>
<aside class="pullquote">No cop ever stopped an eviction in the four towers.</aside>
<p>{PARAGRAPH} The last paragraph comes after the pull quote.</p>"""


class TestWhatPagesHold:
    """Findings 22 and 23: fragments that start with any tag are HTML, read for their main
    text; quotations, figures and pull quotes stay."""

    @pytest.mark.parametrize("wrapper", ["article", "div"])
    def test_quotations_captions_and_pull_quotes_are_kept(self, wrapper):
        raw = (
            "<!doctype html><html lang=en><head><title>Against the police</title></head><body>"
            "<nav><a href='/'>Home</a> <a href='/texts'>Texts</a></nav>"
            f"<{wrapper} class='content'>{QUOTED}</{wrapper}>"
            "<footer>Copyright CrimethInc.</footer></body></html>"
        )
        body = parsed(raw.encode()).data.body
        for kept in (
            "> We keep us safe",
            "The courtyard at night, full of tents",
            "No cop ever stopped an eviction",
            "The last paragraph comes after the pull quote.",
        ):
            assert kept in body, kept
        assert "Home" not in body and "Copyright" not in body

    @pytest.mark.parametrize(
        ("name", "fragment", "title"),
        [
            ("rncdnc.php",
             '<script language="JavaScript">\nfunction popup() { window.open("x"); }\n'
             '</script>\n<center><font size=5><b>Crash the conventions</b></font></center>\n'
             f"<p>{PARAGRAPH}</p>", "Crash the conventions"),
            ("halloween.php",
             f'<img src="pumpkin.gif" alt="">\n<h2>Halloween action</h2>\n<p>{PARAGRAPH}</p>',
             "Halloween action"),
            ("border.php",
             '<a href="/index.php">Back</a>\n<b>No border camp</b><br>\n'
             f'<p>{PARAGRAPH}</p><p>See <a href="http://example.org/call">the call</a>.</p>',
             "No border camp"),
        ],
    )  # fmt: skip
    def test_a_fragment_starting_with_any_tag_is_read_as_html(self, name, fragment, title):
        item = parsed(fragment.encode(), name=name)
        assert item.format == "html"
        assert item.data.title == title
        body = item.data.body
        assert PARAGRAPH in body
        for code in ("<", "window.open", "function", "JavaScript"):
            assert code not in item.data.title and code not in body
