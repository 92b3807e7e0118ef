"""Every request gets an id, and every log line written while it is served carries it.

The id is the ``X-Request-ID`` the proxy sent, when it looks like one, or a new one; it goes
back in the response's ``X-Request-ID``. Each request then writes one access line (method,
path, status, time) to the ``archive.access`` logger. With ``LOG_FORMAT=json`` (the
default outside debug) every line is a JSON object (python-json-logger) with ``request_id``.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
INTERNAL = "archive.internal"  # a WSGI environ key no client can send
_GIVEN = re.compile(r"[A-Za-z0-9._:-]{8,64}")
access = logging.getLogger("archive.access")


def in_request() -> bool:
    """Whether this thread is serving a request now (work done in one gets tighter bounds
    than on the command line or a worker)."""
    return bool(request_id.get())


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record ("" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        value = given if _GIVEN.fullmatch(given) else uuid.uuid4().hex
        # Kept until the response is finished (below): Django logs a 4xx or 5xx response
        # after the last middleware has returned it.
        request_id.set(value)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = value
        extra = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
        if hasattr(request, "read_from"):  # with replicas: which database it read (or none)
            extra["read_from"] = request.read_from or "none"
        # A page the archive asks of itself (to store it) is not a reader's request.
        if not request.META.get(INTERNAL):
            access.info("%s %s %s", request.method, request.path, response.status_code, extra=extra)
        return response


@receiver(request_finished)
def _request_finished(**kwargs) -> None:
    request_id.set("")
