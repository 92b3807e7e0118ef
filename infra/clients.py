"""Who is asking: the client's address, read from the proxy's ``X-Forwarded-For`` only when
the request comes from a proxy the settings trust (``ARCHIVE_TRUSTED_PROXIES``); otherwise
the connection's own address, whatever headers a client sends. Sign-in lockouts (django-axes)
and per-client rate limits count by it.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest


@cache
def _trusted(spec: tuple[str, ...]):
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in spec if item.strip())


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().split("%", 1)[0])
    except ValueError:
        return False
    return any(ip in network for network in _trusted(tuple(settings.ARCHIVE_TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str:
    """The client's address: the connection's (REMOTE_ADDR); when that is a trusted proxy,
    the right-most address of X-Forwarded-For that is not one (each proxy appends the
    address it was reached from, so the ones left of it are the client's to write)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not _is_trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if not _is_trusted(hop):
            try:
                return str(ipaddress.ip_address(hop.split("%", 1)[0]))
            except ValueError:
                return remote  # not an address: the chain cannot be read past it
    return remote
