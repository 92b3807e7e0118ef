"""Replaying a capture to readers, without ever running what it holds.

The page is read back from its WARC file, cleaned by a real sanitiser (nh3: no script, no
event handler, no form, no frame, no ``javascript:``), its images and style sheets pointed at
the capture's own copies and everything else left out, and it is served with a
Content-Security-Policy that forbids scripts and any request outside the capture, in a
sandbox (an origin of its own), marked ``noindex``. Three walls, each enough on its own.

Every read is bounded: a record's body is read up to a limit (the page up to
``ARCHIVE_REPLAY_PAGE_BYTES``, a file up to ``ARCHIVE_CAPTURE_RESOURCE_BYTES``), and a body an
older capture kept compressed is decoded within the same limit and a ratio
(statements.sources.decoding), so no request holds more than a few megabytes of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html
import nh3
from django.conf import settings
from django.core.files.storage import default_storage
from warcio.archiveiterator import ArchiveIterator

from statements.models import SourceCapture
from statements.sources.captures import document_base
from statements.sources.decoding import Undecodable, codings_of, decode, text_codec
from statements.sources.styles import declarations_clean, stylesheet_clean

# Served as themselves from a capture: what a page needs to look like itself, and nothing
# that runs. Everything else is downloaded, never shown in the archive's origin.
INLINE_TYPES = {
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/x-icon",
    "image/vnd.microsoft.icon",
    "text/css",
    "font/woff",
    "font/woff2",
    "font/ttf",
    "font/otf",
}


def policy(files: str, *, page: bool = False) -> str:
    """The replay's Content-Security-Policy: no script at all, a sandbox (an origin of its
    own, no forms; on the ``page``, a link the reader follows opens the original in a new
    tab), and images,
    style sheets and fonts from ``files`` (the capture's own copies, an absolute address
    ending in /) only. The captured document, in an iframe's ``srcdoc``, is under it too."""
    return (
        f"sandbox{' allow-popups allow-popups-to-escape-sandbox' if page else ''}; "
        "default-src 'none'; "
        f"img-src {files} data:; style-src {files} 'unsafe-inline'; font-src {files} data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


HEADERS = {
    "X-Robots-Tag": "noindex, nofollow, noarchive",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_TAGS = set(nh3.ALLOWED_TAGS) | {
    "style",
    "link",
    "img",
    "picture",
    "main",
    "nav",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "figure",
    "figcaption",
    "time",
    "mark",
}
_ATTRIBUTES = {
    "*": {"class", "id", "style", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "link": {"rel", "href", "media", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "type"},
}
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)


@dataclass
class Kept:
    """A response as the capture holds it."""

    url: str
    status: int
    content_type: str
    body: bytes
    truncated: bool = False  # cut at the replay's limit
    # The coding it is still in, when the archive cannot read it ("" when readable).
    undecodable: str = ""


def capture_records(
    capture: SourceCapture,
    *,
    read: Callable[[int, str], bool] = lambda index, url: True,
    limit: int | None = None,
) -> list[Kept]:
    """The capture's responses, in the order they were fetched; the body only of those
    ``read(index, url)`` asks for (a page needs its own, a file request only that file's:
    the rest are passed over, never held in memory), at most ``limit`` bytes of it
    (ARCHIVE_CAPTURE_RESOURCE_BYTES by default), decoded within that limit."""
    limit = settings.ARCHIVE_CAPTURE_RESOURCE_BYTES if limit is None else limit
    kept: list[Kept] = []
    with default_storage.open(capture.file, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                continue
            headers = record.http_headers
            url = record.rec_headers.get_header("WARC-Target-URI")
            item = Kept(
                url=url,
                status=int(headers.get_statuscode() or 0),
                content_type=headers.get_header("Content-Type") or "",
                body=b"",
            )
            if read(len(kept), url):
                _read_bounded(item, record, headers.get_header("Content-Encoding") or "", limit)
            kept.append(item)
    return kept


def _read_bounded(item: Kept, record, coding: str, limit: int) -> None:
    """The record's body, never more than ``limit`` bytes of it read or decoded (the raw
    stream: warcio's content_stream would undo a Content-Encoding without any bound)."""
    raw = record.raw_stream.read(limit + 1)
    item.body, item.truncated = raw[:limit], len(raw) > limit
    if not codings_of(coding):
        return
    try:
        decoded = decode(item.body, coding, limit=limit)
    except Undecodable as error:
        item.undecodable = str(error)
        return
    item.body, item.truncated = decoded.body, item.truncated or decoded.truncated


def page_of(capture: SourceCapture, kept: list[Kept]) -> Kept | None:
    return next((k for k in reversed(kept) if k.url == capture.url), None)


def charset_of(page: Kept) -> str:
    """The codec to read the page with: its declared charset as browsers read the label
    (UTF-8 for a label they would not take, ``idna`` say)."""
    declared = re.search(r"charset=[\"']?([A-Za-z0-9_\-:.]+)", page.content_type)
    if declared:
        return text_codec(declared.group(1))
    meta = _CHARSET.search(page.body[:4096])
    return text_codec(meta.group(1)) if meta else "utf-8"


def page_title(html: str) -> str:
    try:
        document = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    return " ".join(" ".join(document.xpath("//title//text()")).split())[:300]


def clean_page(page: Kept, resource_path: dict[str, str]) -> tuple[str, str]:
    """The page's title and its HTML, sanitised, with the files the capture holds pointed at
    ``resource_path[url]`` and other images and style sheets left out; links go to their
    original addresses."""
    try:
        text = page.body.decode(charset_of(page), errors="replace")
    except (LookupError, UnicodeError, ValueError):
        text = page.body.decode("utf-8", errors="replace")
    title = page_title(text)
    base_url = document_base(page.body, page.url)
    # The title is shown by the banner, the rest as the page had it.
    text = re.sub(r"<title\b.*?</title\s*>", "", text, flags=re.IGNORECASE | re.DOTALL)

    def rewrite(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "style":
            # Read as CSS: whatever would fetch anything is left out (statements.sources.styles).
            return declarations_clean(value) or None
        if attribute not in ("src", "href"):
            return value
        absolute = urljoin(base_url, value.strip())
        if tag == "a":
            return absolute if absolute.startswith(("http://", "https://")) else None
        return resource_path.get(absolute.split("#", 1)[0])

    cleaned = nh3.clean(
        text,
        tags=_TAGS,
        clean_content_tags={"script", "noscript", "template", "iframe", "object", "title"},
        attributes=_ATTRIBUTES,
        attribute_filter=rewrite,
        url_schemes={"http", "https"},
        link_rel=None,  # <a> keeps no rel; Referrer-Policy and the sandbox do its work
    )
    return title, _STYLE_BLOCK.sub(
        lambda m: m.group(1) + stylesheet_clean(m.group(2)) + m.group(3), cleaned
    )


# A <style> element as nh3 writes it out: its text cannot hold "</style" (it would have ended
# there), so the first closing tag is its own.
_STYLE_BLOCK = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.IGNORECASE | re.DOTALL)
