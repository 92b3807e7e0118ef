"""Benchmark the public pages under load, beside a minimal view of the same project.

Loads N statements (default 10,000) through the project's bulk path into a fresh database,
serves the site with gunicorn (2 sync workers, persistent connections) and drives each page
type with wrk (16 connections), printing requests/s and p50/p99 latency, and each page's
throughput as a ratio of the minimal view's (one row by primary key, a tiny template).
Two rounds: without the page cache (every request renders), then with it in Redis, warmed
by one visit to every URL (the steady state of a production site with REDIS_URL set).
After the load every statement's page is stored, as a change stores it (manage.py
stored_pages, timed), and without the page cache the statement page is measured on
statements never viewed before in the run (issue 35).

    .venv/bin/python -m bench.public_pages [--statements 10000] [--duration 15] [--language uk]

With --language, each reader's page is measured again in that interface language (its
address under /uk/...), beside the English one in the same run (issue 33: within 10 %).

Needs wrk (Debian: apt-get install wrk), a PostgreSQL server (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/archive_bench, dropped and re-created) and Redis
(BENCH_REDIS_URL, default redis://127.0.0.1:6379/3, flushed).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from bench.common import (
    ROOT,
    bench_environment,
    bulk_load,
    database_url_argument,
    drop_database,
    manage,
    now,
    prepare,
)

# Issue 15: every reader's page and feed at least 0.3 x the minimal view without the page
# cache, the home page too, a sitemap section of 10,000 addresses 0.1 x.
UNCACHED_TARGETS = {
    **dict.fromkeys(
        ("home", "list", "detail", "author", "tag", "year", "month", "feed", "opds"), 0.3
    ),
    "sitemap": 0.1,
}
CACHED_TARGETS = {"detail": 0.7, "list": 0.5, "author": 0.5}
# Issue 33: a page in another interface language within 10 % of the English page.
LANGUAGE_TARGET = 0.9
LANGUAGE_PAGES = ("home", "list", "detail", "author", "tag", "year", "month", "feed")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rounds",
        choices=("both", "uncached", "fragments", "cached", "all"),
        default="both",
        help="without the page cache (each worker keeping its own fragments), with it, or "
        "both (default); 'fragments' is without the page cache but with the fragments in "
        "Redis, warmed (a site with REDIS_URL and ARCHIVE_PAGE_CACHE_SECONDS=0); 'all' runs "
        "the three",
    )
    parser.add_argument("--only", nargs="*", default=(), help="measure only these pages")
    parser.add_argument(
        "--language",
        action="append",
        default=[],
        help="also measure the reader's pages in this interface language (repeatable)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
        help="the Redis database used (and flushed) for the cached round",
    )
    database_url_argument(parser)
    return parser.parse_args()


def load(count: int) -> tuple[float, list[str], list[str], list[int], list[str], list[str]]:
    """Load the corpus in this process; return the seconds taken and sample URLs: the sample
    of statement pages first, then every other statement page in a random order."""
    from bench.corpus import Corpus
    from statements.models import Author, Statement, Tag

    seconds = bulk_load(Corpus().statements(count, now=now()), rows=count)
    rng = random.Random(7)
    published = list(Statement.objects.published().values_list("slug", "pk"))
    sample = rng.sample(published, k=min(300, len(published)))
    authors = list(Author.objects.values_list("slug", flat=True))
    tags = list(Tag.objects.values_list("slug", flat=True))
    months = sorted(
        {
            f"/archive/{day.year:04d}/{day.month:02d}/"
            for day, precision in Statement.objects.published().values_list(
                "date_start", "date_precision"
            )
            if day is not None and precision != "year"
        }
    )
    chosen = {slug for slug, _ in sample}
    others = [slug for slug, _ in published if slug not in chosen]
    rng.shuffle(others)
    return (
        seconds,
        [f"/statements/{slug}/" for slug, _ in sample + [(slug, 0) for slug in others]],
        [f"/authors/{slug}/" for slug in rng.sample(authors, k=min(200, len(authors)))],
        [pk for _, pk in sample],
        rng.sample(tags, k=min(50, len(tags))),
        rng.sample(months, k=min(100, len(months))),
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(base: str, paths: list[str], *, duration: int, connections: int) -> dict:
    """Run wrk over ``paths`` in turn; return requests/s and p50/p99 latency in ms."""
    lines = ",\n".join(f'  "{path}"' for path in paths)
    script = (
        f"local paths = {{\n{lines}\n}}\nlocal i = math.random(#paths)\n"
        "request = function()\n  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\nend\n'
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", handle.name]
    output = subprocess.run(  # noqa: S603
        [*command, base], capture_output=True, text=True, check=True
    ).stdout
    os.unlink(handle.name)
    if "Non-2xx or 3xx responses" in output:
        raise SystemExit(f"wrk saw error responses:\n{output}")

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": ms("50%"),
        "p99": ms("99%"),
    }


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before answering")
        try:
            urllib.request.urlopen(base + "/", timeout=5)  # noqa: S310
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 30 s")


def main() -> None:
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = bench_environment(args.database_url, STATIC_ROOT=static_root)
    print(f"database: {args.database_url}")
    prepare(args.database_url, env)
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    seconds, details, authors, pks, tags, months = load(args.statements)
    rate = args.statements / seconds
    print(f"loaded {args.statements:,} statements in {seconds:.1f} s ({rate:,.0f}/s)")
    # Each statement's page rendered and stored as a change stores it (issue 35), both cores.
    started = time.monotonic()
    manage("stored_pages", "--jobs", str(args.workers), "--verbosity", "0", env=env)
    seconds = time.monotonic() - started
    print(f"stored their pages in {seconds:.1f} s ({args.statements / seconds:,.0f}/s)")
    # The detail page without the page cache is measured on pages nobody viewed in this run
    # (issue 35): the first 300 addresses serve the other pages and rounds, the rest this.
    details, fresh = details[:300], details[300:]

    last_page = max(1, min(40, len(pks) // 25, args.statements // 30))
    pages = {
        "minimal": [f"/_bench/minimal/{pk}/" for pk in pks],
        "home": ["/"],
        "list": [f"/statements/?page={n}" for n in range(1, last_page + 1)]
        + [f"/statements/?page={n}&sort=title" for n in range(1, last_page // 2 + 2)],
        "detail": details,
        "author": authors,
        "tag": [f"/tags/{slug}/" for slug in tags],
        "year": sorted({month[:14] for month in months}),
        "month": months,
        # What other tools read (issue 6).
        "cite": [path.rstrip("/") + ".bib" for path in details],
        "feed": ["/feeds/latest.atom"] + [f"/feeds/tags/{slug}.rss" for slug in tags],
        "sitemap": ["/sitemap-statements.xml"],
        "oai": [
            f"/oai/?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:127.0.0.1:statement/{pk}"
            for pk in pks
        ]
        + ["/oai/?verb=ListRecords&metadataPrefix=oai_dc"],
        "opds": ["/opds/latest/"] + [f"/opds/tags/{slug}/" for slug in tags],
        "api": [f"/api/statements/?page={n}" for n in range(1, last_page + 1)]
        + [f"/api/statements/{path.split('/')[2]}/" for path in details],
    }
    if args.only:
        pages = {name: paths for name, paths in pages.items() if name in {"minimal", *args.only}}
    if args.language:
        subprocess.run(["make", "catalogs"], cwd=ROOT, check=True)  # noqa: S607
    for code in args.language:
        for name in LANGUAGE_PAGES:
            if name in pages:
                pages[f"{name}@{code}"] = [f"/{code}{path}" for path in pages[name]]
    try:
        rounds = {}
        if args.rounds in ("both", "uncached", "all"):
            rounds["no page cache (every request renders)"] = (
                run_round(env, pages, args, warm=False, fresh=fresh),
                UNCACHED_TARGETS,
            )
        if args.rounds in ("fragments", "all"):
            fragments_env = {**env, "REDIS_URL": args.redis_url, "ARCHIVE_PAGE_CACHE_SECONDS": "0"}
            rounds[f"no page cache, fragments in Redis ({args.redis_url}), warmed"] = (
                run_round(fragments_env, pages, args, warm=True),
                UNCACHED_TARGETS,
            )
        if args.rounds in ("both", "cached", "all"):
            rounds[f"page cache in Redis ({args.redis_url}), warmed"] = (
                run_round({**env, "REDIS_URL": args.redis_url}, pages, args, warm=True),
                CACHED_TARGETS,
            )
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        if not args.keep:
            drop_database(args.database_url)

    print(
        f"\n{args.statements:,} statements; gunicorn {args.workers} sync workers; "
        f"wrk {args.connections} connections, {args.duration} s per page"
    )
    for title, (results, targets) in rounds.items():
        minimal = results["minimal"]["rps"]
        print(f"\n{title}")
        print(f"{'page':<11} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs minimal':>11}  target")
        for name, figures in results.items():
            ratio = figures["rps"] / minimal
            target = targets.get(name)
            verdict = ""
            if "@" in name:  # beside the same page in English, measured in this run
                english = results[name.split("@")[0]]["rps"]
                versus = figures["rps"] / english
                met = "met" if versus >= LANGUAGE_TARGET else "missed"
                verdict = f"{versus:.2f}x English (>= {LANGUAGE_TARGET} {met})"
            elif target is not None:
                verdict = f">= {target} " + ("met" if ratio >= target else "missed")
            print(
                f"{name:<11} {figures['rps']:>8.0f} {figures['p50']:>8.2f} "
                f"{figures['p99']:>8.2f} {ratio:>10.2f}x  {verdict}"
            )


def run_round(
    env: dict, pages: dict, args: argparse.Namespace, *, warm: bool, fresh: list[str] = ()
) -> dict:
    """Serve with gunicorn under ``env`` and measure every page type; with ``fresh``, the
    statement page on those addresses, each viewed once (its warm-up on a tenth of them)."""
    if warm:
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "archive.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        wait_until_up(base, server)
        for name, paths in pages.items():
            if warm:
                for path in paths:
                    urllib.request.urlopen(base + path, timeout=30).read()  # noqa: S310
            if name == "detail" and fresh:
                cut = len(fresh) // 10
                wrk(base, fresh[:cut], duration=2, connections=args.connections)  # warm-up
                paths = fresh[cut:]
            else:
                wrk(base, paths, duration=2, connections=args.connections)  # warm-up
            results[name] = wrk(base, paths, duration=args.duration, connections=args.connections)
            if name == "detail" and fresh and results[name]["requests"] > len(paths):
                print(
                    f"  (detail: {results[name]['requests']:,} requests over {len(paths):,} "
                    "never-viewed pages: some were viewed twice)"
                )
    finally:
        server.terminate()
        server.wait(timeout=15)
    return results


if __name__ == "__main__":
    main()
