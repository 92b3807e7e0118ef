"""Whole-page caching of the public pages, for anonymous readers.

On only when a shared cache is configured (``REDIS_URL``): every gunicorn worker must see the
same invalidations. Each entry records the content version it was rendered at; every write
path (services, admin) bumps the version, so no reader ever gets a page older than the last
edit. Entries also expire before the next scheduled publication, since a statement becoming
public on time involves no write at all.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from functools import wraps
from urllib.parse import urlencode

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


def _new_version() -> str:
    # Never a value an older entry could carry: a version lost to eviction is not replaced
    # by a counter starting again (which made pages of long ago current once more).
    return f"{time.time_ns():x}-{secrets.token_hex(4)}"


def _version(cache) -> str:
    """The current content version; a fresh one if the cache lost it (no entry is then valid)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _new_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def public_cache_invalidate() -> None:
    """Make every cached public page stale (called after any change to what pages show)."""
    if _enabled():
        caches[CACHE_ALIAS].set(VERSION_KEY, _new_version(), timeout=None)


def _timeout() -> int:
    from statements.models import Statement

    ttl = settings.PUBLIC_PAGE_CACHE_SECONDS
    now = timezone.now()
    upcoming = Statement.objects.scheduled().aggregate(next=Min("published_at"))["next"]
    if upcoming is not None:
        ttl = min(ttl, max(1, int((upcoming - now).total_seconds())))
    return ttl


def _address(request: HttpRequest, params: tuple[str, ...]) -> str:
    """The page's address as the cache knows it: host, path and only the parameters the page
    reads (``?cb=…`` and the like make no new entry), names in order, values as given."""
    kept = [(name, value) for name in sorted(params) for value in request.GET.getlist(name)]
    return f"{request.get_host()}{request.path}?{urlencode(kept)}"


def public_page(view=None, *, params: tuple[str, ...] = ()):
    """Serve the view's response from the cache for anonymous readers, and cache it.

    ``params`` names the URL parameters the page reads; any other is left out of the key.
    Used bare (``@public_page``) for a page that reads none."""
    if view is None:
        return lambda actual: public_page(actual, params=params)

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # A session cookie may mean an editor, who sees drafts: never cached either way.
        if not _enabled() or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)
        cache = caches[CACHE_ALIAS]
        address = _address(request, params)
        key = "public-page:" + hashlib.sha256(address.encode()).hexdigest()
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY) or _version(cache)
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
        # A 404 is kept only for a plain address: page numbers past the end must not each
        # make an entry.
        cacheable = response.status_code in (200, 301) or (
            response.status_code == 404 and address.endswith("?")
        )
        if cacheable and not response.cookies:
            headers = [(k, v) for k, v in response.items() if k.lower() != "set-cookie"]
            cache.set(key, (version, response.status_code, response.content, headers), _timeout())
        return response

    return wrapped


def public_pages_changed() -> None:
    """Cached public pages are stale once the current transaction commits."""
    # After the commit: a page rendered from the old rows must not be cached as current.
    transaction.on_commit(public_cache_invalidate)


class PageCacheUnreachable(RuntimeError):
    """A production process would change content without reaching the page cache."""


def page_cache_reach_check() -> None:
    """Refuse (PageCacheUnreachable) to change content from a production process that has no
    REDIS_URL while the site has not said it runs without a page cache: the web workers
    would go on serving the old pages until their entries expire."""
    if settings.DEBUG or settings.TESTING or settings.REDIS_URL or settings.PAGE_CACHE_ABSENT:
        return
    raise PageCacheUnreachable(
        "REDIS_URL is not set, so this process cannot make the web workers' cached pages "
        "stale: set it as the web workers have it, or set ARCHIVE_NO_PAGE_CACHE=1 if the "
        "site runs without a page cache."
    )
