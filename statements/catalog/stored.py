"""Statement pages rendered once and kept in PostgreSQL (StoredPage), for anonymous readers.

Most readers arrive from a search engine on a statement page nobody has opened for weeks:
no process has its citations, links or metadata at hand, and the page cache (statements.cache)
has long let it go. So a statement's page is rendered when the statement changes, in the
site's language (``stored_pages_render``, after the commit: on the task queue when there is
one), and on its first view in any other language, and kept in PostgreSQL, where every
process and host finds it: serving it is one row read.

What a kept page may not keep is put back when it is served: the reader's own origin (the
page is kept with a stand-in one) and today's date in the plain citation ("accessed ...").

A kept page names what it shows (``page_depends``, as for the page cache): the change of any
of it deletes the row, after the commit (``stored_pages_forget``, called by
statements.catalog.changes, which knows what a change touches). The page links the
statements published by then, so it is kept only until the next scheduled publication. A
clock moved before each deletion keeps a page rendered from rows read before a change from
being stored after it. Readers with a session (editors, who may see drafts) are always
served a page rendered for them.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import sys
from collections.abc import Iterable
from functools import cache, wraps
from pathlib import Path
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.core.cache import caches
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.db import connections, router
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from prometheus_client import Counter

from infra.queue import enqueue, queue_configured
from infra.replicas import note_written
from infra.request_id import INTERNAL, request_id
from statements.cache import LISTS, next_publication, page_depends, page_host
from statements.core.dates import accessed_note
from statements.models import Statement, StoredPage

logger = logging.getLogger(__name__)

STAND_IN_ORIGIN = "https://origin.invalid"
PATH_LENGTH = 700  # StoredPage.path's max_length
CLOCK = "statements_storedpage_clock"
STORED_PAGES = Counter(
    "archive_stored_pages_requests", "Statement pages asked of the stored pages", ["result"]
)


# What a page is made of besides the rows: a deploy that changes any of it (a template, the
# code, a translation, a static file's hashed name) makes the pages stored before it unused.
RELEASE_SOURCES = (("templates", "*"), ("statements", "*.py"), ("infra", "*.py"),
                   ("locale", "*.mo"), ("static", "*"))  # fmt: skip


@cache
def stored_pages_release() -> str:
    """A digest of the files pages are made from and of the site's name, read once a
    process: the first part of every stored page's key."""
    digest = hashlib.sha256(settings.ARCHIVE_NAME.encode())
    base = Path(settings.BASE_DIR)
    for folder, pattern in RELEASE_SOURCES:
        for path in sorted((base / folder).rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(base)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def stored_pages_enabled() -> bool:
    return bool(getattr(settings, "ARCHIVE_STORED_PAGES", False))


def _key(request: HttpRequest) -> str | None:
    """What a page is kept under: the release, the interface language and the path. None
    when it is not to be kept: a reader with a session, a host the archive does not name
    exactly, a path too long."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES or page_host(request) is None:
        return None
    key = f"{stored_pages_release()} {translation.get_language()} {request.path}"
    return key if len(key) <= PATH_LENGTH else None


def stored_page(view):
    """Serve the view's page from the stored pages for anonymous readers, and store it."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = _key(request) if stored_pages_enabled() else None
        if key is None:
            return view(request, *args, **kwargs)
        origin = request.build_absolute_uri("/").rstrip("/")
        found = (
            StoredPage.objects.filter(path=key)
            .filter(Q(valid_until=None) | Q(valid_until__gt=timezone.now()))
            .values_list("content", "headers", "accessed_on", "depends")
            .first()
        )
        if found is not None:
            STORED_PAGES.labels("hit").inc()
            content, headers, accessed_on, depends = found
            page_depends(request, *depends)  # for the page cache in front, if any
            return _served(content, headers, accessed_on, origin=origin)
        STORED_PAGES.labels("miss").inc()
        clock = _clock()
        response = view(request, *args, **kwargs)
        # Kept only as asked for without parameters: the page's language links repeat them.
        plain = not request.META.get("QUERY_STRING")
        if (
            plain
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            depends = getattr(request, "public_page_depends", None) or [LISTS]
            _store(key, response, origin=origin, depends=depends, clock=clock)
        return response

    return wrapped


def _served(content: str, headers: list, accessed_on, *, origin: str) -> HttpResponse:
    content = content.replace(STAND_IN_ORIGIN, origin)
    today = timezone.localdate()
    if accessed_on != today:
        content = content.replace(accessed_note(accessed_on), accessed_note(today))
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response


def _writer():
    return connections[router.db_for_write(StoredPage)]


def _clock() -> tuple[int, bool]:
    with _writer().cursor() as cursor:
        cursor.execute(f"SELECT last_value, is_called FROM {CLOCK}")  # noqa: S608
        return cursor.fetchone()


def _store(key: str, response: HttpResponse, *, origin: str, depends, clock) -> None:
    content = response.content.decode(response.charset).replace(origin, STAND_IN_ORIGIN)
    headers = [
        [name, value]
        for name, value in response.items()
        if name.lower() not in ("set-cookie", "content-length")
    ]
    upcoming = next_publication()
    with _writer().cursor() as cursor:
        # Stored only while the clock stands where it stood before the page was rendered.
        cursor.execute(
            f"""
            INSERT INTO statements_storedpage
                (path, depends, content, headers, accessed_on, valid_until, stored_at)
            SELECT %s, %s::varchar[], %s, %s::jsonb, %s, %s, now()
             WHERE (SELECT (last_value, is_called) FROM {CLOCK}) = (%s::bigint, %s::boolean)
            ON CONFLICT (path) DO UPDATE SET depends = EXCLUDED.depends,
                content = EXCLUDED.content, headers = EXCLUDED.headers,
                accessed_on = EXCLUDED.accessed_on, valid_until = EXCLUDED.valid_until,
                stored_at = EXCLUDED.stored_at
            """,  # noqa: S608
            [
                key,
                list(dict.fromkeys(depends)),
                content,
                json.dumps(headers),
                timezone.localdate(),
                upcoming,
                *clock,
            ],
        )


def stored_pages_forget(names: Iterable[str] | None = None) -> int:
    """Delete the stored pages that show any of ``names`` (``s:<id>`` and the like, see
    statements.cache), or every one; the clock moves first. Returns the rows deleted."""
    with _writer().cursor() as cursor:
        cursor.execute(f"SELECT nextval('{CLOCK}')")
        if names is None:
            cursor.execute("DELETE FROM statements_storedpage")
        else:
            cursor.execute(
                "DELETE FROM statements_storedpage WHERE depends && %s::varchar[]",
                [sorted(set(names))],
            )
        deleted = cursor.rowcount
    # A replica answers readers only once it has replayed this too (infra.replicas).
    note_written()
    return deleted


def _origin() -> tuple[str, str] | None:
    """The scheme and host pages are rendered under when no reader asked for them: the
    archive's own address (ARCHIVE_BASE_URL), else the first host ALLOWED_HOSTS names
    exactly. None when there is neither."""
    if settings.ARCHIVE_BASE_URL:
        parts = urlsplit(settings.ARCHIVE_BASE_URL)
        if parts.scheme in ("http", "https") and parts.netloc:
            return parts.scheme, parts.netloc
    scheme = "https" if settings.SECURE_SSL_REDIRECT else "http"
    for host in settings.ALLOWED_HOSTS:
        if host and not host.startswith(".") and "*" not in host:
            return scheme, host
    return None


@cache
def _handler() -> BaseHandler:
    """The site's middleware and views, loaded once a process."""
    handler = BaseHandler()
    handler.load_middleware()
    return handler


def _render(path: str, scheme: str, host: str) -> int:
    """GET ``path`` through the site's middleware and views as an anonymous reader would
    (the response is dropped: the view stores the page); its status."""
    name, _, port = host.partition(":")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": name,
        "SERVER_PORT": port or ("443" if scheme == "https" else "80"),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        INTERNAL: True,  # not logged as a reader's request
    }
    caller = request_id.get()
    if caller:  # logged under the request that made the change
        environ["HTTP_X_REQUEST_ID"] = caller
    # The caller's language and request id are given back after.
    try:
        with translation.override(translation.get_language()):
            # Not closed: closing a response signals the end of a request, which may close
            # the caller's database connection.
            response = _handler().get_response(WSGIRequest(environ))
    finally:
        request_id.set(caller)
    return response.status_code


# A change of at most this many statements renders their pages in the process that made it
# when there is no task queue (an editor's save: about 50 ms a page); past it, each is
# rendered on its first view, or by ``manage.py stored_pages``.
RENDER_INLINE_AT_MOST = 10


def stored_pages_refill(statement_ids: list[int] | None) -> None:
    """After a change has deleted stored pages: render them again, on the task queue's
    workers (every page missing) when there is one, else here for a change of a few
    statements (their own pages)."""
    if _origin() is None or _queued():
        return
    if statement_ids is not None and len(statement_ids) <= RENDER_INLINE_AT_MOST:
        try:
            stored_pages_render(statement_ids)
        except Exception:  # the change is made; its pages are rendered on their first view
            logger.exception("stored pages: rendering after a change failed")


# Set while a pass is waiting on the queue: a burst of changes (an import's batches, say)
# queues one pass, not one each. It goes when the pass starts, or after an hour.
QUEUED_KEY = "stored-pages:queued"


def _queued() -> bool:
    """Whether a pass is on the task queue: one already waiting, or this one, sent now."""
    if not queue_configured():
        return False
    cache = caches["default"]
    if not cache.add(QUEUED_KEY, 1, timeout=3600):
        return True
    if enqueue(stored_pages_task):
        return True
    cache.delete(QUEUED_KEY)
    return False


def _missing(statement_ids: Iterable[int] | None, part: tuple[int, int] | None) -> list[str]:
    """The paths, in the site's language, of the published statements in ``statement_ids``
    (every one when None; of their ``part``, (k, n), the ids that are k modulo n) whose page
    is not stored."""
    from django.urls import reverse

    statements = Statement.objects.published()
    if statement_ids is not None:
        statements = statements.filter(pk__in=list(statement_ids))
    if part is not None:
        statements = statements.alias(rest=F("pk") % part[1]).filter(rest=part[0])
    prefix = f"{stored_pages_release()} {settings.LANGUAGE_CODE} "
    paths = [
        reverse("statements:statement_detail", args=[slug])
        for slug in statements.order_by("pk").values_list("slug", flat=True)
    ]
    # An editor's save asks after its own few pages, not after every page stored.
    keys = StoredPage.objects.filter(path__startswith=prefix)
    if statement_ids is not None:
        keys = keys.filter(path__in=[prefix + path for path in paths])
    stored = set(keys.values_list("path", flat=True))
    return [path for path in paths if prefix + path not in stored]


def stored_pages_prune() -> int:
    """Delete the pages stored by an earlier release (stored_pages_release); how many."""
    return StoredPage.objects.exclude(path__startswith=f"{stored_pages_release()} ").delete()[0]


def stored_pages_render(
    statement_ids: Iterable[int] | None = None, *, part: tuple[int, int] | None = None
) -> int:
    """Render and store, in the site's language, the page of each published statement in
    ``statement_ids`` (every published one when None) that is not stored; the number
    rendered. Nothing when the archive names no host to render them under."""
    origin = _origin() if stored_pages_enabled() else None
    if origin is None:
        return 0
    if statement_ids is None and part is None:  # a whole pass
        stored_pages_prune()
    rendered = 0
    with translation.override(settings.LANGUAGE_CODE):
        for path in _missing(statement_ids, part):
            status = _render(path, *origin)
            if status != 200:
                logger.warning("stored pages: %s answered %s", path, status)
            rendered += 1
    return rendered


@shared_task(name="archive.stored_pages", time_limit=6 * 3600)
def stored_pages_task() -> int:
    """Render the pages a change deleted: every published statement's page not stored."""
    caches["default"].delete(QUEUED_KEY)  # a change from now on queues another pass
    return stored_pages_render()
