"""How long a statement's EPUB and PDF, and a reader's book, take to make, cold (first
request) and kept (later requests), beside the floor measured in the same run: pandoc alone
turning the same text into HTML, the least any book of it could cost.

    python -m bench.editions [--database-url URL] [--keep] [--book 10]

Texts: the longest Muse file of ../shared/corpus (Kropotkin's Ethics), and a one-page
statement written here. The book: the first ``--book`` corpus texts of under 60 KB, and
then the same with the long text in front.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, bench_environment, database_url_argument, run_on_fresh_database

CORPUS = ROOT.parent / "shared" / "corpus" / "muse"
ONE_PAGE = "\n\n".join(
    f"We, the tenants of the {name} estate, call on every household to withhold rent until "
    "the repairs promised for three winters are made, and to meet on the green on Saturday."
    for name in ("north", "south", "east", "west", "river", "mill", "chapel", "market")
)


def timed(make) -> float:
    started = time.perf_counter()
    make()
    return time.perf_counter() - started


def corpus_files() -> list[Path]:
    return sorted(CORPUS.rglob("*.muse"), key=lambda path: path.stat().st_size)


def load(paths: list[Path]):
    from django.utils import timezone

    from statements.catalog.services import statement_create
    from statements.core.dates import PartialDate
    from statements.core.records import AuthorCredit, StatementData
    from statements.ingest.services import statement_import
    from statements.models import Statement

    statement_import(files=[(p.name, p.read_bytes()) for p in paths], status="published")
    one = statement_create(
        data=StatementData(
            title="Rent strike on the estates",
            body=ONE_PAGE,
            issued=PartialDate(2025, 3),
            status=Statement.Status.PUBLISHED,
            published_at=timezone.now(),
            credits=[AuthorCredit(name="Estate Tenants' Assembly")],
        )
    )
    return one


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    database_url_argument(parser)
    parser.add_argument("--book", type=int, default=10, help="statements in the book")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"No corpus at {CORPUS}: the long text comes from there.")
    media = tempfile.mkdtemp(prefix="bench-editions-")
    env = bench_environment(args.database_url, MEDIA_ROOT=media)
    run_on_fresh_database(args, env, run)


def run(args) -> None:
    from statements.core.pandoc import MARKDOWN_READER, pandoc_convert
    from statements.editions.bookbuilder import Book, book_file, book_statements
    from statements.editions.services import EditionOptions, edition_get
    from statements.models import Statement

    files = corpus_files()
    small = [p for p in files if p.stat().st_size < 60_000][: args.book]
    longest = files[-1]
    one = load([*small, longest])
    long = max(Statement.objects.published(), key=lambda s: len(s.body))
    print(f"long text: {long.title[:60]} ({len(long.body):,} characters); "
          f"one page: {len(one.body):,} characters")  # fmt: skip
    print(f"{'what':44} {'floor':>8} {'cold':>8} {'kept':>8}   (seconds)")
    for statement, label in ((one, "one page"), (long, "long text")):
        floor = timed(lambda s=statement: pandoc_convert(s.body, source=MARKDOWN_READER, to="html"))
        for fmt, options, name in (
            ("epub", EditionOptions(paper=""), "EPUB"),
            ("pdf", EditionOptions(), "PDF, A4"),
            ("pdf", EditionOptions(paper="a5", imposed="a5-booklet"), "PDF, A5 booklet"),
        ):
            s = Statement.objects.get(pk=statement.pk)
            cold = timed(lambda s=s, f=fmt, o=options: edition_get(s, fmt=f, options=o))
            kept = timed(lambda s=s, f=fmt, o=options: edition_get(s, fmt=f, options=o))
            print(f"{label + ': ' + name:44} {floor:8.2f} {cold:8.2f} {kept:8.3f}")
    slugs = [s.slug for s in Statement.objects.published().exclude(pk__in=[long.pk, one.pk])]
    for label, chosen in ((f"book of {len(slugs)}", slugs), (f"book of {len(slugs) + 1}, "
                          "the long text first", [long.slug, *slugs])):  # fmt: skip
        statements, _ = book_statements(slugs=chosen, bodies=True)
        book = Book(title="Bench book", statements=statements)
        body = "\n\n".join(s.body for s in statements)
        floor = timed(lambda b=body: pandoc_convert(b, source=MARKDOWN_READER, to="html"))
        for fmt, options, name in (
            ("epub", EditionOptions(paper=""), "EPUB"),
            ("pdf", EditionOptions(), "PDF, A4"),
        ):
            try:
                cold = timed(lambda b=book, f=fmt, o=options: book_file(b, fmt=f, options=o))
                kept = timed(lambda b=book, f=fmt, o=options: book_file(b, fmt=f, options=o))
                print(f"{label + ': ' + name:44} {floor:8.2f} {cold:8.2f} {kept:8.3f}")
            except Exception as error:
                print(f"{label + ': ' + name:44} {floor:8.2f}   {error}")


if __name__ == "__main__":
    main()
