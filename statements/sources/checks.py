"""Link checks: is each address the published statements cite still there, moved, changed
since the archive captured it, or gone? (``manage.py check_sources``, or the task queue's
beat.)

A check asks with HEAD, and with GET where HEAD is refused, or where the address has a
capture to compare with (unless the ETag says it is the same). One check is a row of
``SourceCheck``; the address's ``SourceLink`` keeps the state they add up to:

- gone: 404 or 410; or failures in a row (no such host, timeouts, refused connections,
  server errors, other refusals) reaching ``ARCHIVE_CHECK_FAILURES_GONE`` (a name the DNS
  could not resolve once may be a resolver's bad minute, not a site gone);
- moved: answered after a permanent redirect (301, 308);
- changed: answered with a body other than the capture's;
- alive: answered.

A single failure below the limit keeps the state it was in: a site down for a night is not
gone.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from statements.catalog.changes import public_pages_changed
from statements.models import LinkState, Source, SourceCheck, SourceLink, Statement
from statements.sources.fetch import PERMANENT, Fetched, HostPacer, fetch

HEAD_REFUSED = {400, 403, 405, 406, 501}
GONE_STATUSES = {404, 410}
THREADS_PER_WORKER = 8
# The part of a page compared with its capture (a longer body is compared on this much).
COMPARED_BYTES = 10 * 2**20


def cited_urls(*, older_than: datetime.timedelta | None = None) -> list[str]:
    """Addresses cited by published statements, those checked longest ago (or never) first;
    with ``older_than``, only those not checked within it (so a run that stopped resumes)."""
    urls = set(
        Source.objects.filter(statement__in=Statement.objects.published())
        .exclude(url="")
        .values_list("url", flat=True)
    )
    checked = dict(
        SourceLink.objects.filter(url__in=urls, checked_at__isnull=False).values_list(
            "url", "checked_at"
        )
    )
    if older_than is not None:
        cutoff = timezone.now() - older_than
        urls = {url for url in urls if url not in checked or checked[url] < cutoff}
    epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    return sorted(urls, key=lambda url: (checked.get(url, epoch), url))


def links_cited_add() -> int:
    """A link row, "not checked yet", for every address a source cites that has none (so
    the list of links shows every cited address before any check has run); how many."""
    missing = (
        Source.objects.exclude(url="")
        .exclude(url__in=SourceLink.objects.values("url"))
        .values_list("url", flat=True)
        .distinct()
    )
    made = SourceLink.objects.bulk_create(
        [SourceLink(url=url) for url in missing], ignore_conflicts=True, batch_size=1000
    )
    return len(made)


def by_host_in_turn(urls: Iterable[str]) -> list[str]:
    """``urls`` reordered so that hosts take turns: the checks running at once go to
    different hosts, and none waits on another's rate limit while others could run."""
    queues: dict[str, deque[str]] = defaultdict(deque)
    for url in urls:
        queues[(urlsplit(url).hostname or "").lower()].append(url)
    ordered: list[str] = []
    while queues:
        for host in list(queues):
            ordered.append(queues[host].popleft())
            if not queues[host]:
                del queues[host]
    return ordered


def link_check(url: str, *, pacer: HostPacer | None = None) -> SourceCheck:
    """Check ``url`` once, record the check and the state it leads to."""
    link, _ = SourceLink.objects.select_related("capture").get_or_create(url=url)
    capture = link.capture
    method = "HEAD"
    fetched = fetch(url, method="HEAD", pacer=pacer)
    status = fetched.status
    refused_head = status in HEAD_REFUSED or fetched.error_kind == "protocol"
    same_etag = (
        capture is not None
        and capture.page_etag
        and not capture.page_etag.startswith("W/")
        and fetched.last is not None
        and fetched.last.header("etag") == capture.page_etag
    )
    if refused_head or (status is not None and 200 <= status < 300 and capture and not same_etag):
        method = "GET"
        fetched = fetch(url, method="GET", max_bytes=COMPARED_BYTES, pacer=pacer)
    return _record(link, fetched, method)


def _record(link: SourceLink, fetched: Fetched, method: str) -> SourceCheck:
    now = timezone.now()
    state, failed = _state_after(link, fetched)
    last = fetched.last
    with transaction.atomic():
        link = SourceLink.objects.select_for_update(of=("self",)).get(pk=link.pk)
        before = (link.state, link.seen_at.date() if link.seen_at else None, link.final_url)
        link.failures = link.failures + 1 if failed else 0
        if failed and link.failures >= settings.ARCHIVE_CHECK_FAILURES_GONE:
            state = LinkState.GONE
        if state != link.state:
            link.state, link.state_since = state, now
        link.checked_at = now
        if not failed and state != LinkState.GONE:
            link.seen_at = now
            link.final_url = fetched.final_url
        link.save()
        check = SourceCheck.objects.create(
            link=link,
            checked_at=now,
            method=method,
            status=fetched.status,
            final_url=fetched.final_url[:2000],
            redirects=fetched.redirects,
            elapsed_ms=round(fetched.elapsed * 1000),
            content_sha256=last.sha256 if last and method == "GET" else "",
            error=fetched.error[:300],
            state=link.state,
        )
        after = (link.state, link.seen_at.date() if link.seen_at else None, link.final_url)
        if after != before:
            # What readers see beside the source ("last seen on", "no longer online").
            public_pages_changed(statements=_citing(link.url))
    return check


def _state_after(link: SourceLink, fetched: Fetched) -> tuple[str, bool]:
    """The state ``fetched`` shows, and whether it was a failure (which keeps the state
    until failures in a row reach the limit)."""
    status = fetched.status
    if status in GONE_STATUSES:
        return LinkState.GONE, False
    if fetched.error or status is None or not 200 <= status < 300:
        return link.state, True
    if any(hop[0] in PERMANENT for hop in fetched.redirects):
        return LinkState.MOVED, False
    capture = link.capture
    last = fetched.last
    if (
        capture is not None
        and last is not None
        and last.sha256
        and not last.truncated
        and last.sha256 != capture.page_sha256
    ):
        return LinkState.CHANGED, False
    return LinkState.ALIVE, False


def _citing(url: str) -> list[int]:
    return list(Source.objects.filter(url=url).values_list("statement_id", flat=True))


@dataclass
class RunReport:
    checked: int = 0
    captured: int = 0
    capture_failures: int = 0
    states: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0


def sources_check(
    urls: list[str],
    *,
    workers: int | None = None,
    per_host_per_minute: int | None = None,
    capture: bool = True,
    progress: Callable[[str, SourceCheck], None] | None = None,
) -> RunReport:
    """Check ``urls`` on ``workers`` threads, each host at most ``per_host_per_minute``
    times a minute; capture each address the first time it is seen alive."""
    from statements.sources.captures import CaptureFailed, link_capture

    workers = workers or settings.ARCHIVE_CHECK_WORKERS
    # ``workers`` requests at once; more threads than that, so that those waiting for their
    # host's turn (most of the time, with a per-host limit) do not hold the others back.
    # A thread about to wait gives its database connection back first.
    pacer = HostPacer(
        per_host_per_minute or settings.ARCHIVE_CHECK_PER_HOST_PER_MINUTE,
        at_once=workers,
        before_waiting=connections.close_all,
    )
    threads = max(1, min(len(urls), workers * THREADS_PER_WORKER))
    report = RunReport()
    started = time.monotonic()

    def one(url: str) -> tuple[SourceCheck, bool | None]:
        try:
            check = link_check(url, pacer=pacer)
            captured = None
            alive = check.state in (LinkState.ALIVE, LinkState.MOVED)
            # The link as the check left it: captured already, or not.
            if capture and alive and check.link.capture_id is None:
                try:
                    link_capture(url, pacer=pacer)
                    captured = True
                except CaptureFailed:
                    captured = False
            return check, captured
        finally:
            # The thread's own connection: closed, not left to the pool's idle threads.
            connections.close_all()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for url, (check, captured) in zip(urls, pool.map(one, urls), strict=True):
            report.checked += 1
            report.states[str(check.state)] += 1
            if captured is True:
                report.captured += 1
            elif captured is False:
                report.capture_failures += 1
            if progress is not None:
                progress(url, check)
    report.seconds = time.monotonic() - started
    return report
