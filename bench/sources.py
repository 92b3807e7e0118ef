"""How long the link checks of 1,000 cited addresses take, with the configured limits (at
most ``ARCHIVE_CHECK_PER_HOST_PER_MINUTE`` requests to a host, ``ARCHIVE_CHECK_WORKERS``
requests in flight), beside the floor measured in the same run: the same checks with no rate limit.

    python -m bench.sources [--database-url URL] [--sources 1000] [--hosts 100]
                            [--latency 0.05] [--per-host N] [--workers N] [--keep]

The websites are this machine's: ``--hosts`` servers, each on an address of its own in
127.0.0.0/8 (the per-host limit is per host name), answering after ``--latency`` seconds,
each address a small page using two files (an image, a style sheet). Rows, in order:

1. floor: every address checked (HEAD), no rate limit, nothing captured;
2. check only, with the limits: the figure to compare with the floor;
3. the first run, with the limits: each address checked and captured (page and files);
4. a later run, with the limits: each captured address is compared with its capture
   (HEAD, then GET), as every night after the first.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.common import bench_environment, database_url_argument, run_on_fresh_database

PAGE = (
    b"<!doctype html><html><head><title>A statement</title>"
    b'<link rel="stylesheet" href="/style.css"></head><body><h1>We, the assembly</h1>'
    b'<p>The text of the statement.</p><img src="/picture.gif" alt=""></body></html>'
)
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"  # noqa: E501


def serve(host: str, latency: float) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, head: bool) -> None:
            time.sleep(latency)
            path = self.path.split("?", 1)[0]
            body, kind = {
                "/style.css": (b"h1 { color: navy; }", "text/css"),
                "/picture.gif": (GIF, "image/gif"),
            }.get(path, (PAGE, "text/html; charset=utf-8"))
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def do_HEAD(self):
            self.answer(True)

        def do_GET(self):
            self.answer(False)

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    database_url_argument(parser)
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds each answer takes")
    parser.add_argument("--per-host", type=int, help="requests a minute to a host (default: set)")
    parser.add_argument("--workers", type=int, help="requests at once (default: as configured)")
    args = parser.parse_args()
    media = tempfile.mkdtemp(prefix="bench-sources-")
    env = bench_environment(
        args.database_url,
        MEDIA_ROOT=media,
        ARCHIVE_FETCH_ALLOWED_NETWORKS="127.0.0.0/8",
    )
    run_on_fresh_database(args, env, run)


def run(args) -> None:
    from django.conf import settings
    from django.utils import timezone

    from bench.common import bulk_load
    from statements.core.records import SourceData, StatementData
    from statements.models import Statement
    from statements.sources.checks import by_host_in_turn, cited_urls, sources_check

    servers = [serve(f"127.0.0.{n + 1}", args.latency) for n in range(args.hosts)]
    urls = [
        f"http://127.0.0.{n % args.hosts + 1}:{servers[n % args.hosts].server_address[1]}"
        f"/statement/{n}"
        for n in range(args.sources)
    ]
    bulk_load(
        StatementData(
            title=f"Statement {n}",
            body="The text.",
            status=Statement.Status.PUBLISHED,
            published_at=timezone.now(),
            sources=[SourceData(url=url)],
        )
        for n, url in enumerate(urls)
    )
    per_host = args.per_host or settings.ARCHIVE_CHECK_PER_HOST_PER_MINUTE
    workers = args.workers or settings.ARCHIVE_CHECK_WORKERS
    ordered = by_host_in_turn(cited_urls())
    if len(ordered) != args.sources:
        raise SystemExit(f"{len(ordered)} addresses cited, not {args.sources}")
    print(
        f"{args.sources} addresses on {args.hosts} hosts, answers after {args.latency}s; "
        f"limits: {per_host} requests a minute per host, {workers} requests at once"
    )
    print(f"{'run':52} {'seconds':>8} {'per s':>7}  states, captures")
    rows = (
        ("floor: check only, no rate limit", {"per_host_per_minute": 10**9, "capture": False}),
        ("check only, with the limits", {"per_host_per_minute": per_host, "capture": False}),
        ("first run, with the limits (check and capture)", {"per_host_per_minute": per_host}),
        ("a later run, with the limits (compare with captures)", {"per_host_per_minute": per_host}),
    )
    for label, options in rows:
        report = sources_check(ordered, workers=workers, **options)
        states = ", ".join(f"{n} {s}" for s, n in sorted(report.states.items()))
        print(
            f"{label:52} {report.seconds:8.1f} {report.checked / report.seconds:7.1f}  "
            f"{states}; {report.captured} captured"
        )
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    main()
