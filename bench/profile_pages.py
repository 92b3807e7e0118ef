"""Where a public page's milliseconds go: each page type rendered in this process (Django's
test client, no page cache, no server), timed in CPU and wall-clock time with its number of
SQL queries, beside the minimal view; ``--profile NAME`` adds cProfile's heaviest functions.

    .venv/bin/python -m bench.profile_pages [--statements 10000] [--profile list]

Loads N synthetic statements into a fresh database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/archive_bench, dropped and re-created; ``--keep`` keeps
it, ``--reuse`` measures a kept one without loading again). Each page is viewed twice
first (the first view after a change makes the kept counts and fragments), then timed over
``--repeat`` views.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import tempfile
import time

from bench.common import (
    bench_environment,
    bulk_load,
    database_url_argument,
    drop_database,
    manage,
    now,
    prepare,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", nargs="*", default=(), help="cProfile these pages")
    parser.add_argument("--reuse", action="store_true", help="measure the kept database")
    database_url_argument(parser)
    return parser.parse_args()


def sample_pages() -> dict[str, str]:
    from statements.models import Author, Statement, Tag

    rng = random.Random(7)
    published = Statement.objects.published()
    statement = rng.choice(list(published.values_list("slug", "pk")[:2000]))
    # A word of a title: a search with matches (snippets, facets, ranking), not only the
    # "did you mean" of a word the corpus lacks.
    word = max(published.get(pk=statement[1]).title.split(), key=len).lower()
    dated = published.exclude(date_precision="year").exclude(date_start=None)
    day = dated.order_by("pk").values_list("date_start", flat=True).first()
    tag = Tag.objects.order_by("pk").values_list("slug", flat=True)[7]
    author = Author.objects.order_by("pk").values_list("slug", flat=True)[7]
    return {
        "minimal": f"/_bench/minimal/{statement[1]}/",
        "home": "/",
        "list": "/statements/?page=3",
        "detail": f"/statements/{statement[0]}/",
        "author": f"/authors/{author}/",
        "tag": f"/tags/{tag}/",
        "year": f"/archive/{day.year:04d}/",
        "month": f"/archive/{day.year:04d}/{day.month:02d}/",
        "feed": "/feeds/latest.atom",
        "tag feed": f"/feeds/tags/{tag}.rss",
        "opds": "/opds/latest/",
        "opds tag": f"/opds/tags/{tag}/",
        "sitemap": "/sitemap-statements.xml",
        "search": "/search/?q=people",
        "search hits": f"/search/?q={word}",
        "cite": f"/statements/{statement[0]}.bib",
    }


def main() -> None:
    args = parse_args()
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = bench_environment(args.database_url, STATIC_ROOT=static_root, ALLOWED_HOSTS="testserver")
    if args.reuse:
        os.environ.update(env)
        import django

        django.setup()
    else:
        prepare(args.database_url, env)
        from bench.corpus import Corpus

        bulk_load(Corpus().statements(args.statements, now=now()), rows=args.statements)
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    print(f"{'page':<9} {'CPU ms':>7} {'wall ms':>8} {'queries':>8}  address")
    try:
        for name, path in sample_pages().items():
            for _ in range(2):
                if client.get(path).status_code != 200:
                    raise SystemExit(f"{path} did not answer 200")
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(args.repeat):
                client.get(path)
            cpu = (time.process_time() - cpu) / args.repeat * 1000
            wall = (time.perf_counter() - wall) / args.repeat * 1000
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            print(f"{name:<9} {cpu:>7.2f} {wall:>8.2f} {len(queries):>8}  {path}")
            if name in args.profile:
                profile = cProfile.Profile()
                profile.enable()
                for _ in range(args.repeat):
                    client.get(path)
                profile.disable()
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(20)
                print(out.getvalue())
    finally:
        if not (args.keep or args.reuse):
            connection.close()
            drop_database(args.database_url)


if __name__ == "__main__":
    main()
