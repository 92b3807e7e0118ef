"""Benchmark the movement's shape at 10,000 statements (issue 36): the co-signature network,
the author page's "signs with" and timeline, and the duplicate list.

Loads N synthetic statements (bench/corpus.py: a tenth carry 5 to 60 signatories) through
the bulk path into a fresh database, with 20 of them copied again with a few words changed
(the duplicates to find). Then, in this process through Django's test client (no page
cache: every request renders), each page's median time of --repeat requests beside the
minimal view's (one row by primary key, a tiny template) measured in the same run:

- ``/network/`` for the whole archive, uncached (target: under 1 s);
- an author's page, the most credited one (its "signs with" and timeline: one query each);
- ``/archive/`` (its timeline from the kept counts).

And the duplicate list: every fingerprint dropped, then ``duplicates_find`` from nothing
(fingerprints of every text, then every pair; target: under 1 minute), then again with the
fingerprints kept (what the admin's "look again" costs).

    .venv/bin/python -m bench.movement [--statements 10000] [--repeat 5]

Needs a PostgreSQL server (BENCH_DATABASE_URL, see bench/common.py); the database is
dropped and re-created (default: ``archive_bench_movement``).
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import statistics
import tempfile
import time

from bench.common import bench_environment, bulk_load, drop_database, manage, now, prepare

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/archive_bench_movement"
COPIES = 20


def timed(client, url: str, repeat: int) -> tuple[float, float]:
    """Median wall and processor milliseconds of ``repeat`` GETs of ``url`` (after one)."""
    response = client.get(url, HTTP_HOST="127.0.0.1")
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        client.get(url, HTTP_HOST="127.0.0.1")
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def load(count: int) -> None:
    from bench.corpus import Corpus

    items = list(Corpus().statements(count, now=now()))
    copies = []
    for number, data in enumerate(items[:COPIES]):
        words = data.body.split(" ")
        words[len(words) // 2] = "changed"  # an edit in the middle
        copies.append(
            dataclasses.replace(
                data, title=data.title + " (copy)", slug=f"copy-{number}", body=" ".join(words)
            )
        )
    seconds = bulk_load(items + copies, rows=count)
    print(f"loaded {count + COPIES:,} statements in {seconds:.0f} s (fingerprints included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = bench_environment(args.database_url, STATIC_ROOT=static_root)
    prepare(args.database_url, env)
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    try:
        run(args)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(args.database_url)


def run(args) -> None:
    from django.db.models import Count
    from django.test import Client

    from statements.catalog.duplicates import duplicates_find
    from statements.models import Author, DuplicatePair, Statement, TextFingerprint

    load(args.statements)
    client = Client()
    first = Statement.objects.published().order_by("pk").first()
    minimal = timed(client, f"/_bench/minimal/{first.pk}/", args.repeat)
    print(f"minimal view: {minimal[0]:.1f} ms ({minimal[1]:.1f} ms of CPU)")
    author = Author.objects.annotate(n=Count("authorships")).order_by("-n").first()
    pages = {
        "network (whole archive)": "/network/",
        f"author ({author.n:,} credits)": author.get_absolute_url(),
        "archive index": "/archive/",
        "network GraphML (whole archive)": "/network.graphml",
    }
    for name, url in pages.items():
        wall, cpu = timed(client, url, args.repeat)
        print(
            f"{name}: {wall:.0f} ms ({cpu:.0f} ms of CPU), {wall / minimal[0]:.0f} x the "
            f"minimal view{'; target under 1,000 ms' if url == '/network/' else ''}"
        )
    from statements.catalog.timeline import timeline_counts
    from statements.search.ranking import among_ids

    ids = list(Statement.objects.published().values_list("pk", flat=True)[:1000])
    walls = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        timeline_counts(among_ids(ids))
        walls.append((time.perf_counter() - started) * 1000)
    print(
        "a search's timeline (its 1,000 matches' dates, one query): "
        f"{statistics.median(walls):.1f} ms"
    )
    TextFingerprint.objects.all().delete()
    DuplicatePair.objects.all().delete()
    started, cpu = time.perf_counter(), time.process_time()
    found = duplicates_find()
    print(
        f"duplicate list from nothing: {found['fingerprinted']:,} fingerprinted, "
        f"{found['pairs']} pairs, in {time.perf_counter() - started:.1f} s "
        f"({time.process_time() - cpu:.1f} s of CPU here); target under 60 s"
    )
    copies = Statement.objects.filter(slug__startswith="copy-").count()
    print(f"  the {copies} copies made for it found: {found['pairs'] >= copies}")
    started = time.perf_counter()
    again = duplicates_find()
    print(
        f"duplicate list again, fingerprints kept: {again['pairs']} pairs in "
        f"{time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
