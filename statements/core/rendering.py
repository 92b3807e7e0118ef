"""Markdown to sanitised HTML, run by the service layer when a body changes, never per request."""

from __future__ import annotations

import unicodedata
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Scanned
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

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
    md.use(superscript_plugin)  # 17^th^
    md.use(sub_plugin)  # H~2~O
    cjk = _ParserInlineCJK()
    cjk.ruler, cjk.ruler2 = md.inline.ruler, md.inline.ruler2  # the rules as configured
    md.inline = cjk
    return md


def _is_cjk(char: str) -> bool:
    """A Chinese, Japanese or Korean character or punctuation mark (fullwidth forms too)."""
    name = unicodedata.name(char, "")
    return name.startswith(("CJK ", "HIRAGANA", "KATAKANA", "HANGUL", "FULLWIDTH", "IDEOGRAPHIC"))


class _StateInlineCJK(StateInline):
    """CommonMark's flanking rules with CJK text: "我们说**「团结」**就是" has a "**" between
    a letter and a punctuation mark, which the rules take for no emphasis at all (the
    reader saw literal asterisks). Next to a CJK character a run opens when no space
    follows it and closes when no space precedes it, as the CJK-friendly amendment to
    CommonMark has it; elsewhere the rules are unchanged."""

    def scanDelims(self, start: int, canSplitWord: bool) -> Scanned:
        scanned = super().scanDelims(start, canSplitWord)
        before = self.src[start - 1] if start > 0 else " "
        end = start + scanned.length
        after = self.src[end] if end < self.posMax else " "
        if not (_is_cjk(before) or _is_cjk(after)):
            return scanned
        return Scanned(
            can_open=scanned.can_open or not after.isspace(),
            can_close=scanned.can_close or not before.isspace(),
            length=scanned.length,
        )


class _ParserInlineCJK(ParserInline):
    """markdown-it's inline parser, with the CJK-aware inline state."""

    def parse(self, src, md, env, tokens):
        state = _StateInlineCJK(src, md, env, tokens)
        self.tokenize(state)
        for rule in self.ruler2.getRules(""):
            rule(state)
        return state.tokens


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
