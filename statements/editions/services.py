"""A statement's books (EPUB, PDF, an imposed booklet), each made once per version of what
it shows and kept in the media storage: a second request reads a file.

A file's name holds a digest of everything that goes into it (the text and colophon, the
metadata, the options, the archive's address, and EDITION_VERSION, which changes with the
writers), so a changed statement gets new files and an old file is never served for it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from statements.editions.books import (
    PAPERS,
    book_markdown,
    book_metadata,
    statement_epub,
    statement_pdf,
)

EDITION_VERSION = "1"
EDITION_TYPES = {"epub": "application/epub+zip", "pdf": "application/pdf"}
IMPOSITIONS = ("a5-booklet",)


class EditionOptionError(ValueError):
    """A parameter of a book download that cannot be honoured; the message says why."""


@dataclass(frozen=True)
class EditionOptions:
    paper: str = "a4"
    imposed: str = ""

    def suffix(self) -> str:
        return "-".join(part for part in (self.paper, self.imposed) if part)


def edition_options_parse(fmt: str, params) -> EditionOptions:
    """``?paper=a4|letter|a5`` and ``?imposed=a5-booklet`` for a PDF; none for an EPUB."""
    paper, imposed = params.get("paper"), params.get("imposed")
    if fmt == "epub":
        if paper or imposed:
            raise EditionOptionError(_("An EPUB has no paper size: leave out paper and imposed."))
        return EditionOptions(paper="", imposed="")
    if paper and paper not in PAPERS:
        raise EditionOptionError(f"paper must be one of {', '.join(PAPERS)}.")
    if imposed and imposed not in IMPOSITIONS:
        raise EditionOptionError(f"imposed must be {' or '.join(IMPOSITIONS)}.")
    if imposed and paper and paper != "a5":
        raise EditionOptionError(_("A booklet is set on A5 pages, two to an A4 sheet."))
    return EditionOptions(paper="a5" if imposed else (paper or "a4"), imposed=imposed or "")


def edition_address(statement) -> str:
    """The statement's address printed in its colophon: under ARCHIVE_BASE_URL, or none."""
    base = settings.ARCHIVE_BASE_URL.rstrip("/")
    return f"{base}{statement.get_absolute_url()}" if base else ""


def edition_name(statement, *, fmt: str, options: EditionOptions) -> str:
    """Where the file of these inputs is kept (see the module's docstring)."""
    address = edition_address(statement)
    shown = json.dumps(
        [
            EDITION_VERSION,
            fmt,
            options.suffix(),
            address,
            book_metadata(statement),
            book_markdown(statement, address=address),
        ],
        sort_keys=True,
    )
    digest = hashlib.sha256(shown.encode()).hexdigest()[:32]
    label = f"-{options.suffix()}" if options.suffix() else ""
    return f"editions/{statement.pk}/{statement.pk}{label}-{digest}.{fmt}"


def edition_make(statement, *, fmt: str, options: EditionOptions) -> bytes:
    """The file's bytes, made now (pandoc, then Typst and the imposition; each in a process
    bounded in time and memory)."""
    address = edition_address(statement)
    if fmt == "epub":
        return statement_epub(statement, address=address)
    return statement_pdf(
        statement, paper=options.paper, address=address, booklet=bool(options.imposed)
    )


def edition_get(statement, *, fmt: str, options: EditionOptions) -> tuple[str, bool]:
    """The kept file's storage name, made first if it is not there yet; and whether it
    was made by this call (see kept_file)."""
    name = edition_name(statement, fmt=fmt, options=options)
    return kept_file(name, lambda: edition_make(statement, fmt=fmt, options=options))


def kept_file(name: str, make: Callable[[], bytes]) -> tuple[str, bool]:
    """The storage name of the file ``make`` makes, made now if it is not kept yet; and
    whether it was made by this call. Made in memory and saved whole, so a reader never
    finds half a file where the storage writes in one go (two requests racing both make it;
    the second save finds the name taken and is dropped)."""
    if default_storage.exists(name):
        return name, False
    content = make()
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:  # another request saved it first: keep theirs
            default_storage.delete(saved)
    return name, True


def editions_kept(*, statement_ids) -> list[str]:
    """The storage names of the kept EPUB, PDF and booklet files of these statements."""
    kept = []
    for pk in sorted(set(statement_ids)):
        folder = f"editions/{int(pk)}/"
        try:
            _, names = default_storage.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            continue
        kept += [folder + name for name in names]
    return kept


def editions_remove(*, statement_ids) -> int:
    """Delete the kept EPUB, PDF and booklet files of these statements (every version's):
    made again on the next request, from the statement as it is then. Returns how many."""
    kept = editions_kept(statement_ids=statement_ids)
    for name in kept:
        default_storage.delete(name)
    return len(kept)
