"""The ingest package's slow work on the task queue (infra.queue): readers' books and
editions, and imports from the admin.

Each is a ``Job`` row while it is queued or running, so that every web host sees it: a file
asked for again while it is being made is not made twice, and a failure is told to the
reader who comes back for it. Without a broker (or while it is away) the same work is done
in the request, within the bounds it always had.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from infra.queue import enqueue, queue_configured
from statements.core.pandoc import ConversionError
from statements.ingest.bookbuilder import Book, book_check, book_make, book_name, book_statements
from statements.ingest.editions import EditionOptions, edition_make, edition_name, kept_file
from statements.models import Job

# A file that could not be made is not tried again for this long (a reader reloading the
# page is told why, not made to wait again); a job neither done nor failed after STUCK_AFTER
# was lost (its worker killed with the task's message lost too) and is queued again.
FAILED_KEPT = datetime.timedelta(minutes=10)
STUCK_AFTER = datetime.timedelta(minutes=5)
# At most this many files queued or being made at once (books and editions readers asked for).
MAX_FILES_WAITING = 50


def kept_or_queued(name: str, make: Callable[[], bytes], task, *args) -> str | None:
    """The kept file's storage name, made now if need be; or None while a worker makes it
    (queued now, or by an earlier request). ConversionError when it could not be made."""
    from django.core.files.storage import default_storage

    if default_storage.exists(name):
        return name
    if queue_configured():
        waiting = Job.objects.filter(kind=Job.FILE, state__in=(Job.QUEUED, Job.RUNNING))
        if not waiting.filter(key=name).exists() and waiting.count() >= MAX_FILES_WAITING:
            # Every new address makes a new file: the queue is not made a flood of them.
            raise ConversionError(
                f"the archive is making {MAX_FILES_WAITING} files already; try again in a minute"
            )
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
    return kept_file(name, make)[0]


def _file_job(name: str, make: Callable[[], bytes]) -> None:
    """On a worker: make the file a reader asked for, and say how it went."""
    Job.objects.filter(key=name).update(state=Job.RUNNING, updated_at=timezone.now())
    try:
        kept_file(name, make)
    except ConversionError as error:
        Job.objects.filter(key=name).update(
            state=Job.FAILED, message=str(error), updated_at=timezone.now()
        )
        return
    Job.objects.filter(key=name).delete()  # the file is the record now


@shared_task(name="archive.book", time_limit=settings.ARCHIVE_BOOK_SECONDS + 60)
def book_build(name: str, ids: list[int], title: str, fmt: str, paper: str, imposed: str):
    statements, _ = book_statements(ids=ids, bodies=True)
    book = Book(title=title, statements=statements)
    options = EditionOptions(paper=paper, imposed=imposed)
    made = book_name(book, fmt=fmt, options=options)
    if made != name:  # changed since it was asked for: the reader's next look asks again
        Job.objects.filter(key=name).delete()
        return
    _file_job(name, lambda: book_make(book, fmt=fmt, options=options))


def book_file_for_reader(book: Book, *, fmt: str, options: EditionOptions) -> str | None:
    """The book's kept file, or None while a worker makes it (see kept_or_queued).
    BookError when the book is past its limits."""
    book_check(book)
    name = book_name(book, fmt=fmt, options=options)
    ids = [statement.pk for statement in book.statements]
    return kept_or_queued(
        name,
        lambda: book_make(book, fmt=fmt, options=options),
        book_build,
        *(ids, book.title, fmt, options.paper, options.imposed),
    )


@shared_task(name="archive.edition", time_limit=2 * settings.ARCHIVE_PANDOC_SECONDS + 60)
def edition_build(name: str, statement_id: int, fmt: str, paper: str, imposed: str):
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
        *(statement.pk, fmt, options.paper, options.imposed),
    )


def import_report_data(report) -> dict:
    """What the admin's report shows of an import, as JSON (kept in its Job)."""
    return {
        "entries": [
            {
                "action": entry.action,
                "name": entry.name,
                "statement_id": entry.statement_id,
                "status": entry.status,
                "data": {"slug": entry.data.slug},
            }
            for entry in report.entries
        ],
        "created": report.created,
        "updated": report.updated,
        "failed": [list(pair) for pair in report.failed],
        "skipped": report.skipped,
        "stopped": report.stopped,
    }


def import_upload(job: Job, *, seconds: float):
    """Import the job's upload as drafts, in the name of the editor who confirmed it, and
    keep the report in the job. The ImportReport, or None when the upload is gone."""
    from statements.catalog.revisions import revision_context
    from statements.ingest.services import statement_import
    from statements.ingest.uploads import upload_delete, upload_files_of

    token = (job.key or "").removeprefix("import:")
    files = upload_files_of(token)
    if files is None:
        job.state, job.message = Job.FAILED, "The upload is gone: upload the files again."
        job.save(update_fields=["state", "message", "updated_at"])
        return None
    job.state = Job.RUNNING
    job.save(update_fields=["state", "updated_at"])
    editor = job.created_by
    try:
        with revision_context(
            user=job.created_by_id, username=editor.get_username() if editor else ""
        ):
            report = statement_import(files=files, status="draft", seconds=seconds)
    except Exception as error:
        job.state, job.message = Job.FAILED, f"The import stopped: {error}"
        job.save(update_fields=["state", "message", "updated_at"])
        raise
    finally:
        upload_delete(token)
    job.state, job.report = Job.DONE, import_report_data(report)
    job.save(update_fields=["state", "report", "updated_at"])
    return report


@shared_task(name="archive.import", time_limit=settings.ARCHIVE_QUEUE_IMPORT_SECONDS + 60)
def import_run(job_id: int) -> None:
    """On a worker: an import confirmed in the admin (given again to another worker if this
    one dies: each file is all or nothing, and a file already imported is "unchanged")."""
    job = (
        Job.objects.select_related("created_by")
        .filter(pk=job_id, state__in=(Job.QUEUED, Job.RUNNING))
        .first()
    )
    if job is not None:
        import_upload(job, seconds=settings.ARCHIVE_QUEUE_IMPORT_SECONDS)
