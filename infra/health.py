"""Liveness, readiness and metrics for load balancers, monitors and orchestrators.

``/healthz``: the process answers (nothing else is asked: a database outage must not get
every web process restarted). ``/readyz``: the process can serve, checking the database and,
when configured, the shared cache (Redis); 503 with what failed otherwise, each check bounded
by a short timeout so that a probe never hangs. Database replicas and the task queue's broker
are checked and reported but not required: the primary answers readers while a replica is
away (infra.replicas), and the web processes do the queue's work themselves (infra.queue).

``/metrics``: Prometheus's text format (django-prometheus; with gunicorn, every worker's
counts, through prometheus_client's multiprocess mode, see archive.gunicorn), only for a
scraper that sends ``Authorization: Bearer`` with ARCHIVE_METRICS_TOKEN; a 404 otherwise.

Answered by the first middleware, before the host check (a probe sent to a host's own
address names no host of the site) and the HTTPS redirect (probes speak plain HTTP inside
the network). Neither reveals anything beyond up or down and how long each check took.
"""

from __future__ import annotations

import hmac
import time

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django_prometheus.exports import ExportToDjangoView

from infra.queue import queue_configured, queue_depth
from infra.replicas import replica_aliases


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception as error:  # any failure is "not ready", named below
        ok, problem = False, type(error).__name__
    else:
        ok, problem = True, ""
    result: dict = {"ok": ok, "ms": round((time.perf_counter() - started) * 1000, 1)}
    if problem:
        result["error"] = problem
    return result


def _database(alias: str):
    def check() -> None:
        connection = connections[alias]
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:
            # A connection the server dropped is not kept for the next request.
            connection.close()
            raise

    return check


def _cache() -> None:
    caches["default"].get("readyz")


def readiness() -> tuple[bool, dict]:
    """Whether every service this process needs answers, and each check's result."""
    checks = {f"database:{alias}": _timed(_database(alias)) for alias in settings.DATABASES}
    if settings.REDIS_URL:
        checks["cache"] = _timed(_cache)
    # A replica is reported, not required: the primary answers readers while it is away.
    for alias in replica_aliases():
        checks[f"database:{alias}"]["required"] = False
    # So is the task queue's broker: without it the web processes do the work themselves.
    if queue_configured():
        checks["broker"] = {**_timed(queue_depth), "required": False}
    ready = all(check["ok"] for check in checks.values() if check.get("required", True))
    return ready, checks


def _queue_metrics() -> bytes:
    """``archive_queue_depth``: tasks waiting for a worker (-1 when the broker does not
    answer), asked of the broker at each scrape."""
    if not queue_configured():
        return b""
    try:
        depth = queue_depth()
    except Exception:  # the broker is away: said as -1, the scrape still answers
        depth = -1
    return (
        b"# HELP archive_queue_depth Tasks waiting in the task queue for a worker\n"
        b"# TYPE archive_queue_depth gauge\n" + f"archive_queue_depth {depth}\n".encode()
    )


def _scraper(request: HttpRequest) -> bool:
    token = settings.ARCHIVE_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


class HealthMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path not in ("/healthz", "/readyz", "/metrics"):
            return self.get_response(request)
        if path == "/metrics" and not _scraper(request):
            response: HttpResponse = HttpResponse(status=404)
        elif request.method not in ("GET", "HEAD"):
            response = HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
        elif path == "/healthz":
            response = JsonResponse({"status": "alive"})
        elif path == "/metrics":
            response = ExportToDjangoView(request)
            response.content += _queue_metrics()
        else:
            ready, checks = readiness()
            body = {"status": "ready" if ready else "not ready", "checks": checks}
            response = JsonResponse(body, status=200 if ready else 503)
        response["Cache-Control"] = "no-store"
        return response
