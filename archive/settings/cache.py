"""Caches. A shared cache (Redis) turns on whole-page caching of the public pages for
anonymous readers (statements/cache.py). Without one, nothing is cached: per-process caches
would keep serving a page after an editor changed it in another worker. Statement cards are
kept in the "fragments" cache either way: under a digest of what they show, never stale."""

from archive.environment import env
from archive.settings.base import DEBUG, TESTING

REDIS_URL = env.str("REDIS_URL", default="")
SHARED_CACHE = {
    # Django's Redis backend, for a Redis that may be away (infra.redis_cache).
    "BACKEND": "infra.redis_cache.TolerantRedisCache",
    "LOCATION": REDIS_URL,
    # A Redis that does not answer costs a request a second at most, never a worker.
    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
}
PROCESS_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 50_000},  # about 600 bytes a statement card
    },
}
# Tests keep their caches per process, Redis or not.
CACHE_SHARED = bool(REDIS_URL) and not TESTING
CACHES = {"default": SHARED_CACHE, "fragments": SHARED_CACHE} if CACHE_SHARED else PROCESS_CACHES
# How long a public page is kept; 0, whatever is set, without a shared cache.
ARCHIVE_PAGE_CACHE_SECONDS = (
    env.int("ARCHIVE_PAGE_CACHE_SECONDS", default=600) if CACHE_SHARED else 0
)
# A process that changes what pages show must reach the web workers' page cache to make it
# stale, so in production a writing command without REDIS_URL refuses to run, unless the site
# says it has no page cache at all.
ARCHIVE_NO_PAGE_CACHE = env.bool("ARCHIVE_NO_PAGE_CACHE", default=False)
# Statement pages kept in PostgreSQL once rendered (statements.catalog.stored): every process
# and host serves a page nobody has opened for weeks at the cost of one row. Off in the tests,
# which change rows directly (the stored pages' own tests turn it on), and in development,
# where a template edited must show at once.
ARCHIVE_STORED_PAGES = env.bool("ARCHIVE_STORED_PAGES", default=not (TESTING or DEBUG))
