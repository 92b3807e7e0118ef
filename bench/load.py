"""The site under load: 16, 64 and 256 concurrent connections against the home page, the
list, statement pages and searches, without and with the page cache.

Loads N statements (default 10,000) into a fresh database and serves them with gunicorn as
production runs it (``archive/gunicorn.py``: threaded workers), then drives each page type
with wrk at each concurrency for ``--duration`` seconds (60 by default, as issue 17 asks),
printing requests/s, p50 and p99 latency, and every response that was not a 2xx (by status)
or never came (wrk's socket errors: connect, read, write, and timeouts, with ``--timeout``,
default 10 s). The baseline, measured in the same run at each concurrency, is a minimal view
(one row by primary key, a tiny template).

    .venv/bin/python -m bench.load [--statements 10000] [--duration 60] [--connections 16 64 256]

Needs wrk (Debian: apt-get install wrk), a PostgreSQL server (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/archive_bench, dropped and re-created) and Redis
(BENCH_REDIS_URL, default redis://127.0.0.1:6379/3, flushed).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

from bench.common import ROOT, bench_environment, database_url_argument, drop_database, manage
from bench.common import prepare as database_prepare
from bench.public_pages import free_port, load, wait_until_up

SEARCHES = ("strike", "assembly", "housing", "workers solidarity", '"general strike"', "rent")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load per run")
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64, 256])
    parser.add_argument("--timeout", type=int, default=10, help="wrk's timeout, seconds")
    parser.add_argument("--only", nargs="*", default=(), help="measure only these pages")
    parser.add_argument("--rounds", choices=("both", "uncached", "cached"), default="both")
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 unless issue 17's targets hold: no response but a 2xx at 64 connections "
        "or fewer; above, only 503s (shed quickly) and no timeouts",
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
    )
    database_url_argument(parser)
    return parser.parse_args()


# Counts every status across wrk's threads (each thread has its own Lua state).
LUA = """
local paths = {%s}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {}; i = math.random(#paths) end
function request() i = i %% #paths + 1; return wrk.format("GET", paths[i]) end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  for status, count in pairs(totals) do
    io.write(string.format("status %%d %%d\\n", status, count))
  end
end
"""


def wrk(base: str, paths: list[str], *, duration: int, connections: int, timeout: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(LUA % ", ".join(f'"{path}"' for path in paths))
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    command += ["--timeout", f"{timeout}s", "-s", handle.name, base]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    os.unlink(handle.name)

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    statuses = {int(s): int(n) for s, n in re.findall(r"^status (\d+) (\d+)$", output, re.M)}
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    # wrk prints the line only when there were such errors.
    names = ("connect", "read", "write", "timeout")
    socket = dict(zip(names, map(int, errors.groups()), strict=True)) if errors else {}
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": ms("50%"),
        "p99": ms("99%"),
        "ok": sum(n for s, n in statuses.items() if 200 <= s < 300),
        "other": {s: n for s, n in statuses.items() if not 200 <= s < 300},
        "socket": {name: count for name, count in socket.items() if count},
    }


def missed(figures: dict, connections: int) -> str:
    """What of issue 17's target this run missed ("" when none)."""
    if connections <= 64:
        bad = bool(figures["other"] or figures["socket"])
    else:
        bad = bool(set(figures["other"]) - {503} or figures["socket"])
    return "missed" if bad else ""


def serve(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:archive.gunicorn", "archive.wsgi"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base, server)
    return server, base


def main() -> None:
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = bench_environment(args.database_url, STATIC_ROOT=static_root, ACCESS_LOG="0")
    database_prepare(args.database_url, env)
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    seconds, details, _, pks, _, _ = load(args.statements)
    print(f"loaded {args.statements:,} statements in {seconds:.1f} s")
    pages = {
        "minimal": [f"/_bench/minimal/{pk}/" for pk in pks],
        "home": ["/"],
        "list": [f"/statements/?page={n}" for n in range(1, min(20, args.statements // 30) + 2)],
        "detail": details,
        "search": [f"/search/?q={urllib.request.quote(q)}" for q in SEARCHES],
    }
    if args.only:
        pages = {name: paths for name, paths in pages.items() if name in {"minimal", *args.only}}
    modes = {
        "no page cache": {**env, "ARCHIVE_NO_PAGE_CACHE": "1"},
        "page cache in Redis, warmed": {**env, "REDIS_URL": args.redis_url},
    }
    if args.rounds != "both":
        modes = dict([list(modes.items())[0 if args.rounds == "uncached" else 1]])
    workers = os.environ.get("GUNICORN_WORKERS", "3")
    threads = os.environ.get("GUNICORN_THREADS", "8")
    print(f"gunicorn {workers} workers x {threads} threads; {os.cpu_count()} cores; "
          f"wrk {args.duration} s per run, timeout {args.timeout} s")  # fmt: skip
    misses = 0
    try:
        for mode, mode_env in modes.items():
            if mode_env.get("REDIS_URL"):
                import redis

                redis.Redis.from_url(args.redis_url).flushdb()
            server, base = serve(mode_env)
            try:
                print(f"\n{mode}")
                print(f"{'page':<8} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>9} "
                      f"{'2xx':>8}  not 2xx / no answer")  # fmt: skip
                for name, paths in pages.items():
                    for path in paths:  # every address rendered (and, cached, kept) once
                        try:
                            urllib.request.urlopen(base + path, timeout=60).read()  # noqa: S310
                        except urllib.error.HTTPError as error:
                            raise SystemExit(f"{path}: {error}") from error
                    for connections in args.connections:
                        figures = wrk(
                            base,
                            paths,
                            duration=args.duration,
                            connections=connections,
                            timeout=args.timeout,
                        )
                        bad = ", ".join(
                            [f"{n} x {s}" for s, n in sorted(figures["other"].items())]
                            + [f"{n} {k}" for k, n in figures["socket"].items()]
                        )
                        verdict = missed(figures, connections)
                        misses += bool(verdict)
                        print(
                            f"{name:<8} {connections:>5} {figures['rps']:>8.0f} "
                            f"{figures['p50']:>8.1f} {figures['p99']:>9.1f} "
                            f"{figures['ok']:>8}  {bad or 'none'}  {verdict}",
                            flush=True,
                        )
            finally:
                server.terminate()
                server.wait(timeout=30)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        if not args.keep:
            drop_database(args.database_url)
    print(f"\ntargets (0 non-2xx at <= 64 connections; above, only 503s): {misses} missed")
    if args.check and misses:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
