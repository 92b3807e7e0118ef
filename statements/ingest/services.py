"""Imports: files (name, bytes) to statements, each file atomically, with the report of what
was created, updated, left unchanged or refused, and the file kept as provenance."""

from __future__ import annotations

import datetime
import hashlib
import logging
import multiprocessing
import os
import re
import time
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from statements.catalog.changes import public_pages_changed
from statements.catalog.duplicates import pairs_among
from statements.catalog.revisions import revision_context
from statements.core.fingerprints import text_fingerprint
from statements.ingest.files import parse_bytes
from statements.ingest.formats.common import ImportFailure, NotImported
from statements.ingest.matching import ImportEntry, records_write
from statements.models import ImportedFile


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), file by file."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)  # not imported: the archive has it
    sourced: list[str] = field(default_factory=list)  # not imported: a source of its twin
    skipped: list[str] = field(default_factory=list)  # not imported: stopped first
    ignored: list[tuple[str, str]] = field(default_factory=list)  # holds no statement: why
    stopped: str = ""  # why the import stopped before the end, for a person to read
    entries: list[ImportEntry] = field(default_factory=list)  # one per statement read


def statement_import(
    *,
    files: Iterable[tuple[str, object]],
    format: str | None = None,
    status: str | None = None,
    dry_run: bool = False,
    fail_fast: bool = False,
    now: datetime.datetime | None = None,
    seconds: float | None = None,
    writers: int = 1,
    processes: bool = False,
    duplicates: str = "new",
) -> ImportReport:
    """Import files (name, bytes): each one atomically, so a file that fails changes
    nothing, and the others go on. A statement is known by its slug (from the Muse file's
    name, the JSON line's slug, or the title): a known one is updated, or left alone when
    the file says nothing new. ``status`` forces draft or published; by default JSON Lines
    keep theirs and other formats come in as drafts. A dry run writes nothing. With
    ``fail_fast`` the first failing file stops the import (the files before it stay in).

    Every statement created or updated keeps the file it was read from, byte for byte, with
    its SHA-256 (``ImportedFile``; a JSON Lines file is kept once for all its lines).

    With ``seconds``, no file is started once that time has passed (one at least is): the
    rest are reported as skipped, with the reason in ``stopped``.

    With ``writers`` above 1 (and outside any transaction, not a dry run, not fail-fast),
    that many files are written at once, each on its own connection (see
    ``_import_concurrently``). With ``processes``, a large batch is parsed by worker
    processes (see ``_parsed_ahead``): for commands, never inside a threaded web worker."""
    report = ImportReport()
    now = now or timezone.now()
    deadline = None if seconds is None else time.monotonic() + seconds
    handled: set[str] = set()
    stream = _parsed_ahead(files, format, processes)
    concurrent = writers > 1 and not (dry_run or fail_fast or connection.in_atomic_block)
    try:
        if concurrent:
            _import_concurrently(
                report, stream, handled, deadline, status, now, writers, duplicates
            )
        else:
            for name, raw, parsed in stream:
                if deadline is not None and handled and time.monotonic() > deadline:
                    report.stopped = _OUT_OF_TIME
                    break
                handled.add(name)
                _import_one(report, name, raw, parsed, status, now, dry_run, fail_fast, duplicates)
    finally:
        stream.close()
    if report.stopped == _OUT_OF_TIME:
        report.stopped = f"the {seconds:g} seconds an import may take here ran out"
    if report.stopped and isinstance(files, Sequence):
        report.skipped += [name for name, _raw in files if name not in handled]
    if not dry_run and len(report.created) > 1:
        # Texts written at once did not see each other: compared now, all together. The
        # import is committed: a failure here loses a list the next scan makes again.
        try:
            pairs_among(
                [
                    (entry.statement_id, entry.fingerprint, entry.data.language)
                    for entry in report.entries
                    if entry.action == "created" and entry.fingerprint is not None
                ]
            )
        except DatabaseError:
            logger.exception("pairs among the import's new statements not recorded")
    if not dry_run and (report.created or report.updated or report.sourced):
        public_pages_changed(
            statements=[
                entry.statement_id
                for entry in report.entries
                if entry.action != "unchanged" and entry.statement_id is not None
            ]
        )
    return report


_OUT_OF_TIME = "out of time"
logger = logging.getLogger(__name__)


def statements_coming(files: Iterable[tuple[str, object]]) -> int:
    """About how many statements the files hold: a JSON Lines file's lines, one a file
    otherwise. An estimate: it decides whether a command's import builds the phrase index
    after it rather than row by row (catalog.phrase_index)."""
    count = 0
    for name, raw in files:
        lines = name.lower().endswith((".jsonl", ".ndjson")) and isinstance(raw, bytes)
        count += raw.count(b"\n") + 1 if lines else 1
    return count


def _import_concurrently(
    report, stream, handled, deadline, status, now, writers, duplicates
) -> None:
    """Files written ``writers`` at a time, each by a thread with its own database
    connection: parsing a body into its search vectors is most of an import's cost, and a
    connection's server process uses one core. Each file is still one transaction; a file
    that meets another's new author, tag, slug or words half-way (a unique key, or a
    deadlock) is written again once the other has committed, up to twice. The report keeps
    the files' order."""

    def write(name, raw, parsed) -> ImportReport:
        try:
            for attempt in range(_CONFLICT_ATTEMPTS):
                part = ImportReport()
                try:
                    last = attempt + 1 == _CONFLICT_ATTEMPTS
                    _import_one(
                        part, name, raw, parsed, status, now, False, False, duplicates, not last
                    )
                    return part
                except (IntegrityError, OperationalError):
                    time.sleep(0.05 * (attempt + 1))
            return part
        finally:
            connection.close()  # this thread's own connection

    def merge(part: ImportReport) -> None:
        for name in ("created", "updated", "unchanged", "duplicate", "sourced", "failed",
                     "notes", "ignored", "entries"):  # fmt: skip
            getattr(report, name).extend(getattr(part, name))

    with ThreadPoolExecutor(max_workers=writers) as pool:
        window: deque = deque()
        for name, raw, parsed in stream:
            if deadline is not None and handled and time.monotonic() > deadline:
                report.stopped = _OUT_OF_TIME
                break
            handled.add(name)
            window.append(pool.submit(write, name, raw, parsed))
            while len(window) > 2 * writers:
                merge(window.popleft().result())
        while window:
            merge(window.popleft().result())


_CONFLICT_ATTEMPTS = 3
_TOO_MANY_WORDS = re.compile(r"too long for tsvector \((\d+) bytes, max (\d+) bytes\)")


def _refusal(error: Exception) -> str:
    """Why the database refused a file, in an editor's words where they are known."""
    if found := _TOO_MANY_WORDS.search(str(error)):
        return _(
            "too many different words for the search index (PostgreSQL keeps at most "
            "%(most)s bytes of them; this text needs %(needed)s): split it into parts"
        ) % {"most": f"{int(found[2]):,}", "needed": f"{int(found[1]):,}"}
    return (_("refused by the database: %(error)s") % {"error": error}).splitlines()[0]


def _import_one(
    report, name, raw, parsed, status, now, dry_run, fail_fast, duplicates, conflicts_raise=False
) -> None:
    """One file into the report: imported atomically, or failed with the reason. With
    ``conflicts_raise``, a unique key or a deadlock met is raised, for a second try."""
    if fail_fast and report.failed:
        report.skipped.append(name)
        report.stopped = "a file failed (--fail-fast)"
        return
    if isinstance(parsed, NotImported):  # an image, a style sheet: said, not a failure
        report.ignored.append((name, str(parsed)))
        return
    if isinstance(parsed, ImportFailure):  # unreadable, or refused before parsing
        report.failed.append((name, str(parsed)))
        return
    try:
        original = _ImportedFileLater(name, raw, parsed[0].format)
        # Every statement the file writes is a revision made by "import <its SHA-256>".
        with revision_context(by=f"import {original.digest}"), transaction.atomic():
            outcome = records_write(
                parsed, status=status, now=now, original=original, duplicates=duplicates
            )
            if dry_run:
                transaction.set_rollback(True)
    except ImportFailure as error:
        report.failed.append((name, str(error)))
        return
    except ValidationError as error:
        report.failed.append((name, "; ".join(error.messages)))
        return
    except (IntegrityError, OperationalError) as error:
        if conflicts_raise and not _TOO_MANY_WORDS.search(str(error)):
            raise
        report.failed.append((name, _refusal(error)))
        return
    except DatabaseError as error:
        report.failed.append((name, _refusal(error)))
        return
    except ValueError as error:
        report.failed.append((name, str(error)))
        return
    for entry in outcome:
        getattr(report, entry.action).append(f"{entry.name} → {entry.data.slug}")
        if dry_run and entry.action == "created":
            entry.statement_id = None  # rolled back: it does not exist
        report.entries.append(entry)
    report.notes += [(item.name, note) for item in parsed for note in item.notes]


class _ImportedFileLater:
    """The ImportedFile row of a file, written only when a statement of it is saved (an
    unchanged file leaves no row) and once however many statements it holds."""

    def __init__(self, name: str, raw: bytes, format: str) -> None:
        self.name, self.raw, self.format = name, raw, format
        self.digest = hashlib.sha256(raw).hexdigest()
        self.row: ImportedFile | None = None

    def get(self) -> ImportedFile:
        if self.row is None:
            self.row = ImportedFile.objects.filter(sha256=self.digest).defer("content").first()
            if self.row is None:
                self.row = ImportedFile.objects.create(
                    sha256=self.digest,
                    name=self.name[-500:],
                    format=self.format,
                    size=len(self.raw),
                    content=self.raw,
                )
        return self.row


def _parse(name, raw, format, language=None):
    """One file parsed, or the failure with its reason (in a thread or a worker process),
    its notes in ``language`` (the editor's: threads and processes start with none)."""
    with translation.override(language):
        return _parse_now(name, raw, format)


def _parse_now(name, raw, format):
    if isinstance(raw, ImportFailure):
        return raw
    try:
        parsed = parse_bytes(raw, name=name, format=format)
    except ImportFailure as error:
        return error
    except (ValueError, LookupError, TypeError) as error:  # no traceback for a bad file
        return ImportFailure(
            _("could not be read (%(kind)s: %(error)s)")
            % {"kind": type(error).__name__, "error": error}
        )
    if isinstance(parsed, list):
        # Where it is parsed (a worker process, for a large batch): its fingerprint, to
        # compare it with the archive's texts (statements.catalog.duplicates).
        for item in parsed:
            item.fingerprint = text_fingerprint(item.data.body)
    return parsed


PROCESS_POOL_FILES = 8  # from this many files on, parsing runs in worker processes


def _parsed_ahead(files, format, processes=False):
    """(name, raw bytes, [ParsedFile] or ImportFailure) in the files' order, parsed a few
    files ahead while this thread writes. With ``processes``, a batch of PROCESS_POOL_FILES
    files or more is parsed by a pool of processes, one per core (the Python side of
    reading a Muse file, its plain paragraphs and language, holds the interpreter; pandoc
    itself is a separate process anyway); otherwise by threads, which start at once."""
    workers = max(2, os.cpu_count() or 2)
    many = processes and hasattr(files, "__len__") and len(files) >= PROCESS_POOL_FILES
    pool: Executor
    language = translation.get_language()
    if many and "fork" in multiprocessing.get_all_start_methods():
        # Forked: the workers have this process's settings as they stand (a test's
        # overrides too), and never touch its database connection.
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    else:
        pool = ThreadPoolExecutor(max_workers=workers)
    try:
        window: deque = deque()
        for name, raw in files:
            window.append((name, raw, pool.submit(_parse, name, raw, format, language)))
            if len(window) > 2 * workers:
                name_done, raw_done, future = window.popleft()
                yield name_done, raw_done, future.result()
        while window:
            name_done, raw_done, future = window.popleft()
            yield name_done, raw_done, future.result()
    finally:
        # Closed early (the time ran out): what has not started never starts, and the
        # conversions under way (each bounded, see core.pandoc) finish without anyone waiting.
        pool.shutdown(wait=False, cancel_futures=True)
