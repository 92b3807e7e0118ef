"""Muse that pandoc's reader gets wrong, read right: code blocks holding "}", tables written
between bars and their captions, superscript and subscript, emphasis next to CJK
punctuation. Each file is written for the test in the shape real sources have."""

from statements.core.rendering import render_body, render_markdown
from statements.ingest.files import parse_bytes


def body_html(body: str) -> str:
    (item,) = parse_bytes(f"#title Edges\n#lang en\n\n{body}".encode(), name="edges.muse")
    return render_markdown(item.data.body)


SCRIPT = 'if [ -n "$1" ]; then\n  echo "}"\n  exit 1\nfi'


def test_a_code_block_holding_a_brace_stays_a_code_block():
    html = body_html(f"Run this:\n\n{{{{{{\n{SCRIPT}\n}}}}}}\n\nThen rest.\n")
    assert '<pre><code>if [ -n "$1" ]; then\n  echo "}"\n  exit 1\nfi\n</code></pre>' in html
    assert "{{{" not in html and "<table>" not in html
    assert html.endswith("<p>Then rest.</p>\n")


def test_an_unclosed_code_block_runs_to_the_end():
    html = body_html(f"{{{{{{\n{SCRIPT}\n")
    assert html.startswith("<pre><code>if [") and "{{{" not in html


def test_a_table_between_bars_has_no_empty_column_and_its_caption_first():
    html = body_html(
        "Before.\n\n|| Collective || City ||\n| Night Shelter | Lyon |\n| Rent Union | Turin |\n"
        "|+ Who signed +|\n\nAfter.\n"
    )
    assert "<th>Collective</th>\n<th>City</th>\n</tr>" in html
    assert "<td>Night Shelter</td>\n<td>Lyon</td>\n</tr>" in html
    assert "|" not in html and "<th></th>" not in html and "<td></td>" not in html
    assert html.index("<em>Who signed</em>") < html.index("<table>")
    assert html.startswith("<p>Before.</p>") and html.endswith("<p>After.</p>\n")


def test_a_table_without_bars_keeps_its_caption_first_too():
    html = body_html("Collective || City\nNight Shelter | Lyon\n|+ Who signed +|\n")
    assert html.index("<em>Who signed</em>") < html.index("<table>")
    assert "<td>Night Shelter</td>" in html


def test_bars_inside_an_example_are_left_alone():
    html = body_html("<example>\n| a | b |\n{{{\n</example>\n")
    assert "<pre><code>| a | b |\n{{{\n</code></pre>" in html


def test_superscript_and_subscript_render_in_the_text_and_contents():
    (item,) = parse_bytes(
        b"#title T\n#lang en\n\n* The 17<sup>th</sup> of May\n\nH<sub>2</sub>O, 1<sup>st</sup>.\n",
        name="t.muse",
    )
    from statements.core.rendering import render_body

    html, toc = render_body(item.data.body)
    assert "17<sup>th</sup> of May</h2>" in html
    assert "<p>H<sub>2</sub>O, 1<sup>st</sup>.</p>" in html
    assert toc[0]["text"] == "The 17th of May"
    assert "^" not in html and "~" not in html


def test_emphasis_next_to_cjk_punctuation_renders():
    html = body_html("我们说<strong>「团结」</strong>就是力量，<em>『自由』</em>也是。\n")
    assert "<strong>「团结」</strong>就是力量" in html
    assert "<em>『自由』</em>也是" in html
    assert "*" not in html


def test_latin_emphasis_rules_are_unchanged():
    # CommonMark's own rules still hold away from CJK text: no emphasis inside a word
    # with underscores, none opened before a space.
    assert render_markdown("snake_case_name and * not emphasis*\n") == (
        "<p>snake_case_name and * not emphasis*</p>\n"
    )


class TestOrphanFootnotes:
    """Finding 33: a note nothing cites keeps its words, and both halves' losses are said."""

    MUSE = (
        "#title Notes\n#lang en\n\nWe met.[1] We left.[2] In [1881], nothing.\n\n"
        "[1] At the hall.\n\n[3] Nobody cites this note, and its words still matter.\n"
    )

    def test_a_muse_note_nobody_cites_keeps_its_text_and_both_are_warned(self):
        (item,) = parse_bytes(self.MUSE.encode(), name="notes.muse")
        assert "Nobody cites this note, and its words still matter." in item.data.body
        assert "[^1]" in item.data.body  # the cited note is still a note
        assert item.notes == [
            "line 4: note [2] is cited but has no text: kept as written",
            "line 8: note [3] is cited nowhere: its text is kept as a paragraph",
        ]

    def test_a_markdown_note_nobody_cites_keeps_its_text(self):
        text = (
            "# Notes\n\nWe met.[^1] We left.[^2]\n\n[^1]: At the hall.\n\n"
            "[^3]: Nobody cites this.\n"
        )
        (item,) = parse_bytes(text.encode(), name="notes.md")
        html, _toc = render_body(item.data.body)
        assert "Nobody cites this." in html
        assert item.notes == [
            "line 3: note [^2] is cited but has no text: kept as written",
            "line 7: note [^3] is cited nowhere: its text is kept as a paragraph",
        ]

    def test_code_and_link_labels_are_no_notes(self):
        muse = "#title Code\n\nSee [[https://example.org/n][12]].\n\n<example>\n[4] x\n</example>\n"
        (item,) = parse_bytes(muse.encode(), name="code.muse")
        assert item.notes == []
