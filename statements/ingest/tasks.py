"""The ingest package's slow work on the task queue (infra.queue): imports confirmed in the
admin. Each is a ``Job`` row while it is queued or running, with its report once done, so
that every web host sees it. Without a broker (or while it is away) the import runs in the
request, within the bounds it always had."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import translation

from statements.models import Job


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
                "notes": entry.notes,
            }
            for entry in report.entries
        ],
        "created": report.created,
        "updated": report.updated,
        "duplicate": report.duplicate,
        "sourced": report.sourced,
        "failed": [list(pair) for pair in report.failed],
        "skipped": report.skipped,
        "notes": [list(pair) for pair in report.notes],
        "ignored": [list(pair) for pair in report.ignored],
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
    duplicates = (job.report or {}).get("duplicates", "new")  # the editor's choice
    try:
        with revision_context(
            user=job.created_by_id, username=editor.get_username() if editor else ""
        ):
            report = statement_import(
                files=files, status="draft", seconds=seconds, duplicates=duplicates
            )
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
def import_run(job_id: int, language: str = "en") -> None:
    """On a worker: an import confirmed in the admin (given again to another worker if this
    one dies: each file is all or nothing, and a file already imported is "unchanged"), its
    report in the editor's language."""
    with translation.override(language):
        _import_run(job_id)


def _import_run(job_id: int) -> None:
    job = (
        Job.objects.select_related("created_by")
        .filter(pk=job_id, state__in=(Job.QUEUED, Job.RUNNING))
        .first()
    )
    if job is not None:
        import_upload(job, seconds=settings.ARCHIVE_QUEUE_IMPORT_SECONDS)
