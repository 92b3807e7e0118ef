"""What replaying a captured page costs a web worker in memory: a capture that decodes to
``--megabytes`` (a page a hostile site sent gzipped, kept compressed as captures were before
they were decoded at capture time), beside a plain one-page capture measured in the same run,
and beside the old way of reading it (warcio's content_stream, which decodes without bound).

    python -m bench.replay [--database-url URL] [--keep] [--megabytes 256]

Each replay runs in a forked process whose peak resident memory is reset first
(/proc/self/clear_refs): the figure is what that request added to the worker, in MB.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import zlib

from bench.common import bench_environment, database_url_argument, run_on_fresh_database


def _status(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def in_a_child(work) -> tuple[float, float]:
    """(MB the work added to the process's peak resident memory, seconds), in a fork."""
    from django.db import connections

    connections.close_all()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a worker serving one request
        os.close(read)
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # the peak starts from here
        before = _status("VmRSS")
        started = time.perf_counter()
        work()
        took = time.perf_counter() - started
        os.write(write, f"{(_status('VmHWM') - before) / 2**20} {took}".encode())
        os._exit(0)
    os.close(write)
    answer = os.read(read, 100).decode()
    os.waitpid(pid, 0)
    added, took = answer.split()
    return float(added), float(took)


def gzip_of(megabytes: int) -> bytes:
    out = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"<p>" + b"a" * (2**20 - 3)
    return b"".join(out.compress(block) for _ in range(megabytes)) + out.flush()


def old_capture(url: str, body: bytes, headers: list[tuple[str, str]]):
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from statements.models import SourceCapture, SourceLink
    from statements.sources.captures import warc_bytes
    from statements.sources.fetch import Exchange

    exchange = Exchange(url=url, method="GET", request_headers=[], status=200, reason="OK",
                        headers=headers, body=body)  # fmt: skip
    at = timezone.now()
    content = warc_bytes([exchange], captured_at=at)
    link, _ = SourceLink.objects.get_or_create(url=url)
    digest = hashlib.sha256(content).hexdigest()
    name = default_storage.save(f"captures/{link.pk}/{digest[:12]}.warc.gz", ContentFile(content))
    capture = SourceCapture.objects.create(
        link=link, captured_at=at, url=url, status=200, file=name, size=len(content),
        sha256=digest, page_sha256=hashlib.sha256(body).hexdigest(), content_type="text/html",
    )  # fmt: skip
    SourceLink.objects.filter(pk=link.pk).update(capture=capture)
    return capture


def run(args) -> None:
    from django.core.files.storage import default_storage
    from django.test import Client
    from django.utils import timezone
    from warcio.archiveiterator import ArchiveIterator

    from statements.catalog.services import statement_create
    from statements.core.records import SourceData, StatementData
    from statements.models import Statement

    plain = b"<!doctype html><title>A statement</title><p>" + b"The text. " * 500
    cases = {
        "plain one-page capture (baseline)": (plain, [("Content-Type", "text/html")]),
        f"gzip capture of {args.megabytes} MB": (
            gzip_of(args.megabytes),
            [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
        ),
    }
    print(f"{'replay of':44} {'MB added':>9} {'seconds':>8}")
    for n, (label, (body, headers)) in enumerate(cases.items()):
        url = f"http://site{n}.example/page"
        statement = statement_create(
            data=StatementData(title=f"Cited {n}", body="Text.", published_at=timezone.now(),
                               status=Statement.Status.PUBLISHED, sources=[SourceData(url=url)])
        )  # fmt: skip
        source = statement.sources.get()
        capture = old_capture(url, body, headers)

        def replay(source_id=source.pk):
            response = Client().get(f"/sources/{source_id}/capture/")
            if response.status_code != 200:
                raise SystemExit(f"the replay answered {response.status_code}")

        added, took = in_a_child(replay)
        print(f"{label:44} {added:9.1f} {took:8.2f}")

        def unbounded(capture=capture):
            with default_storage.open(capture.file, "rb") as stream:
                for record in ArchiveIterator(stream):
                    if record.rec_type == "response":
                        record.content_stream().read()

        added, took = in_a_child(unbounded)
        print(f"{'  before: warcio content_stream().read()':44} {added:9.1f} {took:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    database_url_argument(parser)
    parser.add_argument("--megabytes", type=int, default=256)
    args = parser.parse_args()
    env = bench_environment(args.database_url, MEDIA_ROOT=tempfile.mkdtemp(prefix="bench-replay-"))
    run_on_fresh_database(args, env, run)


if __name__ == "__main__":
    main()
