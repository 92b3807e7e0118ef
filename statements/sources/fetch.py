"""Fetching a source's address safely: bounded in time and size, redirects followed one hop at
a time, and never towards an address the archive must not reach (SSRF).

Each hop's host is resolved once, every address it resolves to must be public (or within
``ARCHIVE_FETCH_ALLOWED_NETWORKS``), and the connection goes to the address that was checked,
so that a second answer from the DNS cannot point it elsewhere. Bodies are read as they come
(no decompression: ``Accept-Encoding: identity`` is asked for), up to a limit, and the whole
exchange stops at a deadline however slowly the server sends.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import quote, urljoin, urlsplit

import certifi
import urllib3
from django.conf import settings

REDIRECTS = {301, 302, 303, 307, 308}
PERMANENT = {301, 308}
_SAFE = "/?&=%:@!$'()*+,;~-._"


class Refused(Exception):
    """An address the archive does not fetch (not http(s), or not a public address)."""


@dataclass
class Exchange:
    """One request and what came back: a hop of a redirect chain, or the last answer."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    ip: str = ""
    status: int | None = None
    reason: str = ""
    version: str = "HTTP/1.1"
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    sha256: str = ""
    truncated: bool = False

    def header(self, name: str) -> str:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), "")


@dataclass
class Fetched:
    """A fetch as a whole: every exchange, in order, and the error that ended it, if any."""

    url: str
    exchanges: list[Exchange] = field(default_factory=list)
    error: str = ""
    # "dns", "timeout", "connect", "blocked", "redirects", "protocol", or "" when answered.
    error_kind: str = ""
    elapsed: float = 0.0

    @property
    def last(self) -> Exchange | None:
        return self.exchanges[-1] if self.exchanges else None

    @property
    def status(self) -> int | None:
        last = self.last
        return last.status if last else None

    @property
    def redirects(self) -> list[list]:
        return [[e.status, e.header("location")] for e in self.exchanges if e.status in REDIRECTS]

    @property
    def final_url(self) -> str:
        last = self.last
        return last.url if last and last.status is not None else ""


@cache
def _allowed_networks(
    spec: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(net, strict=False) for net in spec if net)


# IPv6 prefixes that carry an IPv4 address in their last 32 bits: NAT64 (RFC 6052's
# well-known prefix, and RFC 8215's local one) and the deprecated IPv4-compatible addresses.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _unwrapped(address):
    """The IPv4 address an IPv6 one stands for (mapped, NAT64, IPv4-compatible, 6to4,
    Teredo), which is where a connection to it ends up; else the address itself."""
    if not isinstance(address, ipaddress.IPv6Address):
        return address
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if any(address in network for network in _NAT64) or (
        address in _IPV4_COMPATIBLE and int(address) > 1  # not :: nor ::1
    ):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]  # the client's address
    return address


def address_allowed(ip: str) -> bool:
    """Whether the archive may connect to ``ip``: a public address, or one the settings
    allow (loopback for the tests' own servers)."""
    address = _unwrapped(ipaddress.ip_address(ip.split("%", 1)[0]))
    allowed = _allowed_networks(tuple(settings.ARCHIVE_FETCH_ALLOWED_NETWORKS))
    if any(address in network for network in allowed):
        return True
    return address.is_global and not address.is_multicast


def _resolve(host: str, port: int) -> str:
    """The address to connect to; raises Refused when any address of ``host`` is not
    allowed (a name that resolves to a private address among public ones is refused)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [info[4][0] for info in infos]
    for ip in addresses:
        if not address_allowed(ip):
            raise Refused(f"{host} resolves to {ip}, an address the archive does not fetch")
    return addresses[0]


@cache
def _ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())


def _pool(scheme: str, ip: str, port: int, host: str, timeout: urllib3.Timeout):
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            ip,
            port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            server_hostname=host,
            assert_hostname=host,
            ssl_context=_ssl_context(),
        )
    return urllib3.HTTPConnectionPool(ip, port, timeout=timeout, retries=False, maxsize=1)


def fetch(
    url: str,
    *,
    method: str = "GET",
    max_bytes: int = 0,
    pacer: HostPacer | None = None,
) -> Fetched:
    """Fetch ``url``, following redirects (each hop checked), reading at most ``max_bytes``
    of the last body (0: headers only). With ``pacer``, each request waits for its host's
    turn and a free request slot (the per-host rate limit, and requests at once); that wait
    is not counted in ``ARCHIVE_FETCH_TOTAL_SECONDS``, nor in ``elapsed``. Never raises for
    what the network does: the error is in the result."""
    result = Fetched(url=url)
    timeout = urllib3.Timeout(
        connect=settings.ARCHIVE_FETCH_CONNECT_SECONDS, read=settings.ARCHIVE_FETCH_READ_SECONDS
    )
    current = url
    spent = [0.0]  # seconds spent on requests, the waits for a turn left out
    try:
        for _hop in range(settings.ARCHIVE_FETCH_MAX_REDIRECTS + 1):
            exchange = _exchange(current, method, max_bytes, timeout, pacer, spent)
            result.exchanges.append(exchange)
            location = exchange.header("location")
            if exchange.status not in REDIRECTS or not location:
                break
            current = urljoin(current, location.strip())
            if exchange.status == 303:
                method = "GET" if method != "HEAD" else "HEAD"
        else:
            result.error, result.error_kind = "too many redirects", "redirects"
    except Refused as error:
        result.error, result.error_kind = str(error), "blocked"
    except socket.gaierror as error:
        result.error, result.error_kind = f"no such host ({error.strerror})", "dns"
    except (urllib3.exceptions.TimeoutError, TimeoutError) as error:
        result.error, result.error_kind = f"timed out ({type(error).__name__})", "timeout"
    except urllib3.exceptions.NewConnectionError as error:
        result.error, result.error_kind = f"could not connect ({error})"[:300], "connect"
    except (urllib3.exceptions.HTTPError, OSError, ValueError) as error:
        result.error, result.error_kind = f"{type(error).__name__}: {error}"[:300], "protocol"
    result.elapsed = spent[0]
    return result


def _exchange(
    url: str,
    method: str,
    max_bytes: int,
    timeout: urllib3.Timeout,
    pacer: HostPacer | None,
    spent: list[float],
) -> Exchange:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"not an http(s) address: {url[:200]}")
    host = parts.hostname
    with pacer.turn(host) if pacer is not None else contextlib.nullcontext():
        started = time.monotonic()
        try:
            return _request(url, parts, method, max_bytes, timeout, started - spent[0])
        finally:
            spent[0] += time.monotonic() - started


def _request(url, parts, method, max_bytes, timeout, started) -> Exchange:
    """One request to ``url``: ``started`` is when the fetch would have started had it
    never waited its turn (its deadline counts from there)."""
    deadline = started + settings.ARCHIVE_FETCH_TOTAL_SECONDS
    if time.monotonic() >= deadline:
        raise TimeoutError("deadline passed")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    ip = _resolve(host, port)
    # What goes on the wire is ASCII: a name in another script by IDNA, a path by escapes
    # (those already escaped are kept).
    target = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), safe=_SAFE)
    ascii_host = host.encode("idna").decode("ascii")
    netloc = f"[{ascii_host}]" if ":" in ascii_host else ascii_host
    request_headers = [
        ("Host", netloc + (f":{parts.port}" if parts.port else "")),
        ("User-Agent", settings.ARCHIVE_FETCH_USER_AGENT),
        ("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
        ("Accept-Encoding", "identity"),
        ("Connection", "close"),
    ]
    exchange = Exchange(url=url, method=method, request_headers=request_headers, ip=ip)
    pool = _pool(parts.scheme, ip, port, host, timeout)
    try:
        response = pool.urlopen(
            method,
            target,
            headers=dict(request_headers),
            redirect=False,
            retries=False,
            preload_content=False,
            decode_content=False,
            assert_same_host=False,
        )
        exchange.status = response.status
        exchange.reason = response.reason or ""
        exchange.version = "HTTP/1.0" if response.version == 10 else "HTTP/1.1"
        exchange.headers = list(response.headers.items())
        # A redirect's body is read too (small, and part of the record), the last one up to
        # the limit; HEAD has none.
        limit = min(max_bytes, 65536) if response.status in REDIRECTS else max_bytes
        if method != "HEAD" and limit:
            _read_body(response, exchange, limit, deadline)
        response.close()
    finally:
        pool.close()
    return exchange


def _read_body(response, exchange: Exchange, limit: int, deadline: float) -> None:
    digest = hashlib.sha256()
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() >= deadline:
            exchange.truncated = True
            break
        chunk = response.read1(min(65536, limit - size + 1), decode_content=False)
        if not chunk:
            break
        if size + len(chunk) > limit:
            chunk = chunk[: limit - size]
            exchange.truncated = True
        chunks.append(chunk)
        digest.update(chunk)
        size += len(chunk)
        if exchange.truncated:
            break
    exchange.body = b"".join(chunks)
    exchange.sha256 = digest.hexdigest()


class HostPacer:
    """At most ``per_minute`` requests to each host, spaced evenly, and at most ``at_once``
    requests in flight, across threads. ``before_waiting`` is called by a thread about to
    wait a while (to give back what it holds: its database connection)."""

    def __init__(
        self,
        per_minute: int,
        *,
        at_once: int = 0,
        before_waiting: Callable[[], None] | None = None,
    ):
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self.next_at: dict[str, float] = {}
        self.lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(at_once) if at_once > 0 else None
        self.before_waiting = before_waiting

    @contextlib.contextmanager
    def turn(self, host: str) -> Iterator[None]:
        if self.interval:
            with self.lock:
                now = time.monotonic()
                at = max(now, self.next_at.get(host, now))
                self.next_at[host] = at + self.interval
            if at - now > 0.5 and self.before_waiting is not None:
                self.before_waiting()
            if at > now:
                time.sleep(at - now)
        if self.slots is None:
            yield
            return
        with self.slots:
            yield
