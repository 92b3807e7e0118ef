"""The log of acts (models.Redaction): written by every act, in its transaction."""

from __future__ import annotations

import datetime
import logging

from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from redis.exceptions import RedisError

from statements.models import PageCacheDebt, Redaction

log = logging.getLogger(__name__)


class RedactionRefused(ValueError):
    """An act that cannot be done as asked; the message says why, for the editor."""


def act_record(
    *,
    act: str,
    user,
    reason_class: str,
    note: str = "",
    statement_id: int | None = None,
    version_ats: list[datetime.datetime] | None = None,
    author_id: int | None = None,
    capture_id: int | None = None,
    details: dict | None = None,
) -> Redaction:
    """Write the act's row: who, when, to which object (by number), why."""
    return Redaction.objects.create(
        act=act,
        statement_id=statement_id,
        version_ats=[at.isoformat() for at in version_ats or ()],
        author_id=author_id,
        capture_id=capture_id,
        reason_class=reason_class,
        note=note,
        done_by=user if user is not None and user.is_authenticated else None,
        done_by_name=user.get_username() if user is not None and user.is_authenticated else "",
        done_at=timezone.now(),
        details=details or {},
    )


def _caches_clear() -> None:
    for alias in ("default", "fragments"):
        try:
            caches[alias].clear()
        except (RedisError, OSError) as error:
            # Redis away: no cached page is served until it answers again and every page is
            # made stale (the page cache's debt, statements.cache); the entries expire.
            log.warning("could not empty the %s cache after a redaction: %s", alias, error)
            PageCacheDebt.objects.create()


def caches_clear_on_commit() -> None:
    """Once the act commits, empty the page and fragment caches: a withheld name or text
    must not be served from a page or a download rendered before it (a stale entry would
    not be served, but would still be kept). Acts are rare; the caches fill again."""
    transaction.on_commit(_caches_clear)
