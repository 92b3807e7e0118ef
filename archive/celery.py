"""The task queue's application: ``celery -A archive worker``.

Its settings are Django's ``CELERY_*`` (archive/settings.py). With no broker
(``ARCHIVE_BROKER_URL`` unset), tasks run in the process that asks for them (Celery's eager
mode), so a single machine needs nothing more; see infra.queue."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

app = Celery("archive")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The tasks live beside the work they do.
app.autodiscover_tasks(
    ["statements.ingest", "statements.editions", "statements.catalog", "statements.sources"]
)
