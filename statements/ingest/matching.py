"""Which statement each record of a file is: a new one, an update of one in the archive
(with what changes), or one left unchanged; and the writing of them. A title alone never
makes two texts one."""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass, field
from pathlib import PurePath

from django.db.models import Prefetch, Q
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from statements.catalog.duplicates import (
    Alike,
    body_digest,
    fingerprints_store,
    pairs_record,
    statements_alike,
)
from statements.catalog.merging import sources_add
from statements.catalog.names import names_existing
from statements.catalog.services import slug_free, statement_bulk_create, statement_replace
from statements.core.fingerprints import Fingerprint, text_fingerprint
from statements.core.records import StatementData
from statements.ingest.formats.jsonl import data_record, statement_record
from statements.models import Author, Authorship, Statement, Tag


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
    alike: list[Alike] = field(default_factory=list)  # statements in the archive it resembles
    fingerprint: Fingerprint | None = None  # a created statement's text's


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


def records_write(parsed, *, status, now, original, duplicates="new") -> list[ImportEntry]:
    """The parsed records of one file written (inside its transaction): each created,
    updated or left unchanged. ``original`` gives the file's ImportedFile row when needed.

    A new text that looks like one in the archive (statements.catalog.duplicates) is, by
    ``duplicates``: imported as a new statement and the pair kept for editors ("new"), not
    imported ("skip"), or taken as another source of the statement already there
    ("source"). A possible translation is always imported."""

    outcome = []
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
        Statement.objects.filter(candidates)
        .select_related("imported_from")
        .defer("imported_from__content")
        .prefetch_related(
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
            titled = [
                s
                for s in existing
                if s.title.casefold() == data.title.casefold()
                and (s.slug == data.slug or s.slug.startswith(data.slug + "-"))
            ]
            same = [s for s in titled if _same_text(s, item)]
            statement = same[0] if same else None
            if statement is not None:
                data.slug = statement.slug
            elif data.slug in taken:
                data.slug = slug_free(data.slug, taken)
                item.notes.append(
                    _(
                        "a different text has this title (“%(other)s”): saved as a new "
                        "statement, %(slug)s"
                    )
                    % {"other": titled[0].slug, "slug": data.slug}
                    if titled
                    else _("a different text has this name: saved as %(slug)s")
                    % {"slug": data.slug}
                )
        taken.add(data.slug)
        entry = ImportEntry(item.name, item.format, "created", data, item.notes)
        outcome.append(entry)
        if statement is None:
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
    fresh = list(zip(outcome, parsed, strict=True))
    new_items = _alike_handled(
        [(e, i) for e, i in fresh if e.action == "created"], duplicates, original
    )
    prints, changed, pairs = [], [], []
    if new_items:
        created = iter(statement_bulk_create(items=new_items))
        for entry, item in fresh:
            if entry.action == "created":
                made = next(created)
                entry.statement_id, entry.data.slug = made.pk, made.slug
                entry.fingerprint = _fingerprint(item)  # for pairs_among, after the import
                prints.append((made.pk, body_digest(made.body), entry.fingerprint))
                pairs += [(made.pk, a.statement_id, a.similarity, a.kind) for a in entry.alike]
    for entry, item in fresh:
        if entry.action == "updated" and "body" in entry.changed:
            changed.append((entry.statement_id, body_digest(item.data.body), _fingerprint(item)))
    fingerprints_store(prints, new=True)
    fingerprints_store(changed)
    pairs_record(pairs)
    return outcome


def _fingerprint(item) -> Fingerprint:
    """The record's fingerprint: computed where it was parsed (in a worker), or now."""
    if item.fingerprint is None:
        item.fingerprint = text_fingerprint(item.data.body)
    return item.fingerprint


def _alike_handled(created, duplicates: str, original) -> list:
    """The records to create, once each new text is compared with the archive's (one query):
    its look-alikes noted, and by ``duplicates`` skipped or taken as a source instead."""
    alike = statements_alike([(_fingerprint(item), item.data.language) for _e, item in created])
    keep = []
    for (entry, item), found in zip(created, alike, strict=True):
        entry.alike = found
        twin = next((a for a in found if a.kind == "duplicate"), None)
        for other in found[:3]:
            entry.notes.append(_alike_note(other))
        if twin is not None and duplicates in ("skip", "source"):
            entry.action = "duplicate" if duplicates == "skip" else "sourced"
            entry.statement_id, entry.data.slug = twin.statement_id, twin.slug
            entry.notes.append(_twin_handled(twin, item, duplicates))
        else:
            item.data.imported_from = original.get()
            keep.append(item.data)
    return keep


def _twin_handled(twin: Alike, item, duplicates: str) -> str:
    """A text the archive has, not imported: skipped, or its sources added to the statement
    there (``duplicates`` "source"). Returns the note that says which."""
    if duplicates == "skip":
        return _("not imported: the archive has this text")
    added = sources_add(statement_id=twin.statement_id, sources=item.data.sources, name=item.name)
    return ngettext(
        "not imported: %(count)s source added to the statement with this text",
        "not imported: %(count)s sources added to the statement with this text",
        added,
    ) % {"count": added}


def _alike_note(alike) -> str:
    similar = f"{alike.similarity:.0%}".replace("%", "\u202f%")
    if alike.kind == "translation":
        return _(
            "may be a translation of “%(title)s” (%(slug)s, %(language)s, %(similar)s similar)"
        ) % {
            "title": alike.title,
            "slug": alike.slug,
            "language": alike.language,
            "similar": similar,
        }
    return _("looks like “%(title)s” (%(slug)s, %(similar)s similar)") % {
        "title": alike.title,
        "slug": alike.slug,
        "similar": similar,
    }


def _same_text(statement: Statement, item) -> bool:
    """Whether a statement of the same title is the text ``item`` holds: a title alone
    never says so (two pages of a site may share one). A Muse file's name is its text's
    name; otherwise the same file name as the statement was imported from, a source in
    common, or the same text."""
    if item.format == "muse":
        return True
    kept = statement.imported_from
    if kept is not None and PurePath(kept.name).name == PurePath(item.name).name:
        return True
    urls = {source.url for source in item.data.sources if source.url}
    if urls & {source.url for source in statement.sources.all()}:
        return True
    return statement.body.strip() == item.data.body.strip()


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
