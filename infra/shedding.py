"""Quick 503s instead of timeouts when the site is overloaded.

Under more load than the workers can serve, requests wait: in the kernel's queue, then in a
gunicorn worker's queue for a free thread. Past ``ARCHIVE_SHED_AFTER_SECONDS`` of waiting, a
reader's GET or HEAD is answered at once with 503 and ``Retry-After``: it costs the workers
almost nothing, the reader learns in seconds instead of at a timeout, and the requests behind
it wait less. A request that writes (an editor saving) is always served.

The wait is what gunicorn's thread worker measured (``ShedThreadWorker``: from the moment a
request was handed to the thread pool), or, when the proxy sends ``X-Request-Start`` (nginx:
``t=$msec``), from the moment the proxy received it, whichever is longer.
"""

from __future__ import annotations

import contextlib
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import Counter

WAITED_HEADER = "X-ARCHIVE-WAITED-MS"  # set by ShedThreadWorker, never taken from a client
SHED = Counter("archive_requests_shed", "Readers' requests answered 503 after waiting too long")


def waited_seconds(meta: dict) -> float:
    waited = 0.0
    with contextlib.suppress(ValueError):
        waited = float(meta.get("HTTP_X_ARCHIVE_WAITED_MS", "0")) / 1000
    start = meta.get("HTTP_X_REQUEST_START", "")
    if start.startswith("t="):
        with contextlib.suppress(ValueError):
            waited = max(waited, time.time() - float(start[2:]))
    return waited


class LoadSheddingMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.ARCHIVE_SHED_AFTER_SECONDS
        reader = request.method in ("GET", "HEAD")
        if limit > 0 and reader and waited_seconds(request.META) > limit:
            SHED.inc()
            return HttpResponse(
                "The archive is very busy: please try again in a few seconds.\n",
                status=503,
                content_type="text/plain; charset=utf-8",
                headers={"Retry-After": "5", "Cache-Control": "no-store"},
            )
        return self.get_response(request)


def _thread_worker():
    from gunicorn.workers.gthread import ThreadWorker

    class ShedThreadWorker(ThreadWorker):
        """gunicorn's thread worker, noting when each request was handed to its threads."""

        def enqueue_req(self, conn) -> None:
            conn.archive_enqueued = time.monotonic()
            super().enqueue_req(conn)

        def handle_request(self, req, conn):
            waited = time.monotonic() - getattr(conn, "archive_enqueued", time.monotonic())
            req.headers = [(name, value) for name, value in req.headers if name != WAITED_HEADER]
            req.headers.append((WAITED_HEADER, f"{waited * 1000:.0f}"))
            return super().handle_request(req, conn)

    return ShedThreadWorker


def __getattr__(name: str):
    # gunicorn imports the worker class by name (archive.gunicorn's worker_class); gunicorn
    # is imported only then, so this module stays importable where gunicorn is not running.
    if name == "ShedThreadWorker":
        return _thread_worker()
    raise AttributeError(name)
