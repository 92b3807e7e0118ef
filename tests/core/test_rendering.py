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
