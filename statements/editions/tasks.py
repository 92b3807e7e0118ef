"""Books and editions on the task queue (infra.queue): a reader's file is made once.

Each is a ``Job`` row while it is queued or running, so that every web host sees it: a file
asked for again while it is being made is not made twice, and a failure is told to the
reader who comes back for it. Without a broker (or while it is away) the same work is done
in the request, within the bounds it always had.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import asdict

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from infra.queue import enqueue, queue_configured
from statements.core.bounded import WALL_FACTOR, ConversionError
from statements.editions.bookbuilder import Book, book_check, book_make, book_name, book_statements
from statements.editions.services import EditionOptions, edition_make, edition_name, kept_file
from statements.editions.shelf import BOOKS, book_shelved, books_expire
from statements.models import Job

# A worker's safety net for one file: its conversions are bounded by processor time, each
# backed by a wall clock WALL_FACTOR times longer; an edition's PDF is two (pandoc, Typst).
WORKER_TIME_LIMIT = int(2 * WALL_FACTOR * settings.ARCHIVE_BATCH_CPU_SECONDS + 60)
# A file that could not be made is not tried again for this long (a reader reloading the
# page is told why, not made to wait again); a job neither done nor failed after STUCK_AFTER
# was lost (its worker killed with the task's message lost too) and is queued again.
FAILED_KEPT = datetime.timedelta(minutes=10)


STUCK_AFTER = datetime.timedelta(minutes=5)


# At most this many files queued or being made at once (books and editions readers asked for).
MAX_FILES_WAITING = 50


def kept_or_queued(
    name: str, make: Callable[[], bytes], task, *args, admit: Callable[[], None] | None = None
) -> str | None:
    """The kept file's storage name, made now if need be; or None while a worker makes it
    (queued now, or by an earlier request). ConversionError when it could not be made.
    ``admit`` is called before a file is made or queued anew, never for one kept or being
    made (it raises to refuse: a reader's share of new books). A book made is put on the
    shelf (editions.shelf), which keeps books within bounds."""
    from django.core.files.storage import default_storage

    if default_storage.exists(name):
        return name
    queue = queue_configured()
    waiting = Job.objects.filter(kind=Job.FILE, state__in=(Job.QUEUED, Job.RUNNING))
    queued = queue and waiting.filter(key=name).exists()
    if queue and not queued and waiting.count() >= MAX_FILES_WAITING:
        # Every new address makes a new file: the queue is not made a flood of them.
        raise ConversionError(
            f"the archive is making {MAX_FILES_WAITING} files already; try again in a minute"
        )
    if admit is not None and not queued:
        admit()
    if queue:
        job, created = Job.objects.get_or_create(key=name, defaults={"kind": Job.FILE})
        age = timezone.now() - job.updated_at
        if not created:
            if job.state == Job.FAILED and age < FAILED_KEPT:
                raise ConversionError(job.message)
            if job.state in (Job.QUEUED, Job.RUNNING) and age < STUCK_AFTER:
                return None
            # Failed long ago, or lost: asked again.
            Job.objects.filter(pk=job.pk).update(
                state=Job.QUEUED, message="", updated_at=timezone.now()
            )
        if enqueue(task, name, *args):
            return None
        Job.objects.filter(pk=job.pk).delete()  # the broker did not take it: made here
    _made(*kept_file(name, make))
    return name


def _made(name: str, now: bool) -> None:
    if now and name.startswith(BOOKS):
        book_shelved(name)


def _file_job(name: str, make: Callable[[], bytes]) -> None:
    """On a worker: make the file a reader asked for, and say how it went."""
    Job.objects.filter(key=name).update(state=Job.RUNNING, updated_at=timezone.now())
    try:
        _made(*kept_file(name, make))
    except ConversionError as error:
        Job.objects.filter(key=name).update(
            state=Job.FAILED, message=str(error), updated_at=timezone.now()
        )
        return
    Job.objects.filter(key=name).delete()  # the file is the record now


@shared_task(name="archive.book", time_limit=WORKER_TIME_LIMIT)
def book_build(
    name: str, ids: list[int], title: str, fmt: str, paper: str, imposed: str, language="en"
):
    # The file's fixed words in the language of the reader who asked (its name says it).
    with translation.override(language):
        _book_build(name, ids, title, fmt, paper, imposed)


def _book_build(name: str, ids: list[int], title: str, fmt: str, paper: str, imposed: str):
    statements, _missing = book_statements(ids=ids, bodies=True)
    book = Book(title=title, statements=statements)
    options = EditionOptions(paper=paper, imposed=imposed)
    made = book_name(book, fmt=fmt, options=options)
    if made != name:  # changed since it was asked for: the reader's next look asks again
        Job.objects.filter(key=name).delete()
        return
    _file_job(name, lambda: book_make(book, fmt=fmt, options=options))


def book_file_for_reader(
    book: Book, *, fmt: str, options: EditionOptions, admit: Callable[[], None] | None = None
) -> str | None:
    """The book's kept file, or None while a worker makes it (see kept_or_queued, which
    calls ``admit`` before making a new one). BookError when the book is past its limits."""
    book_check(book)
    name = book_name(book, fmt=fmt, options=options)
    ids = [statement.pk for statement in book.statements]
    return kept_or_queued(
        name,
        lambda: book_make(book, fmt=fmt, options=options),
        book_build,
        *(ids, book.title, fmt, options.paper, options.imposed, translation.get_language()),
        admit=admit,
    )


@shared_task(name="archive.edition", time_limit=WORKER_TIME_LIMIT)
def edition_build(name: str, statement_id: int, fmt: str, paper: str, imposed: str, language="en"):
    with translation.override(language):
        _edition_build(name, statement_id, fmt, paper, imposed)


def _edition_build(name: str, statement_id: int, fmt: str, paper: str, imposed: str):
    from statements.catalog.selectors import statement_detail_queryset

    statement = statement_detail_queryset().filter(pk=statement_id).first()
    options = EditionOptions(paper=paper, imposed=imposed)
    if statement is None or edition_name(statement, fmt=fmt, options=options) != name:
        Job.objects.filter(key=name).delete()  # changed or gone since: asked again
        return
    _file_job(name, lambda: edition_make(statement, fmt=fmt, options=options))


def edition_file_for_reader(statement, *, fmt: str, options: EditionOptions) -> str | None:
    """The statement's kept EPUB or PDF, or None while a worker makes it."""
    return kept_or_queued(
        edition_name(statement, fmt=fmt, options=options),
        lambda: edition_make(statement, fmt=fmt, options=options),
        edition_build,
        *(statement.pk, fmt, options.paper, options.imposed, translation.get_language()),
    )


@shared_task(name="archive.expire_books")
def books_expire_task() -> dict:
    """The beat's daily clean-up of the readers' books (editions.shelf.books_expire)."""
    return asdict(books_expire())
