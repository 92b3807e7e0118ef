"""The static mirror: the public site written as files whose links are relative, so that it
works from any static host and from ``file://``. Pages are rendered by the site itself (a
request to each, in this process), found by following links from the home page, the
sitemap and the feeds; every internal link is rewritten to the file it became.

What cannot be a file (search, the book builder, filters and sorting: pages made from a
query) links to the live site, where ARCHIVE_BASE_URL names it, and is plain text where
not. Downloads are written where they are made in Python (Markdown, text, JSON, citations);
EPUB and PDF where the archive already keeps the file, never made for the mirror. The other
interface languages stay on the live site: the mirror is the default language's.
"""

from __future__ import annotations

import html
import mimetypes
import posixpath
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import Resolver404, resolve

from statements.editions.services import edition_name, edition_options_parse
from statements.models import Statement

# Paths that are not pages of the public archive, or are made from a query.
SKIPPED = ("/admin/", "/rosetta/", "/i18n/", "/api/", "/oai/", "/opds/", "/search/", "/book/",
           "/mirror.git/", "/random/", "/media/", "/copies/", "/sources/",
           "/opensearch.xml")  # fmt: skip
WRITTEN_SUFFIXES = (".md", ".txt", ".json", ".bib", ".ris", ".atom", ".rss", ".xml")
KEPT_SUFFIXES = (".epub", ".pdf")
STATIC_SKIPPED = ("admin/", "rosetta/", "ninja/", "debug_toolbar/")
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


def _languages() -> tuple[str, ...]:
    return tuple(f"/{code}/" for code, _name in settings.LANGUAGES if code != "en")


def local_file(path: str, query: str, suffixes=WRITTEN_SUFFIXES + KEPT_SUFFIXES) -> str | None:
    """The file a site address becomes (relative to the mirror's root), or None where the
    address is not mirrored (pages, and files with these ``suffixes``)."""
    if not path.startswith("/") or path.startswith(SKIPPED + _languages()):
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
    if path.endswith("/"):
        name = f"page-{page}.html" if page and page != "1" else "index.html"
        return path[1:] + name
    if page or not suffixes or not path.endswith(suffixes) or ".." in path.split("/"):
        return None
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


class Mirror:
    """Renders the site's pages, follows their links and hands each file to ``sink`` with
    its links made relative (the static mirror writes files, the ZIM adds entries)."""

    def __init__(self, sink: Sink, *, base_url: str, progress: Callable[[], None],
                 suffixes: tuple[str, ...] = WRITTEN_SUFFIXES + KEPT_SUFFIXES):  # fmt: skip
        self.sink = sink
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
        self.queue: deque[tuple[str, str]] = deque()
        self.seen: set[str] = set()
        self.kept: dict[str, str | None] = {}
        self.progress = progress
        self.report = SiteReport()

    def want(self, path: str, query: str) -> str | None:
        target = local_file(path, query, self.suffixes)
        if target is not None and path.endswith(KEPT_SUFFIXES):
            if target not in self.kept:
                self.kept[target] = kept_edition(path)
            if self.kept[target] is None:
                return None
        if target is not None and target not in self.seen:
            self.seen.add(target)
            self.queue.append((path, query))
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

    def write(self, name: str, content: bytes, kind: str = "") -> None:
        self.sink(name, content, kind or mimetypes.guess_type(name)[0] or "text/plain")
        self.report.bytes += len(content)

    def fetch(self, path: str, query: str) -> None:
        name = local_file(path, query, self.suffixes)
        if name is None:
            return
        if self.kept.get(name):
            with default_storage.open(self.kept[name], "rb") as stream:
                self.write(name, stream.read())
            self.report.files += 1
            return
        response = self.client.get(path + (f"?{query}" if query else ""), secure=self.secure)
        if response.status_code != 200:
            return
        kind = response.headers.get("Content-Type", "").split(";")[0]
        content = b"".join(response) if response.streaming else response.content
        if kind == "text/html":
            text = content.decode(response.charset or "utf-8")
            for found in re.finditer(r'href="(\?page=\d+)"', text):  # a page's own pages
                self.want(path, found.group(1)[1:])
            text = re.sub(r'href="\?page=(\d+)"', lambda m: f'href="{path}?page={m.group(1)}"',
                          text)  # fmt: skip
            text = LINK.sub(lambda m: self.rewrite(m, name), text)
            self.write(name, text.encode(), "text/html")
            self.report.pages += 1
            self.progress()
        elif kind in TEXT_TYPES:
            text = content.decode(response.charset or "utf-8")
            for url in re.findall(r"<(?:loc|link|id)[^>]*?>(https?://[^<]+)</", text):
                parts = urlsplit(html.unescape(url))
                if f"{parts.scheme}://{parts.netloc}" in self.origins:
                    self.want(parts.path, parts.query)
            self.write(name, self.absolute(text).encode())
            self.report.files += 1
        else:
            self.write(name, content)
            self.report.files += 1

    def copy_static(self) -> None:
        root = Path(settings.STATIC_ROOT)
        if (root / "staticfiles.json").exists():
            files = ((p.relative_to(root).as_posix(), p) for p in root.rglob("*") if p.is_file())
        else:
            files = (
                (name, Path(storage.path(name)))
                for finder in finders.get_finders()
                for name, storage in finder.list(["CVS", ".*", "*~"])
            )
        for name, source in files:
            if name.startswith(STATIC_SKIPPED) or name.endswith((".gz", ".br")):
                continue
            self.write(f"static/{name}", source.read_bytes())
            self.report.static += 1


def site_export(folder: Path, *, base_url: str = "", progress=lambda: None) -> SiteReport:
    """Write the static mirror into ``folder`` (made; it must be new or empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty")

    def sink(name: str, content: bytes, _kind: str) -> None:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)

    mirror = Mirror(sink, base_url=base_url, progress=progress)
    for start in ("/", "/sitemap.xml", "/robots.txt"):
        mirror.want(start, "")
    while mirror.queue:
        mirror.fetch(*mirror.queue.popleft())
    mirror.copy_static()
    return mirror.report
