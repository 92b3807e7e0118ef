"""Benchmark the copies that outlive the server (issue 34) beside a plain pg_dump of the same
database, the floor: wall-clock seconds and the largest resident memory of each.

Loads N synthetic statements (default 10,000) into a fresh database, then runs each export
as its own management command in a child process.

    .venv/bin/python -m bench.copies [--statements 10000]

Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
archive_bench, dropped and re-created) and Debian's pg_dump.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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

# Issue 34: each export of 10,000 statements in under 10 minutes and 1 GB.
SECONDS_TARGET, MEMORY_TARGET_MB = 600, 1024
# A second mirror_git run with no new version.
AGAIN_TARGET = 10


def measured(command: list[str], env: dict) -> tuple[float, float]:
    """Run ``command``; return its wall-clock seconds and the peak of the resident memory
    (MB) of it and its worker processes together, sampled every 0.1 s (psutil)."""
    import psutil

    started = time.monotonic()
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    process, peak = psutil.Process(child.pid), 0
    while child.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.1)
    seconds = time.monotonic() - started
    if child.returncode:
        raise SystemExit(f"{' '.join(command[1:3])} failed ({child.returncode})")
    return seconds, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=10_000)
    parser.add_argument("--only", nargs="+", metavar="COMMAND", help="only these exports")
    database_url_argument(parser)
    args = parser.parse_args()
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = bench_environment(args.database_url, STATIC_ROOT=static_root)
    prepare(args.database_url, env)
    # The static mirror and the ZIM copy the collected static files, as in production.
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    from bench.corpus import Corpus

    seconds = bulk_load(Corpus().statements(args.statements, now=now()), rows=args.statements)
    print(f"loaded {args.statements:,} statements in {seconds:.1f} s")
    # One statement in ten corrected afterwards: a second public version (its own revision).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE statements_statement SET summary = summary || ' (corrected)' WHERE id % 10 = 0"
        )
    connection.close()
    out = Path(tempfile.mkdtemp(prefix="bench-copies-"))
    try:
        rows = []
        pg_dump = shutil.which("pg_dump")
        if pg_dump:
            dump = out / "archive.dump"
            rows.append(("pg_dump (floor)", *measured(
                [pg_dump, "--format=custom", f"--file={dump}", args.database_url], env
            ), dump.stat().st_size))  # fmt: skip

        def size(path: Path) -> int:
            if path.is_file():
                return path.stat().st_size
            return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())

        manage_py = [sys.executable, "manage.py"]
        exports = [
            ("export_data", "data", []),
            ("export_bag", "bag", []),
            ("mirror_git", "mirror.git", []),
            ("mirror_git (again)", "mirror.git", []),
            ("export_site", "site", []),
            ("export_zim", "archive.zim", []),
        ]
        for name, target, extra in exports:
            if args.only and name.split()[0] not in args.only:
                continue
            command = [*manage_py, name.split()[0], str(out / target), *extra]
            rows.append((name, *measured(command, env), size(out / target)))
            print(f"  {name}: {rows[-1][1]:.1f} s, {rows[-1][2]:.0f} MB", flush=True)
    finally:
        from django.db import connections

        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(static_root, ignore_errors=True)
        connections.close_all()
        drop_database(args.database_url)
    print(f"\n{args.statements:,} statements (one in ten with a second version)")
    print(f"{'copy':<18} {'seconds':>8} {'peak MB':>8} {'size MB':>8}  target")
    for name, seconds, memory, size in rows:
        verdict = ""
        if name.endswith("(again)"):
            verdict = f"< {AGAIN_TARGET} s " + ("met" if seconds < AGAIN_TARGET else "missed")
        elif not name.startswith("pg_dump"):
            met = seconds < SECONDS_TARGET and memory < MEMORY_TARGET_MB
            verdict = f"< {SECONDS_TARGET} s and < {MEMORY_TARGET_MB} MB " + (
                "met" if met else "missed"
            )
        print(f"{name:<18} {seconds:>8.1f} {memory:>8.0f} {size / 1e6:>8.1f}  {verdict}")


if __name__ == "__main__":
    main()
