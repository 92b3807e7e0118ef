"""The shelf of readers' books: every new title or order of statements at
``/book/book.pdf?s=…&title=…`` makes a new file, so the files are bounded.

- A client (by its address, infra.clients) may have at most ARCHIVE_BOOK_BUILDS_PER_HOUR
  books made that the archive did not keep already or was not making (django-ratelimit, in
  the shared cache; editions.tasks.kept_or_queued admits each new one); a kept book is
  served to anyone, any number of times.
- A book nobody has asked for in ARCHIVE_BOOKS_KEEP_DAYS is removed (``manage.py
  expire_books``, and the task queue's beat once a day).
- All books together stay under ARCHIVE_BOOKS_MAX_MB: past it, the least recently asked
  for go first.

Statements' own editions are kept: one a version, and their number is the archive's.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone
from django_ratelimit.core import is_ratelimited

from infra.clients import client_address
from statements.models import KeptBook

log = logging.getLogger(__name__)
# A book's last request is written at most this often (a popular book is not a write a read).
TOUCH_EVERY = datetime.timedelta(hours=1)
BOOKS = "books/"


class BuildRefused(Exception):
    """This client has had its hour's share of new books made."""


def build_admitted(request: HttpRequest) -> None:
    """Count a new book made for this client; BuildRefused past its hour's share."""
    if is_ratelimited(
        request,
        group="statements.book-builds",
        key=lambda _group, asked: client_address(asked),
        rate=f"{settings.ARCHIVE_BOOK_BUILDS_PER_HOUR}/h",
        increment=True,
    ):
        raise BuildRefused


def book_requested(name: str) -> None:
    """A reader asked for the kept book ``name``: it stays on the shelf a while longer."""
    now = timezone.now()
    KeptBook.objects.filter(name=name, requested_at__lt=now - TOUCH_EVERY).update(requested_at=now)


def book_shelved(name: str) -> None:
    """The book ``name`` was just made: on the shelf, and the shelf kept within its size."""
    try:
        size = default_storage.size(name)
    except OSError:
        return
    KeptBook.objects.update_or_create(
        name=name, defaults={"size": size, "requested_at": timezone.now()}
    )
    _within_quota(keep=name)


def _remove(books) -> int:
    removed = 0
    for book in books:
        try:
            default_storage.delete(book.name)
        except OSError as error:  # kept on record: tried again next time
            log.warning("could not remove the book %s: %s", book.name, error)
            continue
        KeptBook.objects.filter(pk=book.pk).delete()
        removed += 1
    return removed


def _within_quota(*, keep: str = "") -> int:
    limit = settings.ARCHIVE_BOOKS_MAX_MB * 2**20
    total = KeptBook.objects.aggregate(total=Sum("size"))["total"] or 0
    if total <= limit:
        return 0
    over, chosen = total - limit, []
    for book in KeptBook.objects.exclude(name=keep).order_by("requested_at", "pk").iterator():
        if over <= 0:
            break
        chosen.append(book)
        over -= book.size
    return _remove(chosen)


@dataclass
class ShelfReport:
    expired: int = 0
    over_quota: int = 0
    strays: int = 0


def books_expire() -> ShelfReport:
    """Remove the books nobody asked for in ARCHIVE_BOOKS_KEEP_DAYS, those past the shelf's
    size, and files under books/ the shelf has no record of (made before it kept one)
    once they are as old."""
    before = timezone.now() - datetime.timedelta(days=settings.ARCHIVE_BOOKS_KEEP_DAYS)
    report = ShelfReport()
    report.expired = _remove(KeptBook.objects.filter(requested_at__lt=before).iterator())
    report.over_quota = _within_quota()
    known = set(KeptBook.objects.values_list("name", flat=True))
    for name in _stored_books():
        if name in known:
            continue
        try:
            if default_storage.get_modified_time(name) < before:
                default_storage.delete(name)
                report.strays += 1
        except (OSError, NotImplementedError) as error:
            log.warning("could not look at the book %s: %s", name, error)
    return report


def _stored_books():
    """Every file under books/ in the media storage (two levels: books/<xx>/<name>)."""
    try:
        folders, files = default_storage.listdir(BOOKS)
    except (FileNotFoundError, NotADirectoryError):
        return
    yield from (BOOKS + name for name in files)
    for folder in folders:
        _, inside = default_storage.listdir(f"{BOOKS}{folder}/")
        yield from (f"{BOOKS}{folder}/{name}" for name in inside)


def books_remove_all() -> int:
    """Remove every book on the shelf, on record or not: after a statement is taken down or a
    person removed (a book's name is a digest of its contents, so which books hold a
    statement is not known; they are made again when asked for). Returns how many."""
    removed = _remove(KeptBook.objects.all().iterator())
    for name in list(_stored_books()):
        try:
            default_storage.delete(name)
            removed += 1
        except OSError as error:
            log.warning("could not remove the book %s: %s", name, error)
    return removed
