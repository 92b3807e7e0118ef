from html.parser import HTMLParser

import pytest

from statements.catalog.services import statement_save
from statements.core.rendering import render_markdown
from tests.factories import make_statement


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    collector = _Collector()
    collector.feed(html)
    return collector.tags


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Hello <script>alert(1)</script> world",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](<javascript:alert(1)>)",
        "<a href='javascript:alert(1)'>x</a>",
        '<img src="x" onerror="alert(1)">',
        '![x](https://example.org/x.png "t" onerror=alert(1))',
        "<div onmouseover='steal()'>hi</div>",
        "<iframe src='https://evil.example'></iframe>",
        "<style>body{display:none}</style>",
        "[x]: javascript:alert(1)\n\n[link][x]",
        '<https://example.org/" onclick="alert(1)>',
    ],
)
def test_dangerous_markup_never_reaches_html(source):
    for tag, attrs in _tags(render_markdown(source)):
        assert tag not in {"script", "iframe", "style", "img", "object", "embed"}
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript"), attrs


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("A <b>bold</b> claim")
    assert "<b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_footnotes_render_with_links_both_ways():
    html = render_markdown("A claim.[^1]\n\n[^1]: The evidence.\n")
    assert '<a href="#fn1" id="fnref1"' in html
    assert '<li id="fn1" class="footnote-item"><p>The evidence.' in html


def test_tables_render():
    html = render_markdown("| a | b |\n|---|--:|\n| 1 | 2 |\n")
    assert "<table>" in html
    assert "<th>a</th>" in html
    assert '<td style="text-align:right">2</td>' in html


def test_headings_get_anchors():
    html = render_markdown("## What we ask\n\ntext")
    assert '<h2 id="what-we-ask">What we ask</h2>' in html


@pytest.mark.django_db
def test_service_renders_body_when_it_changes():
    statement = make_statement(body="*first*")
    assert statement.body_html == "<p><em>first</em></p>\n"
    statement.body = "**second**"
    statement_save(statement=statement, body_changed=True)
    statement.refresh_from_db()
    assert statement.body_html == "<p><strong>second</strong></p>\n"


def test_table_of_contents_lists_headings_as_plain_text():
    from statements.core.rendering import render_body

    html, toc = render_body("# Title\n\n## What *we* ask\n\ntext\n\n### `Code` here\n")
    assert toc == [
        {"level": 2, "id": "what-we-ask", "text": "What we ask"},
        {"level": 3, "id": "code-here", "text": "Code here"},
    ]
    assert '<h2 id="what-we-ask">' in html


NOTES = (
    "A claim[^1] and the same again[^1], then another.[^b]\n\n"
    "[^1]: The *evidence*, <script>alert(1)</script>\n    over two lines.\n\n"
    "    And a second part.\n"
    "[^b]: [Elsewhere](javascript:alert(1)) too.[^1]\n"
)


def test_a_note_is_readable_where_it_is_referenced():
    html = render_markdown(NOTES)
    tags = _tags(html)
    buttons = [attrs for tag, attrs in tags if tag == "button"]
    popovers = [attrs for tag, attrs in tags if tag == "span" and "popover" in attrs]
    # One button and popover per reference (three in the text, one in note b), ids unique.
    assert len(buttons) == len(popovers) == 4
    assert [b["popovertarget"] for b in buttons] == [p["id"] for p in popovers]
    assert len({p["id"] for p in popovers}) == 4
    assert buttons[0] == {
        "type": "button", "class": "note-show", "popovertarget": "note-1-0", "aria-label": "Note 1"
    }  # fmt: skip
    first = html[html.index('id="note-1-0"') : html.index("</span>", html.index("All notes"))]
    assert "The <em>evidence</em>, &lt;script&gt;" in first and "And a second part." in first
    assert '<a href="#fn1"' in first  # and from there to the list of notes
    # The list at the end is kept.
    assert '<li id="fn1" class="footnote-item">' in html and "<script>" not in html
    for _tag, attrs in tags:
        assert not (attrs.get("href") or "").startswith("javascript"), attrs


def test_outputs_without_the_pages_style_get_the_notes_at_the_end_only():
    from statements.core.rendering import without_note_popovers

    html = render_markdown(NOTES)
    plain = without_note_popovers(html)
    assert "popover" not in plain and "note-show" not in plain
    assert plain.count("The <em>evidence</em>") == 1  # in the list only
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1"' in plain
    # Cut short in the middle of a popover (a feed's lead), the rest of it goes too.
    cut = html[: html.index("over two lines")]
    assert "evidence" not in without_note_popovers(cut)


@pytest.mark.django_db
def test_the_migration_gives_stored_bodies_their_notes_in_place():
    import importlib

    from django.apps import apps

    from statements.models import Statement

    statement = make_statement(body="Said.[^1]\n\n[^1]: Where.")
    Statement.objects.filter(pk=statement.pk).update(body_html="<p>old</p>")
    migration = importlib.import_module("statements.migrations.0028_notes_where_referenced")
    migration.render_bodies_again(apps, None)
    statement.refresh_from_db()
    assert 'popovertarget="note-1-0"' in statement.body_html
