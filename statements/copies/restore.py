"""Loading a preservation package (copies.bags) into an empty archive: the bag is validated
first (every file against its manifest), then each statement is written version by version,
each version one revision dated as in the bag, so that the archive made from the bag has
the same public history, numbers included.

A number the bag skips (a change the public never saw) becomes a revision the public does
not see either (a draft state); a withheld version becomes a placeholder revision, hidden
with its reason class. The original files come back as the archive's imported files, linked
to their statements; the captures stay in the bag (their sources are re-captured by the
link checks).
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import bagit
from django.db import connection, transaction
from django.utils import timezone

from statements.catalog.revisions import history_rewrite_allowed, revision_context
from statements.catalog.services import statement_create, statement_replace
from statements.core.dates import PartialDate
from statements.core.records import AuthorCredit, SourceData, StatementData
from statements.models import Author, HiddenVersion, ImportedFile, Statement, Tag

# The history's event tables and the column naming their statement.
EVENT_TABLES = (("statements_statementevent", "pgh_obj_id"),
                ("statements_statementbodyevent", "pgh_obj_id"),
                ("statements_authorshipevent", "statement_id"),
                ("statements_sourceevent", "statement_id"),
                ("statements_taggingevent", "content_object_id"))  # fmt: skip


class BagRefused(ValueError):
    """The bag is not valid, or the archive is not empty."""


@dataclass
class RestoreReport:
    statements: int = 0
    versions: int = 0
    originals: int = 0

    def summary(self) -> str:
        return (f"{self.statements:,} statements, {self.versions:,} versions, "
                f"{self.originals:,} original files")  # fmt: skip


def _lines(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            yield json.loads(line)


def _when(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def _data(
    row: dict, authors: dict[str, Author], tag_names: dict[str, str], originals: dict
) -> StatementData:
    credits = [
        AuthorCredit(name=authors[c["author"]].name, role=c["role"], kind=authors[c["author"]].kind)
        for c in row["credits"]
    ]
    sources = [
        SourceData(url=s["url"], site_name=s["site"], note=s["note"], kind=s["kind"],
                   archived_url=s["archived_url"],
                   retrieved_on=PartialDate.parse(s["retrieved"]) if s["retrieved"] else None)
        for s in row["sources"]
    ]  # fmt: skip
    return StatementData(
        title=row["title"], body=row["text"], subtitle=row["subtitle"], slug=row["statement"],
        summary=row["summary"],
        issued=PartialDate.parse(row["issued"]) if row["issued"] else None,
        date_text=row["date_as_written"], place=row["place"], language=row["language"],
        rights=row["rights"], status=Statement.Status.PUBLISHED,
        published_at=_when(row["published_at"]), credits=credits, sources=sources,
        tags=[tag_names[slug] for slug in row["tags"]], uid=row["translation_group"],
        metadata={"preservation_package_version": row["version"]},
        imported_from=originals.get(row.get("original")),
    )  # fmt: skip


def _stand_in(slug: str, number: int, published_at, *, public: bool) -> StatementData:
    """A revision for a number the bag has no content for."""
    return StatementData(
        title=slug,
        slug=slug,
        body=f"Version {number}: not in the preservation package.",
        status=Statement.Status.PUBLISHED if public else Statement.Status.DRAFT,
        published_at=published_at,
        metadata={"preservation_package_version": number},
    )


def _redate(statement_id: int, at: datetime.datetime) -> None:
    """Give the statement's events written since its last version (they carry the
    transaction's time) the version's own time."""
    with history_rewrite_allowed(), connection.cursor() as cursor:
        for table, key in EVENT_TABLES:
            cursor.execute(
                f"UPDATE {table} SET pgh_created_at = %s "  # noqa: S608 (our names)
                f"WHERE {key} = %s AND pgh_created_at = now()",
                [at, statement_id],
            )


def _write(
    statement: Statement | None, data: StatementData, at, context: dict, *, listed: bool = True
) -> Statement:
    with transaction.atomic(), revision_context(by="import_bag", **context):
        if statement is None:
            statement = statement_create(data=data)
        else:
            statement_replace(statement=statement, data=data)
        if statement.signatories_public != listed:
            statement.signatories_public = listed
            Statement.objects.filter(pk=statement.pk).update(signatories_public=listed)
        _redate(statement.pk, at)
    return statement


def _restore(rows: list[dict], authors, tag_names, originals) -> int:
    """Write one statement's versions; returns how many."""
    statement = None
    number = 0
    hidden = []
    for row in rows:
        at = _when(row["date"])
        published_at = _when(row["published_at"])
        while number + 1 < row["version"]:  # numbers the public never saw
            number += 1
            gap = at - datetime.timedelta(microseconds=row["version"] - number)
            data = _stand_in(row["statement"], number, published_at, public=False)
            statement = _write(statement, data, gap, {})
        number += 1
        if row["withheld"]:
            data = _stand_in(row["statement"], number, published_at, public=True)
            statement = _write(statement, data, at, {})
            hidden.append(HiddenVersion(statement_id=statement.pk, at=at, number=number,
                                        reason_class=row["withheld_reason_class"],
                                        hidden_at=timezone.now()))  # fmt: skip
            continue
        context = {"reason": row["reason"]} if row["reason"] else {}
        if row["signed_by"]:
            context |= {"username": row["signed_by"], "signed": True}
        data = _data(row, authors, tag_names, originals)
        statement = _write(statement, data, at, context, listed=row["signatories_listed"])
    HiddenVersion.objects.bulk_create(hidden)
    return len(rows)


@transaction.atomic  # all of it or nothing; each version's events are redated apart
def bag_import(folder: Path) -> RestoreReport:
    """Validate the bag in ``folder`` and load it into this (empty) archive."""
    logging.getLogger("bagit").setLevel(logging.WARNING)  # one line per file, at INFO
    try:
        bag = bagit.Bag(str(folder))
        bag.validate(processes=2)
    except bagit.BagError as error:
        raise BagRefused(f"Not a valid bag: {error}") from None
    if Statement.objects.exists():
        raise BagRefused("The archive is not empty: a bag is loaded into an empty archive.")
    data = folder / "data"
    authors = {row["slug"]: Author(**row) for row in _rows_renamed(data / "authors.jsonl")}
    Author.objects.bulk_create(authors.values())
    tag_names = {row["slug"]: row["name"] for row in _lines(data / "tags.jsonl")}
    Tag.objects.bulk_create([Tag(slug=slug, name=name) for slug, name in tag_names.items()])
    originals = _originals(data)
    report = RestoreReport(originals=len(originals))
    lines = _lines(data / "statements.jsonl")
    for _slug, rows in groupby(lines, key=lambda row: row["statement"]):
        report.versions += _restore(list(rows), authors, tag_names, originals)
        report.statements += 1
    return report


def _originals(data: Path) -> dict[str, ImportedFile]:
    """The original files, as the archive keeps imported files (checked by the bag)."""
    rows = [
        ImportedFile(sha256=row["sha256"], name=row["name"], format=row["format"],
                     size=row["size"], content=(data / row["file"]).read_bytes())
        for row in _lines(data / "originals.jsonl")
    ] if (data / "originals.jsonl").exists() else []  # fmt: skip
    return {row.sha256: row for row in ImportedFile.objects.bulk_create(rows)}


def _rows_renamed(path: Path) -> Iterator[dict]:
    for row in _lines(path):
        row["wikidata_id"], row["viaf_id"] = row.pop("wikidata"), row.pop("viaf")
        yield row
