"""Redis as a cache that may be away (``REDIS_URL``).

Django's Redis backend raises when Redis does not answer, and every page that touches the
cache fails with it. Here a Redis that does not answer is a cache that has nothing: a read
finds nothing, a write is not made (``set_many`` returns the keys it could not write, as
Django's API allows, which is how the page cache learns that an invalidation was missed,
see statements.cache), and for BREAK_SECONDS after an error this process does not try again,
so that an outage costs the pages nothing more than their renders. Each attempt is bounded
by the socket timeouts in settings.CACHES.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

BREAK_SECONDS = 5.0
logger = logging.getLogger(__name__)


class TolerantRedisCache(RedisCache):
    # Shared by every alias on this Redis in the process: one outage, one pause.
    _down_until = 0.0

    @classmethod
    def unreachable(cls) -> bool:
        """Whether this process is leaving Redis alone after an error."""
        return time.monotonic() < TolerantRedisCache._down_until

    def _attempt(self, default, method, *args, **kwargs):
        if self.unreachable():
            return default
        try:
            return method(*args, **kwargs)
        except RedisError as error:
            logger.warning("Redis unreachable (%s): caching paused", type(error).__name__)
            TolerantRedisCache._down_until = time.monotonic() + BREAK_SECONDS
            return default

    def get(self, key, default=None, version=None):
        return self._attempt(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._attempt({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._attempt(False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(False, super().set, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(False, super().add, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(False, super().touch, key, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(list(data), super().set_many, data, timeout, version)

    def delete(self, key, version=None):
        return self._attempt(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._attempt(None, super().delete_many, keys, version)
