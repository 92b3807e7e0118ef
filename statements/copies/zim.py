"""The offline copy for Kiwix: the public site's pages as a ZIM file (python-libzim), read
in Kiwix's apps and kiwix-serve where the web is blocked or absent.

The pages are the static mirror's (copies.site renders them and makes their links
relative), without the downloads, feeds and sitemap: every statement and its history,
every author, tag, year and month page, the lists, with the style sheet. The home
page is the main page; libzim builds the full-text and title indexes.
"""

from __future__ import annotations

import datetime
import html
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify
from libzim.writer import Creator, Hint, Item, StringProvider

from statements.copies.site import SiteReport, crawl

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


class Page(Item):
    def __init__(self, path: str, content: bytes, mimetype: str, title: str, front: bool):
        super().__init__()
        self.path, self.content, self.mimetype = path, content, mimetype
        self.title, self.front = title, front

    def get_path(self) -> str:
        return self.path

    def get_title(self) -> str:
        return self.title

    def get_mimetype(self) -> str:
        return self.mimetype

    def get_contentprovider(self) -> StringProvider:
        return StringProvider(self.content)

    def get_hints(self) -> dict:
        return {
            Hint.FRONT_ARTICLE: self.front,
            Hint.COMPRESS: not self.mimetype.startswith("image"),
        }


def illustration(size: int = 48) -> bytes:
    """The archive's square mark as a PNG: a dark page with a light band, drawn here (Kiwix
    shows it in its library)."""
    rows = b"".join(
        b"\x00"
        + b"".join(
            bytes((0xF4, 0xEF, 0xE6, 0xFF))
            if size // 4 <= y < size - size // 4
            and size // 5 <= x < size - size // 5
            and not (size // 2 - 2 <= y < size // 2 + 2)
            else bytes((0x2B, 0x2A, 0x33, 0xFF))
            for x in range(size)
        )
        for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))  # fmt: skip


def _metadata(creator: Creator) -> None:
    name = settings.ARCHIVE_NAME
    creator.add_metadata("Title", name[:30])
    creator.add_metadata("Description", f"Collective statements kept by {name}"[:80])
    creator.add_metadata(
        "LongDescription",
        "Communiqués, open letters, calls and manifestos of collectives, assemblies, unions "
        "and groups: every public statement with its authors, signatories, date, tags, "
        "sources and public history.",
    )
    creator.add_metadata("Language", "eng")
    creator.add_metadata("Creator", name)
    creator.add_metadata("Publisher", name)
    creator.add_metadata("Date", datetime.date.today().isoformat())
    creator.add_metadata("Name", f"{slugify(name) or 'statement-archive'}_en_all")
    creator.add_metadata("Tags", "_category:other;statements;activism")
    creator.add_metadata("Source", settings.ARCHIVE_BASE_URL or name)
    creator.add_illustration(48, illustration(48))


def zim_export(
    path: Path, *, progress: Callable[[], None] = lambda: None, workers: int | None = None
) -> SiteReport:
    """Write the ZIM file at ``path`` (replaced if there)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    with Creator(str(partial)).config_indexing(True, "eng").config_nbworkers(2) as creator:
        creator.set_mainpath("index.html")
        _metadata(creator)

        def sink(name: str, content: bytes, kind: str) -> None:
            page = kind == "text/html"
            found = TITLE.search(content.decode("utf-8", "replace")) if page else None
            title = html.unescape(" ".join(found.group(1).split())) if found else name
            mimetype = f"{kind};charset=utf-8" if kind.startswith("text/") else kind
            creator.add_item(Page(name, content, mimetype, title, front=page))

        report = crawl(("/",), sink, progress=progress, suffixes=(), workers=workers)
    partial.replace(path)
    return report
