"""The git mirror: the public archive as a git repository anyone can clone, one commit per
public version of every published statement, in time order (gitfiles says what the files
hold).

A run is incremental: the repository keeps, beside its objects, what it was built from
(``archive-mirror.json``: each commit's statement, version, time and public state). A new run
reads only what changed since the last one (the history's event tables, the redaction log,
publications that came due) and, where every commit already made still stands, adds the new
versions on top. Where one no longer stands (a version hidden or suppressed, a person
removed, a statement taken down, its address changed) the history is rewritten: built anew
beside the old one, then put in its place, so that the removed content is in no commit and
in no object the site serves. Commits are made the same way each time (their dates are the
versions'), so a rewritten history keeps every commit before the first change.
"""

from __future__ import annotations

import datetime
import json
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Q
from django.utils import timezone
from dulwich.objects import Blob, Commit, ShaFile, Tree
from dulwich.repo import Repo
from dulwich.server import update_server_info

from statements.catalog.revisions import Revision, statement_as_of, statement_revisions
from statements.copies import gitfiles
from statements.copies.versions import public_versions
from statements.models import (
    AuthorshipEvent,
    Redaction,
    SourceEvent,
    Statement,
    StatementBodyEvent,
    StatementEvent,
    TaggingEvent,
    tags_by_name,
)

STATE = "archive-mirror.json"
BRANCH = b"refs/heads/main"
# Changes are read back from this long before the last run's start: a transaction that began
# before it and committed after carries its start time (now()), earlier than the run.
MARGIN = datetime.timedelta(hours=1)
# The revisions of this many statements are kept while commits are written (most have one).
REVISIONS_KEPT = 1000
# Objects are written a pack at a time, at most this many bytes of them held in memory.
BATCH_BYTES = 32 << 20
FILE, DIRECTORY = 0o100644, 0o040000
# Acts on captures change nothing the mirror holds.
CAPTURE_ACTS = (Redaction.Act.HIDE_CAPTURE, Redaction.Act.UNHIDE_CAPTURE,
                Redaction.Act.SUPPRESS_CAPTURE)  # fmt: skip


@dataclass(frozen=True, order=True)
class Entry:
    """One commit: a public version of a statement, and what its file depends on beyond the
    version itself (the address, whether signatories are listed, whether it is withheld)."""

    at: str
    statement: int
    number: int
    withheld: str
    slug: str
    signatories_public: bool

    def row(self) -> list:
        return [self.at, self.statement, self.number, self.withheld, self.slug,
                self.signatories_public]  # fmt: skip


@dataclass
class MirrorReport:
    commits_added: int = 0
    commits: int = 0
    rewritten: bool = False
    reason: str = ""
    head: str = ""

    def summary(self) -> str:
        if self.rewritten:
            what = f"history rewritten ({self.reason}): {self.commits:,} commits"
        elif self.commits_added:
            what = f"{self.commits_added:,} new commits, {self.commits:,} in all"
        else:
            what = f"up to date, {self.commits:,} commits"
        return what + (f", head {self.head[:12]}" if self.head else "")


def _entries(statements: dict[int, Statement], ids) -> list[Entry]:
    """The public versions of these statements as commits (a query per thousand)."""
    entries = []
    for pk, versions in public_versions(sorted(ids)).items():
        statement = statements[pk]
        for number, at, withheld in versions:
            entries.append(Entry(_stamp(at), pk, number, withheld, statement.slug,
                                 statement.signatories_public))  # fmt: skip
    return entries


def _stamp(at: datetime.datetime) -> str:
    # Always with microseconds: the entries are ordered by this text.
    return at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


class Trees:
    """The working tree as nested folders of blob ids; only the folders changed since the
    last commit are written again."""

    def __init__(self) -> None:
        self.root: dict = {}
        self.dirty: set[tuple[str, ...]] = {()}
        self.ids: dict[tuple[str, ...], bytes] = {}

    def set(self, path: tuple[str, ...], blob: bytes | None) -> None:
        folder = self.root
        for depth, name in enumerate(path[:-1]):
            self.dirty.add(path[:depth])
            folder = folder.setdefault(name, {})
        self.dirty.add(path[:-1])
        if blob is None:
            folder.pop(path[-1], None)
        else:
            folder[path[-1]] = blob

    def write(self, out: list[ShaFile]) -> bytes:
        return self._write((), self.root, out)

    def _write(self, path: tuple[str, ...], folder: dict, out: list[ShaFile]) -> bytes:
        if path not in self.dirty and path in self.ids:
            return self.ids[path]
        tree = Tree()
        for name, value in list(folder.items()):
            if isinstance(value, dict):
                if not value:
                    del folder[name]
                    continue
                tree.add(name.encode(), DIRECTORY, self._write((*path, name), value, out))
            else:
                tree.add(name.encode(), FILE, value)
        out.append(tree)
        self.dirty.discard(path)
        self.ids[path] = tree.id
        return tree.id

    def load(self, repo: Repo, tree_id: bytes, path: tuple[str, ...] = ()) -> None:
        for item in repo[tree_id].items():
            name = item.path.decode()
            if item.mode == DIRECTORY:
                self.load(repo, item.sha, (*path, name))
            else:
                self.set((*path, name), item.sha)


@dataclass
class Builder:
    """Writes commits for entries, in order, on top of a repository's branch."""

    repo: Repo
    trees: Trees = field(default_factory=Trees)
    head: bytes | None = None
    paths: dict[str, list[str]] = field(default_factory=dict)  # statement -> its file
    credited: dict[str, list[str]] = field(default_factory=dict)  # statement -> authors
    tagged: dict[str, dict[str, str]] = field(default_factory=dict)  # statement -> tags
    pending: list[ShaFile] = field(default_factory=list)
    revisions: dict[int, list[Revision]] = field(default_factory=dict)
    pending_bytes: int = 0

    def __post_init__(self) -> None:
        self.count()

    def _blob(self, data: bytes) -> bytes:
        blob = Blob.from_string(data)
        self.pending.append(blob)
        return blob.id

    def start(self) -> None:
        self.trees.set(("README.md",), self._blob(gitfiles.readme_file()))

    def add(self, entry: Entry, statements: dict[int, Statement]) -> None:
        start = len(self.pending)
        current = statements[entry.statement]
        if entry.statement not in self.revisions:
            if len(self.revisions) >= REVISIONS_KEPT:
                del self.revisions[next(iter(self.revisions))]  # the longest kept
            self.revisions[entry.statement] = statement_revisions(statement_id=entry.statement)
        revision = self.revisions[entry.statement][entry.number - 1]
        key = str(entry.statement)
        old_path = tuple(self.paths.get(key, ()))
        title = ""
        if entry.withheld:
            path = old_path or gitfiles.statement_path(entry.slug, current.date_start and
                                                      current.date_start.year)  # fmt: skip
            data = gitfiles.withheld_file(revision, slug=entry.slug)
            authors: dict[str, object] = {}
            tags: dict[str, str] = {}
        else:
            past = statement_as_of(statement_id=entry.statement, revision=revision)
            if past is None:  # a public revision is never a deletion
                raise RuntimeError(f"Statement {entry.statement} has no version {entry.number}")
            past.slug = entry.slug
            past.signatories_public = past.signatories_public and entry.signatories_public
            title = past.title
            year = past.date_start.year if past.date_start else None
            path = gitfiles.statement_path(entry.slug, year)
            data = gitfiles.version_file(past, revision, slug=entry.slug)
            authors = {c.author.slug: c.author for c in past.public_authorships}
            tags = {tag.slug: tag.name for tag in tags_by_name(past)}
        if old_path and old_path != path:
            self.trees.set(old_path, None)
        self.trees.set(path, self._blob(data))
        self.paths[key] = list(path)
        self._authors(key, authors)
        self._tags(key, tags)
        author, committer = gitfiles.committer(revision)
        commit = Commit()
        commit.tree = self.trees.write(self.pending)
        commit.parents = [self.head] if self.head else []
        commit.author, commit.committer = author, committer
        commit.author_time = commit.commit_time = int(revision.at.timestamp())
        commit.author_timezone = commit.commit_timezone = 0
        commit.encoding = b"UTF-8"
        commit.message = gitfiles.commit_message(
            revision,
            slug=entry.slug,
            title=title,
            withheld=bool(entry.withheld),
            first=not old_path,
        )
        self.pending.append(commit)
        self.head = commit.id
        self.pending_bytes += sum(obj.raw_length() for obj in self.pending[start:])
        if self.pending_bytes >= BATCH_BYTES:
            self.flush()

    def count(self) -> None:
        """How many statements in the tree credit each author and carry each tag."""
        self.authors_count = Counter(s for slugs in self.credited.values() for s in slugs)
        self.tags_count = Counter(s for tags in self.tagged.values() for s in tags)

    def _authors(self, key: str, authors: dict) -> None:
        before = set(self.credited.get(key, ()))
        self.credited[key] = sorted(authors)
        self.authors_count.update(set(authors) - before)
        for slug, author in authors.items():  # their details as the archive holds them now
            self.trees.set(gitfiles.author_path(slug), self._blob(gitfiles.author_file(author)))
        for slug in before - set(authors):
            self.authors_count[slug] -= 1
            if self.authors_count[slug] <= 0:
                del self.authors_count[slug]
                self.trees.set(gitfiles.author_path(slug), None)

    def _tags(self, key: str, tags: dict[str, str]) -> None:
        before = self.tagged.get(key, {})
        self.tagged[key] = tags
        for slug, name in tags.items():
            if slug not in before:
                self.tags_count[slug] += 1
            if self.tags_count[slug] == 1 or before.get(slug, name) != name:  # new, or renamed
                self.trees.set(gitfiles.tag_path(slug), self._blob(gitfiles.tag_file(slug, name)))
        for slug in set(before) - set(tags):
            self.tags_count[slug] -= 1
            if self.tags_count[slug] <= 0:
                del self.tags_count[slug]
                self.trees.set(gitfiles.tag_path(slug), None)

    def flush(self) -> None:
        if self.pending:
            self.repo.object_store.add_objects([(obj, None) for obj in self.pending])
            self.pending, self.pending_bytes = [], 0

    def finish(self) -> None:
        self.flush()
        if self.head is not None:
            self.repo.refs[BRANCH] = self.head
        self.repo.refs.set_symbolic_ref(b"HEAD", BRANCH)
        if self.repo.object_store.count_pack_files() > 16:
            self.repo.object_store.repack()
        update_server_info(self.repo)


def _published() -> dict[int, Statement]:
    rows = Statement.objects.published().only("pk", "slug", "signatories_public", "date_start")
    return {statement.pk: statement for statement in rows}


def _touched(since: datetime.datetime) -> set[int]:
    """Statements with an event (text, details, credits, sources, tags) since ``since``, or
    whose publication time came since."""
    after = {"pgh_created_at__gt": since}
    touched = set(StatementEvent.objects.filter(**after).values_list("pgh_obj_id", flat=True))
    touched |= set(StatementBodyEvent.objects.filter(**after).values_list("pgh_obj_id", flat=True))
    for model, key in ((AuthorshipEvent, "statement_id"), (SourceEvent, "statement_id"),
                       (TaggingEvent, "content_object_id")):  # fmt: skip
        touched |= set(model.objects.filter(**after).values_list(key, flat=True))
    came_due = Q(published_at__gt=since, published_at__lte=timezone.now())
    touched |= set(Statement.objects.filter(came_due).values_list("pk", flat=True))
    return touched


def _acts(since: datetime.datetime) -> set[int]:
    """The redaction acts since ``since`` that change what the mirror may hold."""
    acts = Redaction.objects.filter(done_at__gt=since).exclude(act__in=CAPTURE_ACTS)
    return set(acts.values_list("pk", flat=True))


def _state(folder: Path) -> dict | None:
    try:
        return json.loads((folder / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _save(folder: Path, state: dict, started: datetime.datetime) -> None:
    """The state, read up to ``started``, with the acts the mirror has taken in: those of
    the last hour by number (one still committing may carry an earlier time)."""
    state |= {"as_of": started.isoformat(), "acts": sorted(_acts(started - MARGIN))}
    (folder / STATE).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")


def _built(builder: Builder, entries: list[Entry]) -> dict:
    return {
        "head": builder.head.decode() if builder.head else "",
        "entries": [entry.row() for entry in entries],
        "paths": builder.paths,
        "credited": builder.credited,
        "tagged": builder.tagged,
    }


def _build(folder: Path, entries: list[Entry], statements, started, progress) -> Builder:
    folder.mkdir(parents=True)
    repo = Repo.init_bare(str(folder))
    (folder / "description").write_text(f"{gitfiles.readme_file().decode().splitlines()[0]}\n")
    builder = Builder(repo)
    builder.start()
    for entry in entries:
        builder.add(entry, statements)
        progress()
    builder.finish()
    _save(folder, _built(builder, entries), started)
    return builder


def _plan(state: dict, statements: dict[int, Statement]) -> tuple[list[Entry], str]:
    """Every entry the mirror should hold, and why the history must be rewritten ("" where
    the new entries only follow the old ones)."""
    old = [Entry(*row) for row in state["entries"]]
    since = datetime.datetime.fromisoformat(state["as_of"]) - MARGIN
    new_acts = _acts(since) - set(state.get("acts", ()))
    touched = _touched(since) | (set(statements) - {entry.statement for entry in old})
    kept = [e for e in old if e.statement in statements and e.statement not in touched]
    kept.extend(_entries(statements, touched & set(statements)))
    entries = sorted(kept)
    if new_acts:
        return entries, "something was withheld, suppressed or removed since the last run"
    if len(entries) < len(old) or entries[: len(old)] != old:
        return entries, "a version, a statement or an address the history held is gone"
    return entries, ""


def git_mirror(folder: Path, *, progress: Callable[[], None] = lambda: None) -> MirrorReport:
    """Write or bring up to date the git mirror in ``folder`` (a bare repository)."""
    started = timezone.now()
    statements = _published()
    state = _state(folder) if (folder / "HEAD").exists() else None
    if state is None:
        if folder.exists() and any(folder.iterdir()):
            raise FileExistsError(f"{folder} exists and is not a mirror this archive made")
        entries = sorted(_entries(statements, set(statements)))
        builder = _build(folder, entries, statements, started, progress)
        return MirrorReport(len(entries), len(entries), head=(builder.head or b"").decode())
    entries, why = _plan(state, statements)
    if why:
        fresh = folder.with_name(folder.name + ".rewrite")
        shutil.rmtree(fresh, ignore_errors=True)
        builder = _build(fresh, entries, statements, started, progress)
        retired = folder.with_name(folder.name + ".retired")
        shutil.rmtree(retired, ignore_errors=True)
        folder.rename(retired)
        fresh.rename(folder)
        shutil.rmtree(retired)
        head = (builder.head or b"").decode()
        return MirrorReport(len(entries), len(entries), rewritten=True, reason=why, head=head)
    new = entries[len(state["entries"]) :]
    if not new:  # nothing to write: only the time read up to moves on
        _save(folder, state, started)
        return MirrorReport(0, len(entries), head=state["head"])
    repo = Repo(str(folder))
    builder = Builder(repo, head=state["head"].encode() or None, paths=state["paths"],
                      credited=state["credited"], tagged=state["tagged"])  # fmt: skip
    if builder.head:
        builder.trees.load(repo, repo[builder.head].tree)
        builder.trees.write([])  # the loaded folders' ids, nothing new to write
    else:
        builder.start()
    for entry in new:
        builder.add(entry, statements)
        progress()
    builder.finish()
    _save(folder, _built(builder, entries), started)
    return MirrorReport(len(new), len(entries), head=(builder.head or b"").decode())
