"""HTML: a saved web page (its main text found by trafilatura, as web archivists do) or a
fragment, converted by pandoc's HTML reader; title, authors, date, language and address from
the page's <meta> tags (citation_*, DC.*, article:*, author) and its JSON-LD."""

from __future__ import annotations

import copy
import json
import re

import lxml.etree
import lxml.html
from django.utils.translation import gettext as _

from statements.core.dates import partial_date_in_text
from statements.core.pandoc import ConversionError, pandoc_convert
from statements.core.records import AuthorCredit, SourceData, StatementData
from statements.core.titles import title_tidy
from statements.ingest.formats.common import (
    ImportFailure,
    ParsedFile,
    author_kind,
    language_detect,
)
from statements.ingest.formats.extract import main_text

_DOCUMENT_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK_TAG = re.compile(
    r"\A\s*<(p|div|article|section|main|h[1-6]|body|header|ul|ol|table|blockquote|figure)\b",
    re.IGNORECASE,
)
_ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "creativework", "report", "webpage"}
_TO_MARKDOWN = "commonmark_x-smart-attributes-bracketed_spans-fenced_divs-raw_html"


# A fragment a site includes (a .php page's part) may start with any tag: a script, an
# image, a link, a <center>.
_ANY_TAG_FIRST = re.compile(
    r"\A\s*<(?:!--|script|style|img|a|p|div|span|table|center|font|b|i|u|em|strong|br|hr|"
    r"h[1-6]|ul|ol|dl|blockquote|figure|header|nav|form|iframe|meta|link|base|title|head|body)"
    r"\b",
    re.IGNORECASE,
)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*\b[^>]*>")


def looks_like_html(text: str) -> bool:
    """A whole page (a doctype or <html> first), a fragment that opens with a block
    element and closes it, or one that starts with any tag and has more of them."""
    if _DOCUMENT_START.match(text[:4000]):
        return True
    opening = _BLOCK_TAG.match(text[:2000])
    if opening and re.search(rf"</{opening[1]}\s*>", text, re.IGNORECASE):
        return True
    return bool(_ANY_TAG_FIRST.match(text[:500])) and len(_TAG.findall(text[:20000])) >= 3


def _metas(tree) -> dict[str, list[str]]:
    """Every <meta name|property=… content=…>, by lower-cased name, in the page's order."""
    found: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        value = " ".join((meta.get("content") or "").split())
        if key and value:
            found.setdefault(key, []).append(value)
    return found


def _json_ld(tree) -> dict:
    """The page's first JSON-LD object that describes an article (or any creative work)."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        candidates = data if isinstance(data, list) else [data]
        if isinstance(data, dict) and isinstance(data.get("@graph"), list):
            candidates = data["@graph"]
        for item in candidates:
            kind = item.get("@type") if isinstance(item, dict) else None
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
                return item
    return {}


def _ld_authors(value) -> list[AuthorCredit]:
    items = value if isinstance(value, list) else [value]
    credits = []
    for item in items:
        if isinstance(item, str):
            name, kind = item, author_kind(item)
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            name = item["name"]
            kind = "person" if item.get("@type") == "Person" else "collective"
            if item.get("@type") not in ("Person", "Organization"):
                kind = author_kind(name)
        else:
            continue
        if name.strip():
            credits.append(AuthorCredit(name=" ".join(name.split())[:300], kind=kind))
    return credits


def _first(metas: dict[str, list[str]], *keys: str) -> str:
    return next((metas[key][0] for key in keys if metas.get(key)), "")


def _text(element) -> str:
    """The element's words; a <br> parts them ("From Ferguson<br>to Oakland")."""
    if element is None:
        return ""
    if next(element.iter("br"), None) is not None:
        element = copy.deepcopy(element)
        for br in element.iter("br"):
            br.tail = " " + (br.tail or "")
    return " ".join(element.text_content().split())


def _first_heading(tree):
    """The first <h1> that says something: an empty one (a logo's slot) is no title."""
    return next((h1 for h1 in tree.iter("h1") if _text(h1)), None)


def _credits(metas, ld) -> list[AuthorCredit]:
    for key in ("citation_author", "dc.creator", "dcterms.creator"):
        if metas.get(key):
            return [AuthorCredit(name=n[:300], kind=author_kind(n)) for n in metas[key]]
    if ld.get("author"):
        credits = _ld_authors(ld["author"])
        if credits:
            return credits
    names = [n.strip() for v in metas.get("author", []) for n in v.split(";") if n.strip()]
    return [AuthorCredit(name=n[:300], kind=author_kind(n)) for n in names]


def _date(metas, ld) -> str:
    written = _first(
        metas,
        "citation_publication_date",
        "citation_date",
        "dc.date",
        "dcterms.date",
        "dc.date.issued",
        "dcterms.issued",
        "article:published_time",
    )
    if not written and isinstance(ld.get("datePublished"), str):
        written = ld["datePublished"]
    # A time of day says no more than the day: "2024-03-08T10:00:00+01:00" is 2024-03-08.
    return re.sub(r"^(\d{4}-\d{2}-\d{2})[T ]\S*$", r"\1", written.strip())


def _title(metas, ld, tree) -> str:
    title = _first(metas, "citation_title", "dc.title", "dcterms.title")
    if not title and isinstance(ld.get("headline"), str):
        title = ld["headline"]
    if not title:
        title = _first(metas, "og:title")
    title = title or _text(_first_heading(tree)) or _text(next(iter(tree.iter("title")), None))
    if not title and (element := _title_element(tree)) is not None:
        title = _text(element)
    return " ".join(title.split())


# Where a fragment without <h1> or <title> says its title: another heading, else the first
# short text set in bold, large or centred ("<center><font size=5><b>RNC DNC…</b>").
_TITLE_PLACES = ".//h2|.//h3|.//h4|.//h5|.//h6|.//b|.//strong|.//big|.//font|.//center"
_TITLE_MAX_CHARS = 150


def _title_element(tree, title: str = ""):
    """The element a fragment's title is read from (or, given ``title``, the first that
    says exactly that); None when there is none."""
    for element in tree.xpath(_TITLE_PLACES):
        words = _text(element)
        if title and words.casefold() == title.casefold():
            return element
        if not title and 3 <= len(words) <= _TITLE_MAX_CHARS:
            return element
    return None


def _language(tree, metas, ld) -> str:
    written = tree.get("lang") or _first(metas, "dc.language", "citation_language", "og:locale")
    if not written and isinstance(ld.get("inLanguage"), str):
        written = ld["inLanguage"]
    code = re.split(r"[-_]", written.strip().lower())[0] if written else ""
    return code if re.fullmatch(r"[a-z]{2}", code) else ""


def _source(metas, ld, tree) -> list[SourceData]:
    canonical = next(iter(tree.xpath('//link[@rel="canonical"]/@href')), "")
    url = (
        _first(metas, "citation_public_url", "citation_abstract_html_url", "og:url")
        or canonical
        or (ld.get("url") if isinstance(ld.get("url"), str) else "")
    )
    if not url.startswith(("http://", "https://")):
        return []
    site = _first(metas, "og:site_name", "citation_journal_title")
    return [SourceData(url=url[:2000], site_name=site[:300], note="from the page's metadata")]


# What surrounds a text in a page, never part of it; an aside is, when it is a pull quote.
_AROUND_THE_TEXT = (
    ".//nav|.//footer|.//form|.//button|.//script|.//style|.//noscript|.//template|.//iframe"
    "|.//aside[not(.//blockquote) and not(contains(@class, 'quote'))"
    " and not(contains(@class, 'pull'))]"
)
# The blocks whose words locate trafilatura's extraction in the page.
_BLOCKS = ".//p|.//li|.//h1|.//h2|.//h3|.//h4|.//blockquote|.//pre|.//td"


def _cleaned(element):
    for node in element.xpath(_AROUND_THE_TEXT):
        node.drop_tree()
    return element


def _main_html(text: str, whole_page: bool, tree):
    """The element holding the page's main text (the parsed page itself is read, never
    parsed again), without what surrounds a text (navigation, asides but pull quotes,
    footers, forms, scripts). Where the page marks it (one <article>, else one <main>),
    that element: the publisher's own word for it. Otherwise, and for a fragment too, the
    element that holds what trafilatura (in a bounded process, formats.extract) finds to be
    the text: trafilatura's own output drops quotations, figures and pull quotes, the
    element keeps them. Its output only when no element holds it; the fragment whole when
    it finds nothing."""
    if whole_page:
        for tag in ("article", "main"):
            found = tree.xpath(f"//{tag}")
            if len(found) == 1:
                return _cleaned(found[0])
    try:
        extracted = main_text(text if whole_page else f"<html><body>{text}</body></html>")
    except (ConversionError, OSError) as error:
        raise ImportFailure(
            _("the page's main text could not be found: %(error)s") % {"error": error}
        ) from None
    if not extracted:
        return _cleaned(tree)
    container = _container(tree, lxml.html.fromstring(extracted))
    if container is not None:
        return _cleaned(container)
    return lxml.html.fromstring(extracted)


def _words_of(element) -> str:
    return " ".join(element.text_content().split())


def _container(tree, extracted):
    """The deepest element of ``tree`` that holds nine in ten of the blocks trafilatura
    kept (matched by their first words), or None when too few are found in the page."""
    wanted = {_words_of(b)[:80] for b in extracted.xpath(_BLOCKS) if len(_words_of(b)) >= 20}
    if not wanted:
        return None
    holders: dict = {}
    matched = 0
    for block in tree.xpath(_BLOCKS):
        words = _words_of(block)[:80]
        if words not in wanted:
            continue
        wanted.discard(words)
        matched += 1
        for ancestor in block.iterancestors():
            holders[ancestor] = holders.get(ancestor, 0) + 1
    if not matched or (wanted and matched < 2 * len(wanted)):
        return None
    enough = [node for node, count in holders.items() if count >= 0.9 * matched]
    return max(enough, key=lambda node: sum(1 for _ in node.iterancestors()), default=None)


def _markdown(tree, title: str) -> str:
    """Pandoc's reading of the HTML as our Markdown: the title's own heading left out (it is
    the statement's title), headings one level under it."""
    for node in tree.xpath(".//script|.//style|.//noscript|.//template|.//iframe|.//form"):
        node.drop_tree()
    for empty in [h for h in tree.xpath(".//h1|.//h2|.//h3") if not _text(h)]:
        empty.drop_tree()
    first_h1 = _first_heading(tree)
    if first_h1 is not None and _text(first_h1).casefold() == title.casefold():
        first_h1.drop_tree()
    elif first_h1 is None and (element := _title_element(tree, title)) is not None:
        element.drop_tree()  # a fragment's heading or bold line that gave the title
    shift = "1" if next(iter(tree.iter("h1")), None) is not None else "0"
    source = lxml.html.tostring(tree, encoding="unicode")
    try:
        markdown = pandoc_convert(
            source,
            source="html",
            to=_TO_MARKDOWN,
            extra_args=("--wrap=none", f"--shift-heading-level-by={shift}"),
        )
    except (ConversionError, OSError) as error:
        raise ImportFailure(
            _("the HTML could not be converted: %(error)s") % {"error": error}
        ) from None
    return markdown.strip("\n") + "\n" if markdown.strip() else ""


def html_parse(text: str, *, name: str) -> list[ParsedFile]:
    try:
        tree = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as error:
        raise ImportFailure(_("not readable as HTML (%(error)s)") % {"error": error}) from None
    metas, ld = _metas(tree), _json_ld(tree)
    for node in tree.xpath("//script|//style|//noscript|//template"):  # code, never text
        node.drop_tree()
    whole_page = bool(_DOCUMENT_START.match(text[:4000]))
    title = _title(metas, ld, tree)
    if not title:
        raise ImportFailure(_("no title: the page has no <title>, <h1> or title in its metadata"))
    body = _markdown(_main_html(text, whole_page, tree), title)
    notes = [] if body.strip() else [_("no body")]
    sources = _source(metas, ld, tree)
    site = _first(metas, "og:site_name")
    tidied = title_tidy(title, file_name=name, sites=(site,) if site else ())
    if tidied.title != title:
        ending = repr(title[len(tidied.title) :].strip())
        notes.append(_("the title ended in %(ending)s: taken off") % {"ending": ending})
        title = tidied.title
        if tidied.address and not sources:
            sources = [SourceData(url=tidied.address[:2000], note="from the page's title")]
    date_written = _date(metas, ld)
    issued = partial_date_in_text(date_written) if date_written else None
    language = _language(tree, metas, ld)
    if not language and (language := language_detect(body)):
        notes.append(
            _("the page does not say its language: detected %(language)s") % {"language": language}
        )
    description = _first(metas, "description", "og:description", "dc.description")
    page_title = _text(next(iter(tree.iter("title")), None))
    metadata = {"page title": page_title[:500]} if page_title and page_title != title else {}
    data = StatementData(
        title=title[:500],
        body=body,
        summary=description[:2000],
        issued=issued,
        date_text=date_written[:200] if date_written and issued is None else "",
        language=language,
        rights=_first(metas, "dc.rights", "dcterms.rights", "citation_license")[:500],
        credits=_credits(metas, ld),
        sources=sources,
        tags=[t[:100] for t in metas.get("article:tag", []) if len(t) <= 100],
        metadata=metadata,
    )
    return [ParsedFile(name=name, format="html", data=data, notes=notes)]
