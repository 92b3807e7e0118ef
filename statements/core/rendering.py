"""Markdown to sanitised HTML, run by the service layer when a body changes, never per request."""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "li", "ol", "p", "pre", "q", "s",
    "section", "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class"},
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start", "type"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style", "scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


@cache
def _markdown() -> MarkdownIt:
    # html=False: raw HTML typed into a body is shown as text, never passed through.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, permalink=False)
    return md


def render_markdown(source: str) -> str:
    """Render Markdown (tables, footnotes, heading anchors) and sanitise the result with nh3."""
    return render_body(source)[0]


def render_body(source: str) -> tuple[str, list[dict]]:
    """Sanitised HTML and the table of contents: [{"level": 2, "id": "...", "text": "..."}]."""
    md = _markdown()
    tokens = md.parse(source or "")
    toc = [
        {"level": int(token.tag[1]), "id": token.attrs["id"], "text": _plain(tokens[i + 1])}
        for i, token in enumerate(tokens)
        if token.type == "heading_open" and "id" in token.attrs
    ]
    return _sanitise(md.renderer.render(tokens, md.options, {})), toc


def _plain(inline) -> str:
    """The text of an inline token, without its markup."""
    return "".join(
        child.content for child in inline.children or [] if child.type in {"text", "code_inline"}
    )


def _sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )
