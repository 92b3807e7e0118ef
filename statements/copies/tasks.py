"""The copies on the task queue (infra.queue): each kind is a periodic task of Celery's beat
(archive.celery, ARCHIVE_COPIES_SCHEDULE), as ``manage.py publish_copies`` is from cron."""

from __future__ import annotations

from celery import shared_task

from statements.copies.publish import copy_publish

# The work is bounded by the exports' own limits (the pages' renders, pandoc's, libzim's);
# the time limit only ends a worker that hangs.
COPY_TIME_LIMIT = 4 * 3600


@shared_task(name="archive.publish_copy", time_limit=COPY_TIME_LIMIT)
def publish_copy_task(kind: str) -> dict:
    """Make and list the copy of ``kind`` (publish.KINDS); returns what the list says."""
    entry = copy_publish(kind=kind)
    return {"kind": entry.kind, "file": entry.file, "bytes": entry.bytes, "summary": entry.summary}
