"""A reader's book: published statements, in the reader's order and under their title,
bound into one EPUB or PDF (optionally imposed as a booklet), each statement a chapter with
its colophon, a table of contents by statement.

A book is at most MAX_STATEMENTS statements and MAX_TEXT_BYTES of text. It is made in the
request (or on a worker), the whole of pandoc and Typst within one budget of processor time,
and kept like a statement's editions (editions.services): under a digest of everything that
goes into it, so the same book asked for again is a file read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db.models import F, Func, IntegerField
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from statements.catalog.selectors import statement_detail_queryset
from statements.core.bounded import conversion_budget, conversion_limits
from statements.editions.books import (
    collection_epub,
    collection_markdown,
    collection_metadata,
    collection_typst,
)
from statements.editions.services import EDITION_VERSION, EditionOptions, edition_address, kept_file
from statements.editions.typeset import typeset_pdf
from statements.models import SlugRedirect, Statement

MAX_STATEMENTS = 100
MAX_TEXT_BYTES = 5_000_000
MAX_TITLE = 200
DEFAULT_TITLE = gettext_noop("A book of statements")


class BookError(ValueError):
    """A book that cannot be made as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Book:
    title: str
    statements: list[Statement]
    missing: int = 0  # statements asked for that are not (or no longer) public

    @property
    def slugs(self) -> list[str]:
        return [statement.slug for statement in self.statements]

    @property
    def text_bytes(self) -> int:
        return sum(statement.body_bytes for statement in self.statements)


def book_title_clean(text: str | None) -> str:
    """The reader's title on one line, without control characters, at most MAX_TITLE
    characters; the default title when none is left."""
    cleaned = "".join(c for c in " ".join((text or "").split()) if c.isprintable())
    return cleaned[:MAX_TITLE] or _(DEFAULT_TITLE)


def book_statements(*, ids=(), slugs=(), bodies: bool = False) -> tuple[list[Statement], int]:
    """The public statements among ``ids`` or ``slugs`` (an old slug finds the statement it
    moved to), in the order asked, each once, with ``body_bytes``; and how many asked for
    are not public. With their bodies and everything a colophon shows when ``bodies``."""
    asked = list(dict.fromkeys(ids or slugs))[: MAX_STATEMENTS * 2]
    queryset = statement_detail_queryset().published()
    queryset = queryset.annotate(
        body_bytes=Func(F("body"), function="octet_length", output_field=IntegerField())
    )
    if not bodies:
        queryset = queryset.defer("body", "body_html", "body_toc", "editorial_notes")
    if ids:
        found = {statement.pk: statement for statement in queryset.filter(pk__in=asked)}
    else:
        found = {statement.slug: statement for statement in queryset.filter(slug__in=asked)}
        moved = dict(
            SlugRedirect.objects.filter(
                old_slug__in=[key for key in asked if key not in found]
            ).values_list("old_slug", "statement_id")
        )
        if moved:
            now_at = queryset.in_bulk(set(moved.values()))
            found.update({old: now_at[pk] for old, pk in moved.items() if pk in now_at})
    chosen = list(dict.fromkeys(found[key] for key in asked if key in found))
    return chosen, len(asked) - sum(1 for key in asked if key in found)


def book_check(book: Book) -> None:
    """BookError when the book is empty or past its limits."""
    if not book.statements:
        raise BookError(_("This book has no statements yet: add some from any list or page."))
    if len(book.statements) > MAX_STATEMENTS:
        message = _(
            "A book holds at most %(most)s statements; this one has %(count)s. Remove some, "
            "or make two books."
        )
        raise BookError(message % {"most": MAX_STATEMENTS, "count": len(book.statements)})
    if book.text_bytes > MAX_TEXT_BYTES:
        message = _(
            "A book holds at most %(most)s MB of text; these statements have %(size)s MB. "
            "Remove the longest, or make two books."
        )
        most, size = f"{MAX_TEXT_BYTES / 1e6:.0f}", f"{book.text_bytes / 1e6:.1f}"
        raise BookError(message % {"most": most, "size": size})


def book_name(book: Book, *, fmt: str, options: EditionOptions) -> str:
    """Where the file of these inputs is kept (see editions.services.edition_name)."""
    addresses = [edition_address(statement) for statement in book.statements]
    shown = json.dumps(
        [
            EDITION_VERSION,
            fmt,
            options.suffix(),
            collection_metadata(book.statements, title=book.title),
            collection_markdown(book.statements, addresses=addresses),
        ],
        sort_keys=True,
    )
    digest = hashlib.sha256(shown.encode()).hexdigest()[:40]
    label = f"-{options.suffix()}" if options.suffix() else ""
    return f"books/{digest[:2]}/{digest}{label}.{fmt}"


def book_make(book: Book, *, fmt: str, options: EditionOptions) -> bytes:
    """The book's bytes, made now; ConversionError past its processor time in all (pandoc
    and Typst together): ARCHIVE_BOOK_CPU_SECONDS in a web request, ARCHIVE_BATCH_CPU_SECONDS
    on the command line and the workers."""
    addresses = [edition_address(statement) for statement in book.statements]
    with conversion_budget(conversion_limits().book_cpu_seconds):
        if fmt == "epub":
            return collection_epub(book.statements, title=book.title, addresses=addresses)
        source = collection_typst(
            book.statements, title=book.title, addresses=addresses, paper=options.paper
        )
        return typeset_pdf(source, booklet=bool(options.imposed))


def book_file(book: Book, *, fmt: str, options: EditionOptions) -> tuple[str, bool]:
    """The kept file's storage name, made first if need be; and whether it was made now.
    BookError when the book is past its limits."""
    book_check(book)
    name = book_name(book, fmt=fmt, options=options)
    return kept_file(name, lambda: book_make(book, fmt=fmt, options=options))
