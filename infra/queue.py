"""Slow work handed to the task queue's workers (Celery), when there are any.

``CELERY_BROKER_URL`` names the broker: Redis (``redis://``) or RabbitMQ (``amqp://``).
Without it, or while it cannot be reached, ``enqueue`` says so and the caller does the work
itself, within the bounds it always had: the two README commands need nothing else, and a
broker that is away makes the site slower, never broken. ``queue_depth`` is the number of
tasks waiting, for /metrics (``archive_queue_depth``) and /readyz.
"""

from __future__ import annotations

import logging

from celery import current_app
from django.conf import settings

logger = logging.getLogger(__name__)


def queue_configured() -> bool:
    return bool(settings.CELERY_BROKER_URL)


def enqueue(task, *args) -> bool:
    """Send ``task(*args)`` to the workers; False when there is no broker or it did not take
    the task (then nothing was sent, and the caller does the work)."""
    if not queue_configured():
        return False
    try:
        task.apply_async(args)
    except Exception as error:  # kombu's errors, OSError: any failure to hand it over
        logger.warning("the broker did not take %s: %s", task.name, error)
        return False
    return True


def queue_depth() -> int:
    """Tasks waiting in the archive's queue (not those a worker holds); raises when the
    broker cannot be reached."""
    # The application this process runs (archive.celery, loaded with Django): infra knows no
    # project package.
    with current_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=settings.ARCHIVE_BROKER_TIMEOUT)
        channel = connection.default_channel
        try:
            _, depth, _ = channel.queue_declare(
                queue=settings.CELERY_TASK_DEFAULT_QUEUE, passive=True
            )
        except connection.channel_errors:  # no such queue yet: nothing ever waited
            return 0
        return int(depth)
