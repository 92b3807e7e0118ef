"""The preservation package: the public archive as a BagIt bag (RFC 8493, the ``bagit``
library), as libraries and digital-preservation services take collections in.

Its payload (``data/``): every public version of every published statement as JSON Lines,
each with its text and the text's SHA-256, the authors and tags they name, the original
files they were imported from, the WARC captures of their sources, and a README. A version
withheld to protect people keeps its number and date only; an original file is left out
where the statement has a withheld version (the file would hold its text), and so is a
capture hidden or suppressed. ``bagit`` writes the manifests (SHA-256 and SHA-512) and
``bag-info.txt``; ``bagit.py --validate`` checks it anywhere.
"""

from __future__ import annotations

import datetime
import json
import logging
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import bagit
from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import F

from statements.catalog.revisions import statement_as_of, statement_revisions
from statements.copies.data import iso
from statements.models import (
    Author,
    ImportedFile,
    Source,
    SourceCapture,
    Statement,
    Tag,
    tags_by_name,
)

BATCH = 500
README = """# {name}: preservation package

A BagIt bag (RFC 8493) of the public archive, made on {date}.

- `statements.jsonl`: one line per public version of every published statement, oldest
  first for each statement: its number and date, its fields, credits (author, signatory,
  translator, publisher, in order), tags, sources, the text (Markdown) and the text's
  SHA-256. A version withheld to protect people has its number and date only.
- `authors.jsonl`, `tags.jsonl`: the authors and tags the versions name, by address.
- `originals/<sha256>.<format>`: the files statements were imported from, named with their
  original names in `originals.jsonl` (a version's `original` gives its file's SHA-256).
- `captures/<sha256>.warc.gz`: copies of the statements' sources as captured (WARC, ISO 28500).

`manage.py import_bag` loads it into an empty archive, each version with its date.
"""


@dataclass
class BagReport:
    versions: int = 0
    statements: int = 0
    originals: int = 0
    captures: int = 0

    def summary(self) -> str:
        return (
            f"{self.statements:,} statements, {self.versions:,} versions, "
            f"{self.originals:,} original files, {self.captures:,} captures"
        )


def _line(row: dict) -> str:
    return json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"


def _published() -> Iterator[Statement]:
    public = (
        Statement.objects.published()
        .order_by("pk")
        .only("pk", "slug", "signatories_public", "imported_from_id")
        .annotate(original_sha256=F("imported_from__sha256"))
    )
    last = 0
    while batch := list(public.filter(pk__gt=last)[:BATCH]):
        yield from batch
        last = batch[-1].pk


def statement_versions(statement: Statement) -> Iterator[dict]:
    """The statement's public versions as the bag's lines, oldest first."""
    for revision in statement_revisions(statement_id=statement.pk):
        if not revision.public:
            continue
        row = {"statement": statement.slug, "version": revision.number,
               "date": iso(revision.at), "published_at": iso(revision.published_at)}  # fmt: skip
        if revision.text_hidden or revision.suppressed:
            yield row | {"withheld": True, "withheld_reason_class": revision.hidden_class}
            continue
        past = statement_as_of(statement_id=statement.pk, revision=revision)
        if past is None:
            continue
        past.signatories_public = past.signatories_public and statement.signatories_public
        issued = past.issued
        yield row | {
            "withheld": False,
            "title": past.title, "subtitle": past.subtitle, "summary": past.summary,
            "issued": issued.isoformat() if issued else None,
            "date_as_written": past.date_text, "place": past.place,
            "language": past.language, "rights": past.rights,
            "translation_group": past.uid,
            "signatories_listed": past.signatories_public,
            "credits": [{"author": c.author.slug, "role": c.role}
                        for c in past.public_authorships],
            "tags": [tag.slug for tag in tags_by_name(past)],
            "sources": [{"kind": s.kind, "url": s.url, "site": s.site_name,
                         "retrieved": s.retrieved_on.isoformat() if s.retrieved_on else None,
                         "archived_url": s.archived_url, "note": s.note}
                        for s in past.sources.all()],
            "reason": revision.public_reason, "signed_by": revision.signed_by,
            "text": past.body, "text_sha256": revision.body_sha256,
        }  # fmt: skip


def _author_row(author: Author) -> dict:
    return {"slug": author.slug, "name": author.name, "kind": author.kind,
            "location": author.location, "description": author.description,
            "wikidata": author.wikidata_id, "viaf": author.viaf_id,
            "website": author.website}  # fmt: skip


def _copy(source, target: Path) -> None:
    with target.open("wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)


def bag_export(folder: Path, *, progress: Callable[[], None] = lambda: None) -> BagReport:
    """Write the bag into ``folder`` (made; it must not exist or be empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty")
    report = BagReport()
    authors: set[str] = set()
    tags: set[str] = set()
    originals: set[int] = set()
    with (folder / "statements.jsonl").open("w", encoding="utf-8") as out:
        for statement in _published():
            rows = list(statement_versions(statement))
            # The original holds the first text: left out where a version is withheld.
            original = None
            if statement.imported_from_id and not any(row["withheld"] for row in rows):
                originals.add(statement.imported_from_id)
                original = statement.original_sha256
            for row in rows:
                if not row["withheld"]:
                    row["original"] = original
                out.write(_line(row))
                report.versions += 1
                authors.update(credit["author"] for credit in row.get("credits", ()))
                tags.update(row.get("tags", ()))
            report.statements += 1
            progress()
    with (folder / "authors.jsonl").open("w", encoding="utf-8") as out:
        for author in Author.objects.filter(slug__in=authors).order_by("slug").iterator():
            out.write(_line(_author_row(author)))
    with (folder / "tags.jsonl").open("w", encoding="utf-8") as out:
        for tag in Tag.objects.filter(slug__in=tags).order_by("slug"):
            out.write(_line({"slug": tag.slug, "name": tag.name}))
    report.originals = _originals(folder / "originals", originals)
    report.captures = _captures(folder / "captures")
    now = datetime.datetime.now(datetime.UTC)
    readme = README.format(name=settings.ARCHIVE_NAME, date=now.date().isoformat())
    (folder / "README.md").write_text(readme, encoding="utf-8")
    # bagit says what it does file by file at INFO: the summary line says it once.
    logging.getLogger("bagit").setLevel(logging.WARNING)
    bagit.make_bag(
        str(folder),
        bag_info={
            "Source-Organization": settings.ARCHIVE_NAME,
            "External-Description": "Every public statement of the archive with its public "
            "versions, authors, tags, original files and captured sources; see data/README.md.",
            "External-Identifier": settings.ARCHIVE_BASE_URL or settings.ARCHIVE_NAME,
        },
        checksums=["sha256", "sha512"],
    )
    return report


def _originals(folder: Path, ids: set[int]) -> int:
    """Each original file, and ``originals.jsonl`` beside the folder naming them."""
    folder.mkdir()
    count = 0
    with (folder.parent / "originals.jsonl").open("w", encoding="utf-8") as listing:
        for pk in sorted(ids):  # one file at a time: the content is read as one value
            found = ImportedFile.objects.filter(pk=pk)
            for sha256, name, file_format, content in found.values_list(
                "sha256", "name", "format", "content"
            ):
                file = f"originals/{sha256}.{file_format}"
                (folder.parent / file).write_bytes(bytes(content))
                listing.write(_line({"sha256": sha256, "name": name, "format": file_format,
                                     "size": len(content), "file": file}))  # fmt: skip
                count += 1
    return count


def _captures(folder: Path) -> int:
    folder.mkdir()
    urls = Source.objects.filter(statement__in=Statement.objects.published()).values("url")
    captures = SourceCapture.objects.filter(
        link__url__in=urls, hidden_at__isnull=True, suppressed_at__isnull=True
    ).order_by("pk")
    count = 0
    for capture in captures.iterator():
        target = folder / f"{capture.sha256}.warc.gz"
        if target.exists():
            continue
        try:
            with default_storage.open(capture.file, "rb") as stream:
                _copy(stream, target)
        except OSError:
            continue  # a file missing from the storage is the fixity check's to report
        count += 1
    return count
