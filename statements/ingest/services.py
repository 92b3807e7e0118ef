"""Imports: files (name, bytes) to statements, each file atomically, with the report of what
was created, updated, left unchanged or refused, and the file kept as provenance."""

from __future__ import annotations

import datetime
import difflib
import hashlib
import itertools
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
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.text import slugify

from statements.catalog.changes import public_pages_changed
from statements.catalog.names import names_existing
from statements.catalog.revisions import revision_context
from statements.catalog.services import slug_free, statement_bulk_create, statement_replace
from statements.core.records import StatementData
from statements.ingest.files import parse_bytes
from statements.ingest.formats.common import ImportFailure
from statements.ingest.formats.jsonl import data_record, statement_record
from statements.models import Author, Authorship, ImportedFile, Statement, Tag


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), file by file."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # not imported: stopped first
    stopped: str = ""  # why the import stopped before the end, for a person to read
    entries: list[ImportEntry] = field(default_factory=list)  # one per statement read


@dataclass
class ImportEntry:
    """One statement of an import: what the file holds, whether it creates a statement or
    updates (or leaves alone) one already in the archive, and for an update what changes."""

    name: str
    format: str
    action: str  # "created", "updated" or "unchanged"
    data: StatementData
    notes: list[str]
    statement_id: int | None = None  # None for a statement a dry run would create
    status: str = ""  # the statement's status: an import never changes it
    changed: list[str] = field(default_factory=list)  # the fields that differ
    body_diff: list[str] = field(default_factory=list)  # unified diff lines of the text


MAX_DIFF_LINES = 400


def _changes(before: dict, after: dict) -> tuple[list[str], list[str]]:
    """The fields two records differ in, and the diff of their texts (at most
    MAX_DIFF_LINES lines)."""
    changed = [key for key in after if key != "format" and before.get(key) != after[key]]
    diff = []
    if "body" in changed:
        lines = difflib.unified_diff(
            before["body"].splitlines(),
            after["body"].splitlines(),
            "archive",
            "file",
            n=1,
            lineterm="",
        )
        diff = list(itertools.islice(lines, 2, MAX_DIFF_LINES + 2))  # without the file names
    return changed, diff


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
            _import_concurrently(report, stream, handled, deadline, status, now, writers)
        else:
            for name, raw, parsed in stream:
                if deadline is not None and handled and time.monotonic() > deadline:
                    report.stopped = _OUT_OF_TIME
                    break
                handled.add(name)
                _import_one(report, name, raw, parsed, status, now, dry_run, fail_fast)
    finally:
        stream.close()
    if report.stopped == _OUT_OF_TIME:
        report.stopped = f"the {seconds:g} seconds an import may take here ran out"
    if report.stopped and isinstance(files, Sequence):
        report.skipped += [name for name, _raw in files if name not in handled]
    if not dry_run and (report.created or report.updated):
        public_pages_changed(
            statements=[
                entry.statement_id
                for entry in report.entries
                if entry.action != "unchanged" and entry.statement_id is not None
            ]
        )
    return report


_OUT_OF_TIME = "out of time"


def _import_concurrently(report, stream, handled, deadline, status, now, writers) -> None:
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
                    _import_one(part, name, raw, parsed, status, now, False, False, not last)
                    return part
                except (IntegrityError, OperationalError):
                    time.sleep(0.05 * (attempt + 1))
            return part
        finally:
            connection.close()  # this thread's own connection

    def merge(part: ImportReport) -> None:
        for name in ("created", "updated", "unchanged", "failed", "notes", "entries"):
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
        return (
            "too many different words for the search index (PostgreSQL keeps at most "
            f"{int(found[2]):,} bytes of them; this text needs {int(found[1]):,}): "
            "split it into parts"
        )
    return f"refused by the database: {error}".splitlines()[0]


def _import_one(
    report, name, raw, parsed, status, now, dry_run, fail_fast, conflicts_raise=False
) -> None:
    """One file into the report: imported atomically, or failed with the reason. With
    ``conflicts_raise``, a unique key or a deadlock met is raised, for a second try."""
    if fail_fast and report.failed:
        report.skipped.append(name)
        report.stopped = "a file failed (--fail-fast)"
        return
    if isinstance(parsed, ImportFailure):  # unreadable, or refused before parsing
        report.failed.append((name, str(parsed)))
        return
    try:
        original = _ImportedFileLater(name, raw, parsed[0].format)
        # Every statement the file writes is a revision made by "import <its SHA-256>".
        with revision_context(by=f"import {original.digest}"), transaction.atomic():
            outcome = _import_parsed(parsed, status, now, original)
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


def _parse(name, raw, format):
    """One file parsed, or the failure with its reason (in a thread or a worker process)."""
    if isinstance(raw, ImportFailure):
        return raw
    try:
        return parse_bytes(raw, name=name, format=format)
    except ImportFailure as error:
        return error
    except (ValueError, LookupError, TypeError) as error:  # no traceback for a bad file
        return ImportFailure(f"could not be read ({type(error).__name__}: {error})")


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
    if many and "fork" in multiprocessing.get_all_start_methods():
        # Forked: the workers have this process's settings as they stand (a test's
        # overrides too), and never touch its database connection.
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    else:
        pool = ThreadPoolExecutor(max_workers=workers)
    try:
        window: deque = deque()
        for name, raw in files:
            window.append((name, raw, pool.submit(_parse, name, raw, format)))
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


def _import_parsed(parsed, status, now, original: _ImportedFileLater) -> list[ImportEntry]:

    outcome, new_items = [], []
    for item in parsed:
        data = item.data
        data.title = " ".join(data.title.split())
        data.slug = data.slug or slugify(data.title, allow_unicode=True)[:255]
        if status:
            data.status = status
        elif item.format != "jsonl":
            data.status = Statement.Status.DRAFT
        if "deleted" in data.metadata:
            data.status = Statement.Status.DRAFT  # withdrawn in Amusewiki: never public
        if data.status == Statement.Status.PUBLISHED and data.published_at is None:
            data.published_at = now
    slugs = [item.data.slug for item in parsed]
    candidates = Q(slug__in=slugs)
    if parsed[0].format != "jsonl":
        # Files of other sites may share a name (every Amusewiki site has an about.muse):
        # a statement is the same text when its title matches, whether under the name's
        # slug or under the numbered one a namesake got.
        for slug in slugs:
            candidates |= Q(slug__regex=rf"^{re.escape(slug)}-[0-9]+$")
    existing = list(
        Statement.objects.filter(candidates).prefetch_related(
            Prefetch("authorships", queryset=Authorship.objects.select_related("author")),
            "sources",
            "tags",
        )
    )
    by_slug = {s.slug: s for s in existing}
    taken = set(by_slug)
    authors, tags = _names_kept(parsed) if existing else ({}, {})
    for item in parsed:
        data = item.data
        statement = by_slug.get(data.slug)
        if item.format != "jsonl":
            same = [
                s
                for s in existing
                if s.title.casefold() == data.title.casefold()
                and (s.slug == data.slug or s.slug.startswith(data.slug + "-"))
            ]
            statement = same[0] if same else None
            if statement is not None:
                data.slug = statement.slug
            elif data.slug in taken:
                data.slug = slug_free(data.slug, taken)
                item.notes.append(f"a different text has this name: saved as {data.slug}")
        taken.add(data.slug)
        entry = ImportEntry(item.name, item.format, "created", data, item.notes)
        outcome.append(entry)
        if statement is None:
            data.imported_from = original.get()
            new_items.append(data)
            entry.status = data.status
            continue
        entry.statement_id, entry.status = statement.pk, statement.status
        # Importing again never changes the record's standing: a published statement stays
        # published (and keeps its publication time), a draft stays a draft; and a name that
        # differs only in case, spacing or accents is the archive's name.
        data.status, data.published_at = statement.status, statement.published_at
        _as_the_archive_spells_it(data, authors, tags)
        before, after = statement_record(statement), data_record(data)
        if before == after:
            entry.action = "unchanged"
        else:
            entry.action = "updated"
            entry.changed, entry.body_diff = _changes(before, after)
            data.imported_from = original.get()
            statement_replace(statement=statement, data=data)
    if new_items:
        created = iter(statement_bulk_create(items=new_items))
        for entry in outcome:
            if entry.action == "created":
                made = next(created)
                entry.statement_id, entry.data.slug = made.pk, made.slug
    return outcome


def _names_kept(parsed) -> tuple[dict, dict]:
    """The archive's authors and tags for every name the parsed records give."""
    authors = names_existing(
        model=Author, names=(c.name for item in parsed for c in item.data.credits)
    )
    tags = names_existing(model=Tag, names=(t for item in parsed for t in item.data.tags))
    return authors, tags


def _as_the_archive_spells_it(data, authors: dict, tags: dict) -> None:
    """The record's names as the archive has them, and its authors' kinds as editors set
    them, so that comparing it with the statement sees only real changes."""
    for credit in data.credits:
        found = authors.get(" ".join(credit.name.split()))
        if found is not None:
            credit.name, credit.kind = found.name, found.kind
    data.tags = [
        tags[name].name if name in tags else name
        for name in (" ".join(tag.split()) for tag in data.tags)
    ]
