"""Research data: the public archive as tables (CSV and JSON Lines, one pair per table) with
a Frictionless data package (``datapackage.json``) describing every field, for those who
study the movement's statements with their own tools (R, pandas, a spreadsheet).

Rows are read in batches and written as they come (bounded memory at any size); the public
versions are read statement by statement, one query each.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from statements.catalog.revisions import statement_revisions
from statements.models import Statement, tags_by_name, tags_prefetch

BATCH = 500

# (name, type, description): each table's fields, in order (Frictionless' field types).
TABLES: dict[str, list[tuple[str, str, str]]] = {
    "statements": [
        ("id", "integer", "The statement's number in the archive; other tables refer to it."),
        ("slug", "string", "The last part of the statement's address."),
        ("url", "string", "The statement's page (empty when ARCHIVE_BASE_URL is not set)."),
        ("title", "string", "The title."),
        ("subtitle", "string", "The subtitle, if any."),
        ("summary", "string", "A short abstract (plain text), if any."),
        (
            "date",
            "string",
            "The date of issue as precise as it is known: YYYY, YYYY-MM or "
            "YYYY-MM-DD; empty when undated.",
        ),
        ("date_precision", "string", "year, month or day; empty when undated."),
        ("date_start", "date", "The first day of the period the date names."),
        ("date_end", "date", "The last day of the period the date names."),
        (
            "date_as_written",
            "string",
            "The date as the source gives it, when it says more or other than a date.",
        ),
        ("place", "string", "The place of issue, if known."),
        ("language", "string", "ISO 639-1 code of the text's language; empty if unknown."),
        ("rights", "string", "The rights statement or licence, as written."),
        ("published_at", "datetime", "When the archive published it (UTC)."),
        ("updated_at", "datetime", "When the archive last changed it (UTC)."),
        (
            "text_sha256",
            "string",
            "SHA-256 of the text (Markdown, UTF-8): a copy with the same digest is the same text.",
        ),
        ("text_characters", "integer", "The text's length in characters."),
        ("translation_group", "string", "Shared by the translations of one text."),
        (
            "signatories_listed",
            "boolean",
            "False when the statement's individual signatories "
            "are shown as a number only (the credits table then lists none of them).",
        ),
        ("signatories_not_listed", "integer", "How many signatories are shown as a number only."),
    ],
    "authors": [
        ("id", "integer", "The author's number in the archive."),
        ("slug", "string", "The last part of the author's address."),
        ("name", "string", "The name, as the archive writes it."),
        ("kind", "string", "collective, organisation or person."),
        ("location", "string", "Where the author is based, if known."),
        ("wikidata", "string", "Wikidata item (Q…), if known."),
        ("viaf", "string", "VIAF cluster number, if known."),
        ("website", "string", "The author's website, if known."),
    ],
    "credits": [
        ("statement_id", "integer", "The statement (statements.id)."),
        ("author_id", "integer", "The author (authors.id)."),
        ("role", "string", "author, signatory, translator or publisher."),
        ("position", "integer", "Order within the role, from 0."),
    ],
    "tags": [
        ("id", "integer", "The tag's number in the archive."),
        ("slug", "string", "The last part of the tag's address."),
        ("name", "string", "The tag."),
    ],
    "statement_tags": [
        ("statement_id", "integer", "The statement (statements.id)."),
        ("tag_id", "integer", "The tag (tags.id)."),
    ],
    "sources": [
        ("statement_id", "integer", "The statement (statements.id)."),
        ("position", "integer", "Order among the statement's sources, from 0."),
        ("kind", "string", "original, retrieved or translated."),
        ("url", "string", "Where it was found, if an address is known."),
        ("site", "string", "The site or publication, if named."),
        (
            "retrieved",
            "string",
            "When it was retrieved, as precise as known (YYYY, YYYY-MM or YYYY-MM-DD).",
        ),
        ("archived_url", "string", "A copy kept elsewhere (a Wayback Machine snapshot)."),
        ("note", "string", "The source line as the statement's source wrote it."),
    ],
    "versions": [
        ("statement_id", "integer", "The statement (statements.id)."),
        (
            "number",
            "integer",
            "The version's number; numbers count every change, so some "
            "are missing (changes made while the statement was not public).",
        ),
        ("date", "datetime", "When the version was made (UTC)."),
        (
            "text_sha256",
            "string",
            "SHA-256 of the version's text; empty for a version withheld to protect people.",
        ),
        (
            "withheld",
            "boolean",
            "True for a version hidden or suppressed to protect people "
            "(its number and date stay public, not its content).",
        ),
    ],
}


@dataclass
class DataReport:
    rows: dict[str, int]
    files: list[Path]

    def summary(self) -> str:
        counts = ", ".join(f"{count:,} {name}" for name, count in self.rows.items())
        return f"{len(self.files)} files: {counts}"


def iso(value: datetime.date | None) -> str | None:
    """A date, or a time in UTC with a Z, as every copy writes them (None stays None)."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat() if value is not None else None


def _iso(value) -> str:
    return iso(value) or ""


def _statements() -> Iterator[Statement]:
    public = Statement.objects.published().order_by("pk")
    last = 0
    while True:
        batch = list(
            public.filter(pk__gt=last)
            .prefetch_related("authorships__author", "sources", tags_prefetch())
            .defer("body_html", "search_names", "metadata")[:BATCH]
        )
        if not batch:
            return
        yield from batch
        last = batch[-1].pk


def _rows(progress: Callable[[], None]) -> Iterator[tuple[str, dict]]:
    """(table, row) for every public statement and what hangs on it; each author and tag
    once, the first time a statement credits or carries it."""
    base = settings.ARCHIVE_BASE_URL.rstrip("/")
    authors: set[int] = set()
    tags: set[int] = set()
    for statement in _statements():
        issued = statement.issued
        withheld = statement.signatories_withheld
        yield "statements", {
            "id": statement.pk, "slug": statement.slug,
            "url": base + statement.get_absolute_url() if base else "",
            "title": statement.title, "subtitle": statement.subtitle,
            "summary": statement.summary,
            "date": issued.isoformat() if issued else "",
            "date_precision": str(issued.precision) if issued else "",
            "date_start": _iso(statement.date_start), "date_end": _iso(statement.date_end),
            "date_as_written": statement.date_text, "place": statement.place,
            "language": statement.language, "rights": statement.rights,
            "published_at": _iso(statement.published_at),
            "updated_at": _iso(statement.updated_at),
            "text_sha256": statement.body_sha256, "text_characters": len(statement.body),
            "translation_group": statement.uid,
            "signatories_listed": not withheld, "signatories_not_listed": withheld,
        }  # fmt: skip
        for credit in statement.public_authorships:
            author = credit.author
            if author.pk not in authors:
                authors.add(author.pk)
                yield "authors", {
                    "id": author.pk, "slug": author.slug, "name": author.name,
                    "kind": author.kind, "location": author.location,
                    "wikidata": author.wikidata_id, "viaf": author.viaf_id,
                    "website": author.website,
                }  # fmt: skip
            yield "credits", {
                "statement_id": statement.pk, "author_id": author.pk,
                "role": credit.role, "position": credit.position,
            }  # fmt: skip
        for tag in tags_by_name(statement):
            if tag.pk not in tags:
                tags.add(tag.pk)
                yield "tags", {"id": tag.pk, "slug": tag.slug, "name": tag.name}
            yield "statement_tags", {"statement_id": statement.pk, "tag_id": tag.pk}
        for source in statement.sources.all():
            retrieved = source.retrieved_on
            yield "sources", {
                "statement_id": statement.pk, "position": source.position,
                "kind": source.kind, "url": source.url, "site": source.site_name,
                "retrieved": retrieved.isoformat() if retrieved else "",
                "archived_url": source.archived_url, "note": source.note,
            }  # fmt: skip
        for revision in statement_revisions(statement_id=statement.pk):
            if not revision.public:
                continue
            withheld_version = revision.text_hidden or revision.suppressed
            yield "versions", {
                "statement_id": statement.pk, "number": revision.number,
                "date": _iso(revision.at),
                "text_sha256": "" if withheld_version else revision.body_sha256,
                "withheld": withheld_version,
            }  # fmt: skip
        progress()


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def data_export(folder: Path, *, progress: Callable[[], None] = lambda: None) -> DataReport:
    """Write every table as ``<table>.csv`` and ``<table>.jsonl`` into ``folder``, then
    ``datapackage.json`` (with each file's size and SHA-256)."""
    folder.mkdir(parents=True, exist_ok=True)
    handles, writers, counts = {}, {}, dict.fromkeys(TABLES, 0)
    try:
        for name, fields in TABLES.items():
            csv_file = (folder / f"{name}.csv").open("w", newline="", encoding="utf-8")
            jsonl_file = (folder / f"{name}.jsonl").open("w", encoding="utf-8")
            handles[name] = (csv_file, jsonl_file)
            writers[name] = csv.writer(csv_file, lineterminator="\n")
            writers[name].writerow([field for field, _type, _about in fields])
        for name, row in _rows(progress):
            counts[name] += 1
            writers[name].writerow([_cell(row[field]) for field, _t, _a in TABLES[name]])
            handles[name][1].write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        for csv_file, jsonl_file in handles.values():
            csv_file.close()
            jsonl_file.close()
    files = [folder / f"{name}.{suffix}" for name in TABLES for suffix in ("csv", "jsonl")]
    package = folder / "datapackage.json"
    package.write_text(
        json.dumps(_descriptor(folder), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return DataReport(rows=counts, files=[*files, package])


def file_sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _descriptor(folder: Path) -> dict:
    """The Frictionless data package: each CSV table with its schema and keys, each file's
    size and SHA-256 (the JSON Lines files carry the same rows)."""
    keys = {
        "statements": ["id"], "authors": ["id"], "tags": ["id"],
        "credits": ["statement_id", "author_id", "role"],
        "statement_tags": ["statement_id", "tag_id"],
        "versions": ["statement_id", "number"],
    }  # fmt: skip
    references = {"statement_id": ("statements", "id"), "author_id": ("authors", "id"),
                  "tag_id": ("tags", "id")}  # fmt: skip
    resources = []
    for name, fields in TABLES.items():
        path = folder / f"{name}.csv"
        schema = {
            "fields": [
                {"name": field, "type": kind, "description": about} for field, kind, about in fields
            ],
            "missingValues": [""],
        }
        if name in keys:  # a statement's sources may share a position: no key of their own
            schema["primaryKey"] = keys[name]
        foreign = [
            {"fields": field, "reference": {"resource": table, "fields": target}}
            for field, _kind, _about in fields
            if (found := references.get(field)) is not None
            for table, target in [found]
        ]
        if foreign:
            schema["foreignKeys"] = foreign
        resources.append({
            "name": name, "path": path.name, "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "bytes": path.stat().st_size,
            "hash": f"sha256:{file_sha256(path)}", "schema": schema,
        })  # fmt: skip
    return {
        "name": "statement-archive",
        "title": f"{settings.ARCHIVE_NAME}: research data",
        "description": "Every public statement of the archive, with its authors, credits, "
        "tags, sources and public versions, as tables. Made from public data only: no "
        "drafts, nothing withheld to protect people, no signatory shown as a number only.",
        "created": _iso(datetime.datetime.now(datetime.UTC)),
        "licenses": [
            {
                "name": "other-at",
                "title": "Each statement's own rights statement (statements.rights)",
            }
        ],
        "resources": resources,
    }
