"""Whole-page caching of the public pages, for anonymous readers.

On only when a shared cache is configured (``REDIS_URL``): every gunicorn worker must see the
same invalidations. Each entry records the content version it was rendered at; every write
path (services, admin) bumps the version, so no reader ever gets a page older than the last
edit. Entries also expire before the next scheduled publication, since a statement becoming
public on time involves no write at all.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

VERSION_KEY = "public-pages:version"
CACHE_ALIAS = "default"


def _enabled() -> bool:
    return getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0) > 0


def public_cache_invalidate() -> None:
    """Make every cached public page stale (called after any change to what pages show)."""
    if not _enabled():
        return
    cache = caches[CACHE_ALIAS]
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet
        cache.add(VERSION_KEY, 1, timeout=None)


def _timeout() -> int:
    from statements.models import Statement

    ttl = settings.PUBLIC_PAGE_CACHE_SECONDS
    now = timezone.now()
    upcoming = Statement.objects.scheduled().aggregate(next=Min("published_at"))["next"]
    if upcoming is not None:
        ttl = min(ttl, max(1, int((upcoming - now).total_seconds())))
    return ttl


def public_page(view):
    """Serve the view's response from the cache for anonymous readers, and cache it."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # A session cookie may mean an editor, who sees drafts: never cached either way.
        if not _enabled() or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)
        cache = caches[CACHE_ALIAS]
        address = f"{request.get_host()}{request.get_full_path()}"
        key = "public-page:" + hashlib.sha256(address.encode()).hexdigest()
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY, 0)
        entry = found.get(key)
        if entry is not None and entry[0] == version:
            _, status, content, headers = entry
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()  # a TemplateResponse (the sitemap's): its content is kept
        if response.status_code in (200, 301, 404) and not response.cookies:
            headers = [(k, v) for k, v in response.items() if k.lower() != "set-cookie"]
            cache.set(key, (version, response.status_code, response.content, headers), _timeout())
        return response

    return wrapped


def public_pages_changed() -> None:
    """Cached public pages are stale once the current transaction commits."""
    # After the commit: a page rendered from the old rows must not be cached as current.
    transaction.on_commit(public_cache_invalidate)
