"""Captured copies: a source's page, and the files it uses one level deep (images, style
sheets, scripts, icons), kept as one WARC file (ISO 28500, written by warcio) in the media
storage, with its SHA-256 and the time it was made.

Every request and every answer is a record, redirects included, as web archives keep them.
Within limits: the page up to ``ARCHIVE_CAPTURE_PAGE_BYTES``, each file up to
``ARCHIVE_CAPTURE_RESOURCE_BYTES``, at most ``ARCHIVE_CAPTURE_MAX_RESOURCES`` files and
``ARCHIVE_CAPTURE_TOTAL_BYTES`` in all; what is cut short says so (``WARC-Truncated``).

A body a site sent compressed although none was asked for (``Content-Encoding``) is kept
decoded, within the same limits, its coding and length kept as ``X-Archive-Orig-*``
headers: a few kilobytes of gzip can stand for gigabytes, and the replay must never undo it
unbounded. A coding the archive does not read is kept as it came (the replay offers it as a
download only).
"""

from __future__ import annotations

import hashlib
import io
from urllib.parse import urljoin, urlsplit

import lxml.html
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from statements.catalog.changes import public_pages_changed
from statements.models import Source, SourceCapture, SourceLink
from statements.sources.decoding import Undecodable, codings_of, decode
from statements.sources.fetch import Exchange, HostPacer, fetch

# Headers that describe how the body travelled, not the body: it is kept as read.
_TRAVEL_HEADERS = {"transfer-encoding"}
# The files a page uses, by element and the attribute that names them (<link> only for
# style sheets and icons).
RESOURCE_ATTRIBUTES = {"img": "src", "script": "src", "link": "href"}
LINK_RELS = {"stylesheet", "icon"}


class CaptureFailed(Exception):
    """The page could not be fetched; the message says why, for an editor."""


def is_html(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind in ("text/html", "application/xhtml+xml")


def _document(body: bytes):
    try:
        return lxml.html.document_fromstring(body)
    except (ValueError, lxml.etree.ParserError):
        return None


def document_base(body: bytes, url: str) -> str:
    """The address a page's relative addresses are relative to (its ``<base href>``)."""
    document = _document(body)
    base = next(iter(document.xpath("//base/@href")), "") if document is not None else ""
    return urljoin(url, str(base).strip()) if base else url


def page_resources(body: bytes, base_url: str) -> list[str]:
    """The absolute http(s) addresses of the files a page uses, in page order, once each."""
    document = _document(body)
    if document is None:
        return []
    base_url = document_base(body, base_url)
    found: list[str] = []
    for element in document.iter(*RESOURCE_ATTRIBUTES):
        if element.tag == "link" and not LINK_RELS & set(element.get("rel", "").lower().split()):
            continue
        value = element.get(RESOURCE_ATTRIBUTES[element.tag])
        if not value:
            continue
        url = urljoin(base_url, value.strip()).split("#", 1)[0]
        if urlsplit(url).scheme in ("http", "https") and url not in found:
            found.append(url)
    return found


def decoded_exchange(exchange: Exchange, limit: int) -> None:
    """Undo ``exchange``'s Content-Encoding in place, its body cut at ``limit`` bytes; its
    coding and length headers renamed X-Archive-Orig-*, as web archives' tools name them."""
    coding = exchange.header("content-encoding")
    if not codings_of(coding):
        return
    try:
        decoded = decode(exchange.body, coding, limit=limit)
    except Undecodable:
        return  # kept as it came: the replay offers it as a download only
    exchange.body = decoded.body
    exchange.truncated = exchange.truncated or decoded.truncated
    exchange.headers = [
        (f"X-Archive-Orig-{name}" if name.lower() in ("content-encoding", "content-length")
         else name, value)
        for name, value in exchange.headers
    ]  # fmt: skip


def link_capture(url: str, *, pacer: HostPacer | None = None) -> SourceCapture:
    """Capture ``url`` now; raises CaptureFailed when the page does not answer."""
    captured_at = timezone.now()
    page = fetch(url, method="GET", max_bytes=settings.ARCHIVE_CAPTURE_PAGE_BYTES, pacer=pacer)
    last = page.last
    if page.error or last is None or last.status is None:
        raise CaptureFailed(f"{url} could not be captured: {page.error or 'no answer'}")
    decoded_exchange(last, settings.ARCHIVE_CAPTURE_PAGE_BYTES)
    exchanges = list(page.exchanges)
    budget = settings.ARCHIVE_CAPTURE_TOTAL_BYTES - len(last.body)
    truncated = last.truncated
    resources = 0
    if is_html(last.header("content-type")) and 200 <= last.status < 300:
        wanted = page_resources(last.body, last.url)
        if len(wanted) > settings.ARCHIVE_CAPTURE_MAX_RESOURCES:
            wanted, truncated = wanted[: settings.ARCHIVE_CAPTURE_MAX_RESOURCES], True
        for resource_url in wanted:
            if budget <= 0:
                truncated = True
                break
            got = fetch(
                resource_url,
                method="GET",
                max_bytes=min(settings.ARCHIVE_CAPTURE_RESOURCE_BYTES, budget),
                pacer=pacer,
            )
            if got.last is None or got.last.status is None:
                continue  # nothing came back: nothing to keep
            decoded_exchange(got.last, min(settings.ARCHIVE_CAPTURE_RESOURCE_BYTES, budget))
            exchanges.extend(got.exchanges)
            budget -= sum(len(e.body) for e in got.exchanges)
            truncated = truncated or got.last.truncated
            resources += 1
    content = warc_bytes(exchanges, captured_at=captured_at)
    sha256 = hashlib.sha256(content).hexdigest()
    link, _ = SourceLink.objects.get_or_create(url=url)
    name = f"captures/{link.pk}/{captured_at:%Y%m%dT%H%M%S}-{sha256[:12]}.warc.gz"
    saved = default_storage.save(name, ContentFile(content))
    try:
        with transaction.atomic():
            capture = SourceCapture.objects.create(
                link=link,
                captured_at=captured_at,
                url=last.url[:2000],
                status=last.status,
                file=saved,
                size=len(content),
                sha256=sha256,
                # As it came over the wire (what a later check compares), before decoding.
                page_sha256=last.sha256 or hashlib.sha256(last.body).hexdigest(),
                page_size=len(last.body),
                page_etag=last.header("etag")[:300],
                content_type=last.header("content-type")[:200],
                resources=resources,
                truncated=truncated,
            )
            SourceLink.objects.filter(pk=link.pk).update(capture=capture)
            # The public page links to the copy (its "archived copy").
            public_pages_changed(
                statements=Source.objects.filter(url=url).values_list("statement_id", flat=True)
            )
    except BaseException:
        default_storage.delete(saved)
        raise
    return capture


def warc_bytes(exchanges: list[Exchange], *, captured_at) -> bytes:
    """The exchanges as a gzipped WARC file: a warcinfo record, then for each exchange its
    request and its response, the two tied by ``WARC-Concurrent-To``."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    writer.write_record(
        writer.create_warcinfo_record(
            "capture.warc.gz",
            {
                "software": "statements archive (warcio)",
                "format": "WARC File Format 1.1",
                "http-header-user-agent": settings.ARCHIVE_FETCH_USER_AGENT,
                "robots": "ignore",
                "description": "A copy of a source cited by a statement, kept as evidence",
            },
        )
    )
    date = captured_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    for exchange in exchanges:
        response_headers = StatusAndHeaders(
            f"{exchange.status} {exchange.reason}".strip(),
            [(k, v) for k, v in exchange.headers if k.lower() not in _TRAVEL_HEADERS],
            protocol=exchange.version,
        )
        warc_headers = {"WARC-Date": date}
        if exchange.ip:
            warc_headers["WARC-IP-Address"] = exchange.ip
        if exchange.truncated:
            warc_headers["WARC-Truncated"] = "length"
        response = writer.create_warc_record(
            exchange.url,
            "response",
            payload=io.BytesIO(exchange.body),
            length=len(exchange.body),
            http_headers=response_headers,
            warc_headers_dict=warc_headers,
        )
        parts = urlsplit(exchange.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = writer.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(
                f"{exchange.method} {target} HTTP/1.1",
                exchange.request_headers,
                is_http_request=True,
            ),
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        writer.write_record(request)
        writer.write_record(response)
    return out.getvalue()


def captures_fixity() -> list[tuple[SourceCapture, str]]:
    """Every capture whose file is missing from the storage or no longer has the SHA-256
    recorded when it was made, with what is wrong: the archive's own evidence, audited."""
    damaged = []
    for capture in SourceCapture.objects.order_by("pk").iterator():
        digest = hashlib.sha256()
        try:
            with default_storage.open(capture.file, "rb") as stream:
                for block in iter(lambda s=stream: s.read(2**20), b""):
                    digest.update(block)
        except (FileNotFoundError, OSError) as error:
            damaged.append((capture, f"missing ({type(error).__name__})"))
            continue
        if digest.hexdigest() != capture.sha256:
            damaged.append((capture, f"SHA-256 is now {digest.hexdigest()}"))
    return damaged
