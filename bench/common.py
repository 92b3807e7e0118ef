"""What the benchmark scripts share: a fresh database, the environment, the bulk load."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

from archive.environment import environ_without_settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/archive_bench"


def database_url_argument(parser) -> None:
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="dropped and re-created (default: %(default)s)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")


def _admin_connection(url: str):
    import psycopg

    base, name = url.rsplit("/", 1)
    return psycopg.connect(base + "/postgres", autocommit=True), name


def recreate_database(url: str) -> None:
    conn, name = _admin_connection(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    conn, name = _admin_connection(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_environment(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off) on the benchmark database, page cache off."""
    return {
        **environ_without_settings(os.environ),
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": "bench-" + "x7" * 30,
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": "",
        **extra,
    }


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def prepare(database_url: str, env: dict) -> None:
    """A fresh, migrated database; Django set up in this process on it."""
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()
    recreate_database(database_url)
    manage("migrate", "--verbosity", "0", env=env)
    os.environ.update(env)
    import django

    django.setup()


def run_on_fresh_database(args, env: dict, run) -> None:
    """``run(args)`` on a fresh, migrated database, dropped afterwards unless ``--keep``."""
    prepare(args.database_url, env)
    try:
        run(args)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(args.database_url)


def bulk_load(statements, *, rows: int = 0, batch: int = 1000, progress: bool = False) -> float:
    """Load StatementData through statement_bulk_create; return the seconds spent in it
    (making up the synthetic statements is not counted). With ``rows``, the number coming,
    a load large enough builds the phrase index after it rather than row by row
    (catalog.phrase_index), and the build counts in the seconds."""
    from statements.catalog.phrase_index import phrase_index_deferred
    from statements.catalog.services import statement_bulk_create

    spent, done, pending = 0.0, 0, []

    def flush() -> None:
        nonlocal spent, done, pending
        started = time.perf_counter()
        statement_bulk_create(items=pending)
        spent += time.perf_counter() - started
        done += len(pending)
        pending = []
        if progress:
            print(f"  {done:,} loaded ({done / spent:,.0f}/s)", flush=True)

    with phrase_index_deferred(rows=rows) as deferred:
        for data in statements:
            pending.append(data)
            if len(pending) == batch:
                flush()
        if pending:
            flush()
        building = time.perf_counter()
    if deferred:
        built = time.perf_counter() - building
        spent += built
        print(f"  phrase index dropped for the load, built after it in {built:.0f} s", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics after a bulk load, as after any import
    return spent


def now() -> datetime.datetime:
    return datetime.datetime.now(tz=datetime.UTC)
