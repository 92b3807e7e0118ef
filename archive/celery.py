"""The task queue's application: ``celery -A archive worker`` (and ``--beat`` for the
periodic link checks).

Its settings are Django's ``CELERY_*`` (archive/settings/queue.py). With no broker
(``CELERY_BROKER_URL`` unset), tasks run in the process that asks for them (Celery's eager
mode), so a single machine needs nothing more; see infra.queue."""

import os

from celery import Celery
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

app = Celery("archive")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The tasks live beside the work they do.
app.autodiscover_tasks(
    [
        "statements.ingest",
        "statements.editions",
        "statements.catalog",
        "statements.sources",
        "statements.copies",
    ]
)


def beat_schedule(spec: str, setting: str = "ARCHIVE_CHECK_SOURCES_SCHEDULE"):
    """A schedule setting (ARCHIVE_CHECK_SOURCES_SCHEDULE, ARCHIVE_COPIES_SCHEDULE) as
    Celery's beat takes it: a number of seconds, or a crontab line of five fields."""
    # Here, not at the top: every process loads this module, and only Celery reads the beat.
    from celery.schedules import crontab

    try:
        return float(spec)
    except ValueError:
        pass
    fields = spec.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(
            f"{setting}: a crontab line (five fields) or a number of seconds"
        )
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    return crontab(minute, hour, day_of_week, day_of_month, month_of_year)


@app.on_after_configure.connect
def _periodic_tasks(sender, **kwargs) -> None:
    from django.conf import settings

    sender.conf.beat_schedule = {
        "check-sources": {
            "task": "archive.check_sources",
            "schedule": beat_schedule(settings.ARCHIVE_CHECK_SOURCES_SCHEDULE),
            "kwargs": {"older_than_hours": settings.ARCHIVE_CHECK_SOURCES_OLDER_THAN_HOURS},
        },
        # Readers' books nobody asked for again, and the shelf kept within its size.
        "expire-books": {"task": "archive.expire_books", "schedule": 24 * 3600.0},
    }
    # The copies that outlive the server (statements.copies), each its own task.
    if settings.ARCHIVE_COPIES_SCHEDULE:
        schedule = beat_schedule(settings.ARCHIVE_COPIES_SCHEDULE, "ARCHIVE_COPIES_SCHEDULE")
        for kind in settings.ARCHIVE_COPIES:
            sender.conf.beat_schedule[f"publish-copy-{kind}"] = {
                "task": "archive.publish_copy",
                "schedule": schedule,
                "kwargs": {"kind": kind},
            }
