"""Markdown to sanitised HTML, run by the service layer when a body changes, never per request."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import cast

import nh3
from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Scanned
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import render_footnote_ref
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "li", "ol", "p", "pre", "q", "s",
    "section", "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul", "button", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class"},
    "a": {"href", "title"},
    "abbr": {"title"},
    # A note shown where it is referenced (see _note_popovers): only these values are made.
    "button": {"type", "popovertarget", "aria-label"},
    "span": {"popover", "role"},
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
    md.add_render_rule("footnote_ref", _note_popovers)
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
    env = {"notes": _note_texts(md, tokens)}
    return _sanitise(md.renderer.render(tokens, md.options, env)), toc


def _note_texts(md: MarkdownIt, tokens) -> dict[int, str]:
    """Each footnote's text as inline HTML (its paragraphs one after the other), by id."""
    notes: dict[int, list[str]] = {}
    renderer = cast(RendererHTML, md.renderer)
    current = None
    for token in tokens:
        if token.type == "footnote_open":
            current = notes.setdefault(token.meta["id"], [])
        elif token.type == "footnote_close":
            current = None
        elif current is not None and token.type == "inline":
            # A note's own references are left out of its popover (no popover in a popover).
            children = [c for c in token.children or [] if c.type != "footnote_ref"]
            current.append(renderer.renderInline(children, md.options, {}))
    return {number: " ".join(parts) for number, parts in notes.items()}


# What _note_popovers adds, for the outputs that carry the text without the page's style
# sheet (feeds, the API): the note's button and popover (to the end, when cut short).
_POPOVERS = re.compile(
    r'<button type="button" class="note-show"[^>]*>[^<]*</button>'
    r'|<span popover="auto".*?(?:All notes</a></span>|\Z)',
    re.DOTALL,
)


def without_note_popovers(html: str) -> str:
    """The HTML of a body as it was before popovers: links to the notes at the end only."""
    return _POPOVERS.sub("", html)


def _note_popovers(self, tokens, idx: int, options, env) -> str:
    """A footnote reference: the link to the note in the list at the end, as always, and
    beside it a button that shows the note's text where it is referenced, in a popover
    (HTML's own, no script). The style sheet shows the button only where the browser
    supports popovers, and then hides the link; print keeps the link."""
    link = render_footnote_ref(self, tokens, idx, options, env)
    meta = tokens[idx].meta
    text = env.get("notes", {}).get(meta["id"])
    if text is None:
        return link
    number = meta["id"] + 1
    key = f"{number}-{meta.get('subId', 0)}"
    return (
        f'{link}<button type="button" class="note-show" popovertarget="note-{key}" '
        f'aria-label="Note {number}">{number}</button>'
        f'<span popover="auto" id="note-{key}" class="note-pop" role="note">'
        f'<span class="note-number">{number}.</span> {text} '
        f'<a href="#fn{number}">All notes</a></span>'
    )


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
