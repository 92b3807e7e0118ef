"""Whole-page caching of the public pages, for anonymous readers.

On only when a shared cache is configured (``REDIS_URL``): every gunicorn worker must see the
same invalidations. Entries also expire before the next scheduled publication, since a
statement becoming public on time involves no write at all.

Invalidation is precise. A page names what it shows as *dependencies* (``page_depends``):

- ``s:<id>``: a statement it shows (its own page, or a card or link in a list);
- ``n:<id>``: the neighbours in date order that statement ``id``'s page links;
- ``a:<id>``, ``t:<id>``: an author's or tag's page (and the related statements that a
  statement page finds through its authors and tags);
- ``y:<year>``: the year's and its months' pages; ``u:<uid>``: a text's translations;
- ``lists``: the archive-wide pages (home, lists, search, feeds, sitemaps), the default of a
  page that names nothing.

Each dependency has a version in the cache, a fresh unique value at every change, and an entry
records the versions it was rendered at: it is served only while all of them are current.
Every write path says what it changed (``statements.catalog.changes.public_pages_changed``,
which knows what a change touches), and the versions move (``dependencies_changed``) once
its transaction commits. A statement's change moves its own ``s:``, ``u:`` and the ``lists``,
and the ``a:``, ``t:`` and ``y:`` of every author, tag and year it has had (read from the
revision history, so a credit removed or a date moved makes the old pages fresh too), and
the ``n:`` of its neighbours now. An author's or tag's change moves its own and its
statements' ``s:``. A change that names nothing moves everything.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Iterable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db.models import Min
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.utils import timezone
from prometheus_client import Counter

from statements.models import PageCacheDebt, Statement

VERSION_KEY = "public-pages:version"  # every page depends on it: moved by a change to all
GENERATION_KEY = "public-pages:generation"  # moves before any dependency does
DEPENDENCY_PREFIX = "public-dep:"
CACHE_ALIAS = "default"
LISTS = "lists"
# Prometheus (/metrics): hits, misses, and requests that may not use the cache (a session).
PAGE_CACHE = Counter(
    "archive_page_cache_requests", "Public pages asked of the page cache, by result", ["result"]
)


def page_cache_enabled() -> bool:
    return getattr(settings, "ARCHIVE_PAGE_CACHE_SECONDS", 0) > 0


def _new_version() -> str:
    # Never a value an older entry could carry: a version lost to eviction is not replaced
    # by a counter starting again (which made pages of long ago current once more).
    return f"{time.time_ns():x}-{secrets.token_hex(4)}"


def _bump(keys: Iterable[str]) -> None:
    cache = caches[CACHE_ALIAS]
    version = _new_version()
    # The generation first: a page rendered before the change and stored after it sees the
    # generation move and is not kept (see ``public_page``).
    missed = cache.set_many({GENERATION_KEY: version}, timeout=None)
    missed += cache.set_many(dict.fromkeys(keys, version), timeout=None)
    if missed:  # Redis away (infra.redis_cache): the invalidation is owed
        _debt_record()


# An invalidation that could not be made is kept in the database (PageCacheDebt) until a
# process reaching Redis makes every page stale. A process looks for such a debt before it
# serves a cached page, at most once a DEBT_CHECK_SECONDS while it found none (at high
# traffic, one small query a second), and every time while it knows of one.
DEBT_CHECK_SECONDS = 1.0
_debt = {"checked_at": -DEBT_CHECK_SECONDS, "owed": False}


def _debt_record() -> None:
    PageCacheDebt.objects.create()
    _debt["owed"] = True


def _debt_settled(cache) -> bool:
    """Whether no invalidation is owed (paying one now, when Redis answers)."""
    now = time.monotonic()
    if not _debt["owed"] and now - _debt["checked_at"] < DEBT_CHECK_SECONDS:
        return True
    last = PageCacheDebt.objects.order_by("-pk").values_list("pk", flat=True).first()
    _debt["checked_at"], _debt["owed"] = now, last is not None
    if last is None:
        return True
    version = _new_version()
    if cache.set_many({GENERATION_KEY: version, VERSION_KEY: version}, timeout=None):
        return False  # Redis still away: nothing cached is served
    # A debt recorded since the read above stays for the next look.
    PageCacheDebt.objects.filter(pk__lte=last).delete()
    _debt["owed"] = False
    return True


def public_cache_invalidate() -> None:
    """Make every cached public page stale."""
    if page_cache_enabled():
        _bump([VERSION_KEY])


def dependencies_changed(names: Iterable[str]) -> None:
    """Make stale every cached page that depends on one of these names (``s:<id>`` and the
    like, see above). Called after the commit by statements.catalog.changes, which knows
    what a change touches; the page cache itself knows no catalogue."""
    if page_cache_enabled():
        _bump(DEPENDENCY_PREFIX + name for name in names)


def page_depends(request: HttpRequest, *dependencies: str) -> None:
    """Say what the page being rendered shows (see the module's docstring)."""
    request.public_page_depends = [*getattr(request, "public_page_depends", ()), *dependencies]


def statements_shown(request: HttpRequest, statements: Iterable) -> None:
    """The page shows these statements (cards or links)."""
    page_depends(request, *(f"s:{statement.pk}" for statement in statements))


def next_publication():
    """When the next scheduled statement becomes public (None: none is scheduled): a page
    that lists statements is kept no longer, since that one joins them with no write."""
    return Statement.objects.scheduled().aggregate(next=Min("published_at"))["next"]


def _timeout() -> int:
    ttl = settings.ARCHIVE_PAGE_CACHE_SECONDS
    now = timezone.now()
    upcoming = next_publication()
    if upcoming is not None:
        ttl = min(ttl, max(1, int((upcoming - now).total_seconds())))
    return ttl


# The forms a parameter takes in the addresses the archive writes itself. A page asked for
# with any other (page=01, a doubled space in q, a long value) is served but not kept: no
# one can fill the cache by varying them. Search words are free, but as the search cleans
# them (search_text_clean) and as long as it reads them.
_CANONICAL = {
    "page": re.compile(r"[1-9][0-9]{0,4}"),
    "sort": re.compile(r"-?[a-z_]{1,20}"),
    "kind": re.compile(r"[a-z]{1,20}"),
    "lang": re.compile(r"[a-z]{2,3}"),
    "year": re.compile(r"[0-9]{1,4}"),
    "from": re.compile(r"[0-9]{1,4}(-[0-9]{2}){0,2}"),
    "to": re.compile(r"[0-9]{1,4}(-[0-9]{2}){0,2}"),
    "tag": re.compile(r"[-\w]{1,100}"),
    "author": re.compile(r"[-\w]{1,100}"),
    "q": re.compile(r"\S+( \S+)*"),
}
_REPEATED = {"tag": 5, "author": 5}  # at most this many, in order, none twice
_QUERY_CHARS = 300  # statements.search.query.MAX_QUERY_LENGTH


def _address(request: HttpRequest, params: tuple[str, ...]) -> str | None:
    """The page's address as the cache knows it: host, path and only the parameters the page
    reads (``?cb=…`` and the like make no new entry), names in order; None when the page
    is not to be kept: a host or a parameter in a form the archive never writes."""
    host = page_host(request)
    if host is None:
        return None
    kept = []
    for name in sorted(params):
        values = request.GET.getlist(name)
        if len(values) > _REPEATED.get(name, 1) or (
            len(values) > 1 and values != sorted(set(values))
        ):
            return None
        pattern = _CANONICAL.get(name)
        for value in values:
            if len(value) > _QUERY_CHARS or (pattern is not None and not pattern.fullmatch(value)):
                return None
            kept.append((name, value))
    return f"{host}{request.path}?{urlencode(kept)}"


def page_host(request: HttpRequest) -> str | None:
    """The host a page is kept under: one ALLOWED_HOSTS names exactly (not by a pattern),
    with no port, the scheme's own or the server's; else None. Pages carry absolute
    addresses made from the host, so each host needs its own entries, and varying the port
    must not make new ones."""
    host = request.get_host()
    name, port = split_domain_port(host)
    own = {"", request.META.get("SERVER_PORT", ""), "443" if request.is_secure() else "80"}
    return host.lower() if name in settings.ALLOWED_HOSTS and port in own else None


def _versions(cache, keys: list[str]) -> list[str]:
    """The current version of each key; a fresh one for a key the cache does not hold (no
    entry can carry it, and overwriting a concurrent fresh value only makes more stale)."""
    found = cache.get_many(keys)
    missing = {key: _new_version() for key in keys if key not in found}
    if missing:
        cache.set_many(missing, timeout=None)
        found.update(missing)
    return [found[key] for key in keys]


def public_page(view=None, *, params: tuple[str, ...] = ()):
    """Serve the view's response from the cache for anonymous readers, and cache it.

    ``params`` names the URL parameters the page reads; any other is left out of the key.
    Used bare (``@public_page``) for a page that reads none."""
    if view is None:
        return lambda actual: public_page(actual, params=params)

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # A session cookie may mean an editor, who sees drafts: never cached either way.
        if not page_cache_enabled() or settings.SESSION_COOKIE_NAME in request.COOKIES:
            if page_cache_enabled():
                PAGE_CACHE.labels("bypassed").inc()
            return view(request, *args, **kwargs)
        address = _address(request, params)
        if address is None:
            PAGE_CACHE.labels("bypassed").inc()
            return view(request, *args, **kwargs)
        cache = caches[CACHE_ALIAS]
        key = "public-page:" + hashlib.sha256(address.encode()).hexdigest()
        settled = _debt_settled(cache)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        entry = found.get(key)
        if entry is not None and settled:
            keys, versions, status, content, headers = entry
            if cache.get_many(keys) == dict(zip(keys, versions, strict=True)):
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response[name] = value
                PAGE_CACHE.labels("hit").inc()
                return response
        PAGE_CACHE.labels("miss").inc()
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()  # a TemplateResponse (the sitemap's): its content is kept
        # A 404 is kept only for a plain address: page numbers past the end must not each
        # make an entry.
        # Kept only when asked for without parameters the page does not read: its language
        # links repeat them (a first view with ?utm=… must not plant them for everyone).
        stray = any(name not in params for name in request.GET)
        cacheable = not stray and (
            response.status_code in (200, 301)
            or (response.status_code == 404 and address.endswith("?"))
        )
        if cacheable and not response.cookies:
            depends = getattr(request, "public_page_depends", None) or [LISTS]
            keys = [VERSION_KEY, *(DEPENDENCY_PREFIX + name for name in dict.fromkeys(depends))]
            versions = _versions(cache, keys)
            # A change committed while the page was rendered may have moved its versions
            # before they were read just now: then the page is not kept.
            if cache.get(GENERATION_KEY) == generation:
                headers = [(k, v) for k, v in response.items() if k.lower() != "set-cookie"]
                cache.set(
                    key, (keys, versions, response.status_code, response.content, headers),
                    _timeout(),
                )  # fmt: skip
        return response

    return wrapped


class PageCacheUnreachable(RuntimeError):
    """A production process would change content without reaching the page cache."""


def page_cache_reach_check() -> None:
    """Refuse (PageCacheUnreachable) to change content from a production process that has no
    REDIS_URL while the site has not said it runs without a page cache: the web workers
    would go on serving the old pages until their entries expire."""
    if settings.DEBUG or settings.TESTING or settings.REDIS_URL or settings.ARCHIVE_NO_PAGE_CACHE:
        return
    raise PageCacheUnreachable(
        "REDIS_URL is not set, so this process cannot make the web workers' cached pages "
        "stale: set it as the web workers have it, or set ARCHIVE_NO_PAGE_CACHE=1 if the "
        "site runs without a page cache."
    )
