"""JSON Lines, the archive's own lossless format: one statement per line, every field.

Schema (``"format": "statement-archive/1"`` on every line; keys sorted, UTF-8, no spaces):

    slug, title, subtitle, summary, body (Markdown), issued ("2025", "2025-03",
    "2025-03-13" or null: the precision is the shape), date_text, place, language (ISO
    639-1), rights, editorial_notes, status ("draft" | "published"), published_at (ISO 8601
    in UTC, or null), metadata (object), authors ([{name, kind, role}] in order within each
    role), sources ([{kind, url, site_name, retrieved_on, archived_url, note}] in order),
    tags ([name], sorted), uid (the text identifier its translations share, or "")
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from statements.core.dates import PartialDate, PartialDateError, isoformat_or_none
from statements.core.records import AuthorCredit, SourceData, StatementData
from statements.ingest.formats.common import ImportFailure, ParsedFile
from statements.models import tags_by_name

FORMAT = "statement-archive/1"
_TEXT_FIELDS = ("title", "subtitle", "summary", "body", "date_text", "place", "language")
_TEXT_FIELDS += ("rights", "editorial_notes", "uid")


def _utc(moment: datetime.datetime | None) -> str | None:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z") if moment else None


def _source_record(source) -> dict:
    """A Source row or a SourceData: both have these attributes."""
    return {
        "kind": source.kind,
        "url": source.url,
        "site_name": source.site_name,
        "retrieved_on": isoformat_or_none(source.retrieved_on),
        "archived_url": source.archived_url,
        "note": source.note,
    }


def statement_record(statement, *, public: bool = False) -> dict:
    """A statement (with authorships, sources and tags prefetched) as a JSON-ready dict;
    ``public``: as the public may read it (signatories not listed publicly left out, their
    number given)."""
    shown = statement.public_authorships if public else statement.authorships.all()
    authorships = sorted(shown, key=lambda a: (a.role, a.position, a.pk))
    published_at = statement.published_at
    return {
        "format": FORMAT,
        "slug": statement.slug,
        **{name: getattr(statement, name) for name in _TEXT_FIELDS},
        "issued": isoformat_or_none(statement.issued),
        "status": statement.status,
        "published_at": _utc(published_at),
        "metadata": statement.metadata or {},
        "authors": [
            {"name": a.author.name, "kind": a.author.kind, "role": a.role} for a in authorships
        ],
        "sources": [_source_record(s) for s in statement.sources.all()],
        "tags": sorted(tag.name for tag in tags_by_name(statement)),
        **({"signatories_not_listed": statement.signatories_withheld} if public else {}),
    }


def jsonl_lines(statements: Iterable) -> Iterator[str]:
    for statement in statements:
        yield json.dumps(statement_record(statement), ensure_ascii=False, sort_keys=True) + "\n"


def _date(value, what: str) -> PartialDate | None:
    if value in (None, ""):
        return None
    try:
        return PartialDate.parse(str(value))
    except PartialDateError as error:
        raise ImportFailure(f"{what}: {error}") from None


def record_data(record: dict) -> StatementData:
    """A parsed line back to StatementData; ImportFailure names the first wrong field."""
    if not isinstance(record, dict):
        raise ImportFailure(_("a line is not a JSON object"))
    title = record.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ImportFailure(_("missing title"))
    for name in (*_TEXT_FIELDS, "slug", "status"):
        if not isinstance(record.get(name, ""), str):
            raise ImportFailure(_("%(name)s must be a string") % {"name": name})
    published_at = record.get("published_at")
    if published_at is not None:
        try:
            published_at = datetime.datetime.fromisoformat(str(published_at))
        except ValueError:
            raise ImportFailure(
                _("published_at: “%(value)s” is not a date and time") % {"value": published_at}
            ) from None
        if published_at.tzinfo is None:
            raise ImportFailure(_("published_at needs a time zone (end it with Z)"))
    try:
        credits = [
            AuthorCredit(name=str(a["name"]), kind=str(a.get("kind", "collective")),
                         role=str(a.get("role", "author")))
            for a in record.get("authors") or []
        ]  # fmt: skip
        sources = [
            SourceData(
                kind=str(s.get("kind", "retrieved")),
                url=str(s.get("url", "")),
                site_name=str(s.get("site_name", "")),
                retrieved_on=_date(s.get("retrieved_on"), "a source's retrieved_on"),
                archived_url=str(s.get("archived_url", "")),
                note=str(s.get("note", "")),
            )
            for s in record.get("sources") or []
        ]
        tags = [str(t) for t in record.get("tags") or []]
    except (KeyError, TypeError, AttributeError):
        raise ImportFailure(_("authors, sources or tags are not in the documented shape")) from None
    metadata = record.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise ImportFailure(_("metadata must be an object"))
    return StatementData(
        slug=record.get("slug", ""),
        **{name: record.get(name, "") for name in _TEXT_FIELDS},
        issued=_date(record.get("issued"), "issued"),
        status=record.get("status") or "draft",
        published_at=published_at,
        credits=credits,
        sources=sources,
        tags=tags,
        metadata=metadata,
    )


MAX_RECORD_CHARACTERS = 5_000_000  # a statement's line; the longest real text is a tenth
MAX_DEPTH = 20  # objects and arrays within each other; a record needs four


def _depth(value) -> int:
    """How deeply objects and arrays nest in a parsed JSON value, read without recursion
    (reading each line character by character took about 1 ms for 10 KB, most of the cost
    of an import's parsing)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def jsonl_parse(text: str, *, name: str) -> list[ParsedFile]:
    parsed = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_RECORD_CHARACTERS:
            raise ImportFailure(
                _("line %(number)s: longer than %(most)s characters: refused")
                % {"number": number, "most": f"{MAX_RECORD_CHARACTERS:,}"}
            )
        too_deep = ImportFailure(
            _("line %(number)s: nested more than %(most)s levels deep")
            % {"number": number, "most": MAX_DEPTH}
        )
        try:
            # json.loads (in C) nests by recursion, and refuses past the interpreter's
            # recursion limit with RecursionError: the depth is checked on what it gives.
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ImportFailure(
                _("line %(number)s: not valid JSON (%(error)s)")
                % {"number": number, "error": error.msg}
            ) from None
        except RecursionError:
            raise too_deep from None
        if _depth(record) > MAX_DEPTH:
            raise too_deep
        try:
            data = record_data(record)
        except ImportFailure as error:
            raise ImportFailure(f"line {number}: {error}") from None
        parsed.append(ParsedFile(name=f"{name}:{number}", format="jsonl", data=data))
    if not parsed:
        raise ImportFailure(_("no statements in the file"))
    return parsed


def data_record(data: StatementData) -> dict:
    """What ``statement_record`` would give for a statement made from ``data``: two equal
    records mean an import would change nothing."""
    seen, credits = set(), []
    for credit in sorted(data.credits, key=lambda c: c.role):  # stable: order within a role
        key = (" ".join(credit.name.split()).casefold(), credit.role)
        if key not in seen:
            seen.add(key)
            credits.append({"name": credit.name, "kind": credit.kind, "role": credit.role})
    published_at = data.published_at
    return {
        "format": FORMAT,
        "slug": data.slug,
        **{name: getattr(data, name) for name in _TEXT_FIELDS},
        "issued": isoformat_or_none(data.issued),
        "status": data.status,
        "published_at": _utc(published_at),
        "metadata": data.metadata or {},
        "authors": credits,
        "sources": [_source_record(s) for s in data.sources],
        "tags": sorted({" ".join(t.split()) for t in data.tags}),
    }
