import os

from django.core.management.base import BaseCommand, CommandError

from statements.cache import PageCacheUnreachable, page_cache_reach_check
from statements.catalog.phrase_index import phrase_index_deferred
from statements.ingest.files import FORMATS, import_files
from statements.ingest.services import statement_import, statements_coming

PROGRESS_FROM_FILES = 3


class Command(BaseCommand):
    help = (
        "Import statements from Muse (.muse), text or Markdown exports (.txt, .md), web pages "
        "(.html) and JSON "
        "Lines (.jsonl): files, folders (recursively) and .zip archives. Each file is "
        "imported whole or not at all; the format is read from the content, and a file of "
        "another extension (.php) is read when it holds HTML, Muse or JSON Lines."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--format", choices=FORMATS, help="skip detection: read as this")
        parser.add_argument(
            "--status",
            choices=["draft", "published"],
            help="the status of new statements (default: JSON Lines keep theirs, other "
            "formats come in as drafts); a statement already in the archive keeps its own",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, write nothing"
        )
        parser.add_argument(
            "--writers",
            type=int,
            default=max(1, min(4, os.cpu_count() or 1)),
            help="files written at once, each on its own database connection (default: the "
            "number of cores, at most 4)",
        )
        parser.add_argument(
            "--duplicates",
            choices=["new", "skip", "source"],
            default="new",
            help="a new text that looks like one in the archive is imported as a new "
            "statement and listed among the possible duplicates (new, the default), not "
            "imported (skip), or recorded as another source of the statement there (source)",
        )
        parser.add_argument(
            "--fail-fast",
            action="store_true",
            help="stop at the first file that fails (the files before it stay imported)",
        )

    def handle(
        self, *args, paths, format, status, dry_run, fail_fast, writers, duplicates, **options
    ):
        from tqdm import tqdm

        if not dry_run:
            try:
                page_cache_reach_check()
            except PageCacheUnreachable as error:
                raise CommandError(str(error)) from None
        files = list(import_files(paths))
        if not files:
            raise CommandError("Nothing to import: no file found.")
        # A bar with an ETA on a terminal for more than a few files; nothing in logs or pipes.
        quiet = True if len(files) <= PROGRESS_FROM_FILES else None  # None: only on a terminal
        bar = tqdm(files, unit="file", disable=quiet, file=self.stderr._out, leave=False)
        if writers < 1:
            raise CommandError("--writers must be 1 or more.")
        # A large import builds the phrase index after it rather than row by row.
        with phrase_index_deferred(rows=0 if dry_run else statements_coming(files)):
            report = statement_import(
                files=bar,
                format=format,
                status=status,
                dry_run=dry_run,
                fail_fast=fail_fast,
                writers=writers,
                processes=True,
                duplicates=duplicates,
            )
        verb = "would be" if dry_run else "were"
        for label, names in (
            ("created", report.created),
            ("updated", report.updated),
            ("not imported, already in the archive", report.duplicate),
            ("not imported, a source added", report.sourced),
        ):
            for name in names:
                self.stdout.write(f"{label}: {name}")
        # One line per warning, by file and (where the reading knows it) line.
        for name, note in report.notes:
            self.stdout.write(f"warning: {name}: {note}")
        for name, reason in report.ignored:
            self.stdout.write(f"not read: {name}: {reason}")
        for name, reason in report.failed:
            self.stderr.write(f"failed: {name}: {reason}")
        if report.skipped:
            self.stderr.write(
                f"stopped at the first failure (--fail-fast): {len(report.skipped)} files not read"
            )
        summary = (
            f"{len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.failed)} failed"
            f"{f', {len(report.duplicate)} already in the archive' if report.duplicate else ''}"
            f"{f', {len(report.sourced)} recorded as sources' if report.sourced else ''}"
            f"{f', {len(report.ignored)} not read' if report.ignored else ''}"
            f"{f', {len(report.notes)} warnings' if report.notes else ''}"
            f" ({'dry run: nothing ' + verb + ' written' if dry_run else 'done'})."
        )
        if report.failed:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
