"""Link checks and captures on the task queue (infra.queue): the nightly check is a
periodic task of Celery's beat (archive.celery), a capture an editor asks for is one task."""

from __future__ import annotations

import datetime

from celery import shared_task

from statements.sources.captures import CaptureFailed, link_capture
from statements.sources.checks import by_host_in_turn, cited_urls, sources_check


@shared_task(name="archive.check_sources", time_limit=6 * 3600)
def check_sources_task(older_than_hours: float = 20.0) -> int:
    """``manage.py check_sources``, on a worker: returns how many addresses were checked."""
    hours = older_than_hours
    urls = cited_urls(older_than=datetime.timedelta(hours=hours) if hours else None)
    return sources_check(by_host_in_turn(urls)).checked


@shared_task(name="archive.capture_source", time_limit=600)
def capture_source_task(url: str) -> bool:
    """Capture ``url`` now (an editor added it, or asked); False when it did not answer."""
    try:
        link_capture(url)
    except CaptureFailed:
        return False
    return True


@shared_task(name="archive.check_urls", time_limit=3600)
def check_urls_task(urls: list[str]) -> int:
    """Check these addresses now (an editor asked): returns how many were checked."""
    return sources_check(by_host_in_turn(urls)).checked
