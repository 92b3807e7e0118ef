"""Public reads from streaming replicas (``DATABASE_REPLICA_URLS``); all else from the primary.

A request may read from a replica when it is a GET or HEAD without a session cookie: a
reader's. An editor (signed in, so with a session), every write, every management command and
every task reads from the primary, so an editor always sees what they have just saved, and a
form is never filled from a copy that is behind. Writes always go to the primary.

A replica is behind by its replication lag, so a request picks one (at its first read, and
keeps it) only if

- it answers, and its lag, as PostgreSQL reports it, is at most
  ``ARCHIVE_REPLICA_MAX_LAG_SECONDS``; each process asks at most once a
  ``PROBE_SECONDS`` per replica (one small query), and leaves a replica that fails alone
  for ``DOWN_SECONDS``;
- it has replayed the last change to public content: every write path says so
  (``statements.cache.public_pages_changed``) and, once committed, the primary's WAL
  position is kept in the shared cache (``WRITTEN_KEY``). A replica not that far yet is asked
  again (at most once a ``BEHIND_PROBE_SECONDS``) and the primary answers meanwhile. So a
  page rendered after a change, and kept by the page cache, always shows the change.

With no replica that qualifies, the primary answers; and a replica that fails in the middle of
a request is left alone and the request answered again from the primary. A replica down or far
behind makes the site slower, never wrong or unavailable.
"""

from __future__ import annotations

import logging
import random
import time
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, InterfaceError, OperationalError, connections

PRIMARY = "default"
WRITTEN_KEY = "replicas:written"  # the primary's WAL position after the last public change
PROBE_SECONDS = 1.0
BEHIND_PROBE_SECONDS = 0.05
DOWN_SECONDS = 5.0

logger = logging.getLogger(__name__)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


@dataclass
class _Reads:
    """The current request's choice, made at its first read."""

    alias: str | None = None


@dataclass
class _Replica:
    checked_at: float = -1e9
    down_until: float = -1e9
    position: int = 0  # WAL bytes replayed
    lag: float = 0.0  # seconds


_reads: ContextVar[_Reads | None] = ContextVar("archive_replica_reads", default=None)
_replicas: dict[str, _Replica] = {}


@dataclass
class Probe:
    """What a probe found: for tests and for /readyz."""

    alias: str
    ok: bool
    position: int = 0
    lag: float = 0.0
    error: str = field(default="")


_PROBE_SQL = """
SELECT (CASE WHEN pg_is_in_recovery() THEN coalesce(pg_last_wal_replay_lsn(), '0/0')
             ELSE pg_current_wal_lsn() END - '0/0')::bigint,
       CASE WHEN NOT pg_is_in_recovery()
              OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)
       END::float8
"""


def probe(alias: str) -> Probe:
    """Ask a replica how far it has replayed and how far behind it is."""
    state = _replicas.setdefault(alias, _Replica())
    now = time.monotonic()
    state.checked_at = now
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute(_PROBE_SQL)
            state.position, state.lag = cursor.fetchone()
    except DatabaseError as error:
        connection.close()  # not kept for the next request
        state.down_until = now + DOWN_SECONDS
        logger.warning("replica %s left alone for %ss: %s", alias, DOWN_SECONDS, error)
        return Probe(alias, ok=False, error=str(error).strip()[:200])
    state.down_until = -1e9
    return Probe(alias, ok=True, position=state.position, lag=state.lag)


def _written() -> int:
    value = caches["default"].get(WRITTEN_KEY)
    return value if isinstance(value, int) else 0


def _usable(alias: str, needed: int) -> bool:
    state = _replicas.setdefault(alias, _Replica())
    now = time.monotonic()
    if now < state.down_until:
        return False
    behind = state.position < needed
    due = now - state.checked_at >= (BEHIND_PROBE_SECONDS if behind else PROBE_SECONDS)
    if due and not probe(alias).ok:
        return False
    return state.position >= needed and state.lag <= settings.ARCHIVE_REPLICA_MAX_LAG_SECONDS


def _choose() -> str:
    aliases = replica_aliases()
    random.shuffle(aliases)
    needed = _written()
    for alias in aliases:
        if _usable(alias, needed):
            return alias
    return PRIMARY


def reading_alias() -> str:
    """The database the current code reads from (the router's choice)."""
    reads = _reads.get()
    if reads is None:
        return PRIMARY
    if reads.alias is None:
        reads.alias = _choose()
    return reads.alias


class ReplicaRouter:
    """Django's database router (``DATABASE_ROUTERS``), on when replicas are configured."""

    def db_for_read(self, model, **hints) -> str:
        return reading_alias()

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same data everywhere

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == PRIMARY  # replicas follow the primary's schema


def note_written() -> None:
    """After a committed change to public content: keep the primary's WAL position, which a
    replica must have replayed before it answers a reader."""
    if not replica_aliases():
        return
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT (pg_current_wal_lsn() - '0/0')::bigint")
        (position,) = cursor.fetchone()
    caches["default"].set(WRITTEN_KEY, position, timeout=None)


class ReplicaReadsMiddleware:
    """A reader's request (GET or HEAD, no session cookie) may read from a replica."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.enabled = bool(replica_aliases())

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            request.read_from = PRIMARY  # for the access log (infra.request_id)
            return self.get_response(request)
        reads = _Reads()
        token = _reads.set(reads)
        try:
            return self.get_response(request)
        finally:
            _reads.reset(token)
            request.read_from = reads.alias  # for the access log (infra.request_id)

    def process_exception(self, request, exception):
        """A replica that stopped answering during a reader's request: left alone for a
        while, and the view (a GET or HEAD, so safe to repeat) runs again on the primary."""
        reads = _reads.get()
        if reads is None or reads.alias in (None, PRIMARY):
            return None
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        alias, reads.alias = reads.alias, PRIMARY
        connections[alias].close()
        _replicas.setdefault(alias, _Replica()).down_until = time.monotonic() + DOWN_SECONDS
        logger.warning("replica %s failed during a request, which the primary answers", alias)
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()  # a failure while rendering is not rendered again by Django
        return response
