"""Benchmark the importer: JSON Lines at 10,000 statements, Muse on the real corpus.

JSON Lines: synthetic statements (bench/corpus.py) written as our own records, split into
files of --per-file lines (a single file of 10,000 would pass the 20 MB file limit), then
imported into an empty archive through ``statement_import``, as ``import_statements`` does;
then the same files again, which must change nothing. Muse: every ``.muse`` file under
``../shared/corpus/muse/`` (pandoc converts each body), into an empty archive.

    .venv/bin/python -m bench.imports [--statements 10000] [--per-file 500]
                                      [--phrase-index deferred|kept|none]
                                      [--detection compare|on|off]

--detection compare (the default) times, round by round, the same import without the
duplicate detection of issue 36 (no fingerprint, no comparison, nothing kept: the import as
it was) and with it, each into an empty archive; ``off`` leaves it out of every figure.

--phrase-index says what becomes of the phrase index (RUM, where the server has rum) during
an import: built after a large one (``deferred``, as ``import_statements`` does), kept row by
row (``kept``, the design before), or absent (``none``: no phrase index at all, the floor).

Needs a PostgreSQL server (BENCH_DATABASE_URL, see bench/common.py); the database is
dropped and re-created (default: ``archive_bench_import``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import time

from bench.common import ROOT, bench_environment, drop_database, now, prepare

WRITERS = 2  # as import_statements on this two-core machine (--writers)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/archive_bench_import"
MUSE_CORPUS = ROOT.parent / "shared" / "corpus" / "muse"


def jsonl_files(count: int, per_file: int) -> list[tuple[str, bytes]]:
    from bench.corpus import Corpus
    from statements.ingest.formats.jsonl import data_record

    files, lines = [], []
    for data in Corpus().statements(count, now=now()):
        data.slug = ""  # slugs come from titles, as for any new record
        record = data_record(data)
        record["slug"] = f"bench-{len(files) * per_file + len(lines)}"
        lines.append(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        if len(lines) == per_file:
            files.append((f"part-{len(files):03d}.jsonl", "".join(lines).encode()))
            lines = []
    if lines:
        files.append((f"part-{len(files):03d}.jsonl", "".join(lines).encode()))
    return files


SETTINGS = {"phrase_index": "deferred"}  # --phrase-index


def timed_import(files, **options):
    from statements.catalog.phrase_index import phrase_index_deferred
    from statements.ingest.services import statement_import, statements_coming

    started = time.perf_counter()
    rows = statements_coming(files) if SETTINGS["phrase_index"] == "deferred" else 0
    with phrase_index_deferred(rows=rows):
        report = statement_import(files=files, writers=WRITERS, processes=True, **options)
    seconds = time.perf_counter() - started
    if report.failed:
        raise SystemExit(f"the import failed: {report.failed[:3]}")
    return report, seconds


@contextlib.contextmanager
def detection_off():
    """The import without the duplicate detection (issue 36): no fingerprint where files are
    parsed, no comparison with the archive, no fingerprint or pair kept, none after the
    commit. Patched here, in the process whose import forks the parsing workers."""
    from statements.catalog import changes
    from statements.ingest import matching, services

    def imported_plainly(created, duplicates, original):
        for _entry, item in created:
            item.data.imported_from = original.get()
        return [item.data for _entry, item in created]

    patches = [
        (services, "text_fingerprint", lambda text: None),
        (services, "pairs_among", lambda prints: 0),
        (matching, "_fingerprint", lambda item: None),
        (matching, "_alike_handled", imported_plainly),
        (matching, "fingerprints_store", lambda rows, new=False: None),
        (matching, "pairs_record", lambda pairs: 0),
        (changes, "_fingerprints_kept", lambda ids: None),
    ]
    saved = [(module, name, getattr(module, name)) for module, name, _new in patches]
    for module, name, new in patches:
        setattr(module, name, new)
    try:
        yield
    finally:
        for module, name, old in saved:
            setattr(module, name, old)


def detection_compared(files, rounds: int) -> None:
    """Each round: the import without detection, then with it, each into an empty archive."""
    overheads = []
    for number in range(1, rounds + 1):
        wipe()
        with detection_off():
            _report, without = timed_import(files)
        wipe()
        report, with_detection = timed_import(files)
        overheads.append(with_detection / without - 1)
        print(
            f"detection round {number}: without {without:.1f} s, with {with_detection:.1f} s "
            f"({len(report.created):,} created): +{overheads[-1]:.1%}"
        )
    print(
        f"duplicate detection adds {statistics.median(overheads):.1%} to the import (median "
        f"of {rounds} rounds; target at most 20 %)"
    )


def copy_floor() -> tuple[int, float]:
    """The floor PostgreSQL sets: the statement rows the import just wrote, copied out and
    COPYed into an empty table made LIKE the statements table (the same generated search
    vectors, the same indexes), timed. Returns (rows, seconds)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = "
            "'statements_statement' AND is_generated = 'NEVER' AND column_name <> 'id' "
            "ORDER BY ordinal_position"
        )
        columns = ", ".join(f'"{name}"' for (name,) in cursor.fetchall())
        cursor.execute("DROP TABLE IF EXISTS bench_copy")
        cursor.execute("CREATE TABLE bench_copy (LIKE statements_statement INCLUDING ALL)")
        raw = cursor.connection  # psycopg's own connection, for COPY
        data = bytearray()
        with raw.cursor().copy(
            # The names come from the catalogue, not from input.
            f"COPY (SELECT {columns} FROM statements_statement) TO STDOUT"  # noqa: S608
        ) as out:
            for chunk in out:
                data += chunk
        rows = statement_count()
        started = time.perf_counter()
        with raw.cursor().copy(f"COPY bench_copy ({columns}) FROM STDIN") as into:
            for start in range(0, len(data), 1 << 20):
                into.write(data[start : start + (1 << 20)])
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy")
    return rows, seconds


def statement_count() -> int:
    from statements.models import Statement

    return Statement.objects.count()


def wipe() -> None:
    """An empty archive again, history included: deleting 10,000 statements through the ORM
    would record each deletion (and its text) in the history, and the next round would
    meet that work's dead rows and autovacuum."""
    from django.db import connection

    from statements.models import (
        Author,
        AuthorshipEvent,
        ImportedFile,
        SourceEvent,
        Statement,
        StatementBodyEvent,
        StatementEvent,
        Tag,
        TaggingEvent,
    )

    models = [Statement, ImportedFile, Author, Tag, StatementEvent, StatementBodyEvent,
              AuthorshipEvent, SourceEvent, TaggingEvent]  # fmt: skip
    tables = ", ".join(model._meta.db_table for model in models)
    with connection.cursor() as cursor:
        # Our own table names; CASCADE takes the credits, sources and taggings along (the
        # search vocabulary stays, as the ORM deletion left it).
        cursor.execute(f"TRUNCATE {tables} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=10_000)
    parser.add_argument("--per-file", type=int, default=500, help="JSON Lines per file")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--rounds", type=int, default=3, help="JSON Lines import rounds")
    parser.add_argument("--phrase-index", choices=("deferred", "kept", "none"), default="deferred")
    parser.add_argument("--detection", choices=("compare", "on", "off"), default="compare")
    args = parser.parse_args()
    env = bench_environment(args.database_url)
    prepare(args.database_url, env)
    SETTINGS["phrase_index"] = args.phrase_index
    from statements.catalog.phrase_index import INDEX, phrase_index_state

    if args.phrase_index == "none":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    print(f"== phrase index: {args.phrase_index} ({phrase_index_state()} now)")
    stack = contextlib.ExitStack()
    try:
        files = jsonl_files(args.statements, args.per_file)
        megabytes = sum(len(raw) for _, raw in files) / 1e6
        print(
            f"== JSON Lines: {args.statements:,} statements in {len(files)} files "
            f"({megabytes:.0f} MB)"
        )
        if args.detection == "compare":
            detection_compared(files, args.rounds)
            wipe()
        elif args.detection == "off":
            stack.enter_context(detection_off())
        # This machine's speed varies from minute to minute: each round imports into an
        # empty archive and then times the COPY floor right away, and the ratio is each
        # round's own; the median round is the figure.
        ratios = []
        for number in range(1, args.rounds + 1):
            if number > 1:
                wipe()
            report, seconds = timed_import(files)
            rate = len(report.created) / seconds
            rows, floor_seconds = copy_floor()
            floor = rows / floor_seconds
            ratios.append(rate / floor)
            print(
                f"round {number}: first import, {len(report.created):,} created in "
                f"{seconds:.1f} s ({rate:,.0f} statements/s); raw COPY of the same {rows:,} "
                f"rows into a table like statements_statement (same generated search vectors "
                f"and indexes) {floor_seconds:.1f} s ({floor:,.0f} rows/s): {rate / floor:.2f} x"
            )
        print(
            f"the import runs at {statistics.median(ratios):.2f} x the raw COPY (median of "
            f"{len(ratios)} rounds; target 0.7)"
        )
        report, seconds = timed_import(files)
        print(
            f"same files again: {len(report.unchanged):,} unchanged, {len(report.created)} "
            f"created, {len(report.updated)} updated in {seconds:.1f} s "
            f"({len(report.unchanged) / seconds:,.0f} statements/s)"
        )
        wipe()
        muse = sorted(MUSE_CORPUS.rglob("*.muse"))
        if not muse:
            print(f"== Muse: skipped, no corpus at {MUSE_CORPUS}")
            return
        raw = [(str(path), path.read_bytes()) for path in muse]
        megabytes = sum(len(content) for _, content in raw) / 1e6
        print(f"== Muse: the real corpus, {len(raw)} files ({megabytes:.1f} MB)")
        report, seconds = timed_import(raw)
        print(
            f"import: {len(report.created)} created in {seconds:.1f} s "
            f"({len(raw) / seconds:,.1f} files/s, {megabytes / seconds:.2f} MB/s)"
        )
    finally:
        stack.close()
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(args.database_url)


if __name__ == "__main__":
    main()
