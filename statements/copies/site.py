"""The static mirror: the public site written as files whose links are relative, so that it
works from any static host and from ``file://``. Pages are rendered by the site itself (a
request to each, made in one worker process per core), found by following links from the
home page, the sitemap and the feeds; every internal link is rewritten to the file it
became.

What is not copied links to the live site, where ARCHIVE_BASE_URL names it, and is plain
text where not: what cannot be a file (search, the book builder, filters and sorting),
each past version's own page (the history lists them; the git mirror and the bag hold their
texts), and the downloads made on request (Markdown, text, JSON, citations). EPUB and PDF
are copied where the archive already keeps the file, never made for the mirror. The other
interface languages stay on the live site: the mirror is the default language's.
"""

from __future__ import annotations

import functools
import html
import logging
import mimetypes
import multiprocessing
import os
import posixpath
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.test import Client
from django.urls import Resolver404, resolve

from statements.editions.services import edition_name, edition_options_parse
from statements.models import Statement

# Paths that are not pages of the public archive, or are made from a query.
SKIPPED = ("/admin/", "/rosetta/", "/i18n/", "/api/", "/oai/", "/opds/", "/search/", "/book/",
           "/mirror.git/", "/random/", "/media/", "/copies/", "/sources/",
           "/opensearch.xml")  # fmt: skip
# Files besides the pages: the sitemaps, robots.txt, the site-wide feeds (not each author's
# and tag's: a mirror's feed is a snapshot nobody follows), and the books already kept.
WRITTEN_SUFFIXES = (".xml", ".atom", ".rss", ".txt")
FEED_SUFFIXES = (".atom", ".rss")
KEPT_SUFFIXES = (".epub", ".pdf")
STATIC_SKIPPED = ("admin/", "rosetta/", "ninja/", "debug_toolbar/")
VERSION_PAGE = re.compile(r"^/statements/[^/]+/v/\d+/$")
LINK = re.compile(r'\b(href|src|action)="([^"]*)"')
TEXT_TYPES = ("text/html", "application/xml", "text/xml", "application/atom+xml",
              "application/rss+xml")  # fmt: skip


@dataclass
class SiteReport:
    pages: int = 0
    files: int = 0
    static: int = 0
    bytes: int = 0

    def summary(self) -> str:
        return (f"{self.pages:,} pages, {self.files:,} other files, {self.static:,} static "
                f"files, {self.bytes / 1e6:,.1f} MB")  # fmt: skip


@functools.cache
def _not_copied() -> tuple[str, ...]:
    """The skipped prefixes and the other languages' (read once: every link asks)."""
    return SKIPPED + tuple(
        f"/{code}/" for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
    )


def local_file(path: str, query: str, suffixes=WRITTEN_SUFFIXES + KEPT_SUFFIXES) -> str | None:
    """The file a site address becomes (relative to the mirror's root), or None where the
    address is not mirrored (pages, and files with these ``suffixes``)."""
    if not path.startswith("/") or path.startswith(_not_copied()):
        return None
    if path.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"):
        return None  # the static files are copied whole
    params = parse_qsl(query, keep_blank_values=True)
    page = ""
    if params:
        if len(params) != 1 or params[0][0] != "page" or not params[0][1].isdigit():
            return None
        page = params[0][1]
    path = unquote(path)  # the file is named as the address reads: "mémoire", not "m%C3%A9…"
    if VERSION_PAGE.search(path):
        return None  # each past version: in the git mirror and the bag, one page each online
    if path.endswith("/"):
        name = f"page-{page}.html" if page and page != "1" else "index.html"
        return path[1:] + name
    if page or not suffixes or not path.endswith(suffixes) or ".." in path.split("/"):
        return None
    if path.endswith(FEED_SUFFIXES) and path.count("/") > 2:
        return None
    if path.endswith(".txt") and path != "/robots.txt":
        return None  # a statement's text: made on request, not kept
    return path[1:]


def kept_edition(path: str) -> str | None:
    """The storage name of the EPUB or PDF the archive already keeps for this address."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    fmt, slug = match.kwargs.get("fmt"), match.kwargs.get("slug")
    statement = Statement.objects.published().filter(slug=slug).first() if slug else None
    if statement is None or fmt not in ("epub", "pdf"):
        return None
    name = edition_name(statement, fmt=fmt, options=edition_options_parse(fmt, {}))
    return name if default_storage.exists(name) else None


Sink = Callable[[str, bytes, str], None]  # (file name, content, media type)


@dataclass
class Rendered:
    files: list[tuple[str, bytes, str]]  # (file name, content, media type)
    found: list[tuple[str, str]]  # the site's addresses it links to (path, query)
    page: bool


class Mirror:
    """Renders the site's pages with their links made relative, and says which addresses
    each links to (the crawl, below, renders those in turn)."""

    def __init__(self, *, base_url: str = "",
                 suffixes: tuple[str, ...] = WRITTEN_SUFFIXES + KEPT_SUFFIXES):  # fmt: skip
        self.suffixes = suffixes
        self.base_url = base_url.rstrip("/")
        self.live = settings.ARCHIVE_BASE_URL.rstrip("/")
        host = urlsplit(self.live).hostname or next(
            (h for h in settings.ALLOWED_HOSTS if h and "*" not in h and h[0] != "."),
            "localhost",
        )
        self.client = Client(HTTP_HOST=host)
        self.secure = bool(settings.SECURE_SSL_REDIRECT)
        self.origins = (f"https://{host}", f"http://{host}")
        self.kept: dict[str, str | None] = {}
        self.found: list[tuple[str, str]] = []

    def want(self, path: str, query: str) -> str | None:
        target = local_file(path, query, self.suffixes)
        if target is not None and path.endswith(KEPT_SUFFIXES):
            if target not in self.kept:
                self.kept[target] = kept_edition(path)
            if self.kept[target] is None:
                return None
        if target is not None:
            self.found.append((path, query))
        return target

    def rewrite(self, match: re.Match, page: str) -> str:
        attribute, raw = match.group(1), html.unescape(match.group(2))
        parts = urlsplit(raw)
        if parts.scheme or parts.netloc:
            if f"{parts.scheme}://{parts.netloc}" not in self.origins:
                return match.group(0)  # another site's
        elif not parts.path:
            return match.group(0)  # "#section", "?page=2" on the same page: see below
        path = parts.path if parts.path.startswith("/") else posixpath.join("/", parts.path)
        target = path[1:] if path.startswith("/static/") else self.want(path, parts.query)
        if target is None:  # the live site's, or no link where it has no address
            if not self.live:
                return ""
            live = self.live + path + (f"?{parts.query}" if parts.query else "")
            return f'{attribute}="{html.escape(live, quote=True)}"'
        relative = quote(posixpath.relpath(target, posixpath.dirname(page) or "."))
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return f'{attribute}="{html.escape(relative + fragment, quote=True)}"'

    def absolute(self, text: str) -> str:
        """Feeds and the sitemap name pages by their full address: the mirror's, if given."""
        if not self.base_url:
            return text
        for origin in self.origins:
            text = text.replace(origin + "/", self.base_url + "/")
        return text

    def render(self, path: str, query: str) -> Rendered:
        self.found = []
        name = local_file(path, query, self.suffixes)
        if name is None:
            return Rendered([], [], False)
        if path.endswith(KEPT_SUFFIXES):
            self.want(path, query)
            kept = self.kept.get(name)
            if not kept:
                return Rendered([], [], False)
            with default_storage.open(kept, "rb") as stream:
                return Rendered([(name, stream.read(), _kind(name))], [], False)
        response = self.client.get(path + (f"?{query}" if query else ""), secure=self.secure)
        if response.status_code != 200:
            return Rendered([], [], False)
        kind = response.headers.get("Content-Type", "").split(";")[0]
        content = b"".join(response) if response.streaming else response.content
        if kind == "text/html":
            text = content.decode(response.charset or "utf-8")
            for found in re.finditer(r'href="(\?page=\d+)"', text):  # a page's own pages
                self.want(path, found.group(1)[1:])
            text = re.sub(r'href="\?page=(\d+)"', lambda m: f'href="{path}?page={m.group(1)}"',
                          text)  # fmt: skip
            text = LINK.sub(lambda m: self.rewrite(m, name), text)
            return Rendered([(name, text.encode(), "text/html")], self.found, True)
        if kind in TEXT_TYPES:
            text = content.decode(response.charset or "utf-8")
            for url in re.findall(r"<(?:loc|link|id)[^>]*?>(https?://[^<]+)</", text):
                parts = urlsplit(html.unescape(url))
                if f"{parts.scheme}://{parts.netloc}" in self.origins:
                    self.want(parts.path, parts.query)
            return Rendered([(name, self.absolute(text).encode(), kind)], self.found, False)
        return Rendered([(name, content, kind or _kind(name))], [], False)


def _kind(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def static_files() -> Iterator[tuple[str, Path]]:
    """The static files the pages use, as collected (hashed names) or as the finders have
    them (development)."""
    root = Path(settings.STATIC_ROOT)
    if (root / "staticfiles.json").exists():
        found = ((p.relative_to(root).as_posix(), p) for p in root.rglob("*") if p.is_file())
    else:
        found = (
            (name, Path(storage.path(name)))
            for finder in finders.get_finders()
            for name, storage in finder.list(["CVS", ".*", "*~"])
        )
    for name, source in found:
        if not name.startswith(STATIC_SKIPPED) and not name.endswith((".gz", ".br")):
            yield name, source


# The worker processes' own renderer (a worker renders many pages).
_renderer: Mirror | None = None


def _worker_start(base_url: str, suffixes: tuple[str, ...]) -> None:
    global _renderer
    _renderer = Mirror(base_url=base_url, suffixes=suffixes)


def _worker_render(job: tuple[str, str]) -> Rendered:
    assert _renderer is not None  # noqa: S101 (set by the pool's initializer)
    return _renderer.render(*job)


def crawl(starts, sink: Sink, *, base_url: str = "", progress=lambda: None,
          suffixes: tuple[str, ...] = WRITTEN_SUFFIXES + KEPT_SUFFIXES,
          workers: int | None = None) -> SiteReport:  # fmt: skip
    """Render every page reachable from ``starts`` and hand each file to ``sink`` (the
    static mirror writes files, the ZIM adds entries), then the static files. Pages render
    in ``workers`` processes (one per core by default); inside a transaction (others would
    not see its rows), a daemonic process or one with other threads, in this one."""
    report, seen, queue = SiteReport(), set(), deque()

    def add(found) -> None:
        for path, query in found:
            name = local_file(path, query, suffixes)
            if name is not None and name not in seen:
                seen.add(name)
                queue.append((path, query))

    def take(result: Rendered) -> None:
        for name, content, kind in result.files:
            sink(name, content, kind)
            report.bytes += len(content)
            report.pages += result.page
            report.files += not result.page
        if result.page:
            progress()
        add(result.found)

    add((start, "") for start in starts)
    workers = workers or os.cpu_count() or 1
    access = logging.getLogger("archive.access")
    level = access.level
    access.setLevel(logging.WARNING)  # the copy's renders are not readers' requests
    try:
        # A daemonic process (a Celery prefork worker) may not start processes of its own,
        # and a process with other threads is not forked: what they hold would be copied
        # half-done into each worker (seen: workers' queries failing beside a test server).
        alone = (connection.in_atomic_block or multiprocessing.current_process().daemon
                 or threading.active_count() > 1)  # fmt: skip
        if workers > 1 and not alone:
            connections.close_all()  # each worker opens its own
            caches.close_all()
            context = multiprocessing.get_context("fork")
            with context.Pool(workers, _worker_start, (base_url, suffixes)) as pool:
                while queue:
                    jobs = [queue.popleft() for _ in range(len(queue))]
                    for result in pool.imap_unordered(_worker_render, jobs, chunksize=8):
                        take(result)
        else:
            renderer = Mirror(base_url=base_url, suffixes=suffixes)
            while queue:
                take(renderer.render(*queue.popleft()))
    finally:
        access.setLevel(level)
    for name, source in static_files():
        content = source.read_bytes()
        sink(f"static/{name}", content, _kind(name))
        report.static += 1
        report.bytes += len(content)
    return report


def site_export(
    folder: Path, *, base_url: str = "", progress=lambda: None, workers: int | None = None
) -> SiteReport:
    """Write the static mirror into ``folder`` (made; it must be new or empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty")

    def sink(name: str, content: bytes, _kind: str) -> None:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)

    return crawl(("/", "/sitemap.xml", "/robots.txt"), sink, base_url=base_url,
                 progress=progress, workers=workers)  # fmt: skip
