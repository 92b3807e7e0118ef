"""Statements out: JSON Lines (lossless), Muse (for Amusewiki sites), Markdown."""

from __future__ import annotations

from pathlib import Path

from django.db.models import Prefetch

from statements.core.pandoc import MARKDOWN_READER, ConversionError, pandoc_convert
from statements.ingest.formats.jsonl import jsonl_lines
from statements.ingest.formats.muse import directive_name
from statements.models import Authorship, Statement, credited, tags_by_name

EXPORT_FORMATS = ("jsonl", "muse", "markdown")


def statements_for_export():
    return Statement.objects.order_by("slug").prefetch_related(
        Prefetch("authorships", queryset=Authorship.objects.select_related("author")),
        "sources",
        "tags",
    )


def _one_line(value: str) -> str:
    return " ".join((value or "").split())


def _source_line(source) -> str:
    when = f"Retrieved on {source.retrieved_on.display()} from " if source.retrieved_on else ""
    if source.url:
        return f"{when}[[{source.url}][{source.site_name or source.url}]]"
    if when and source.site_name:
        return f"{when}{source.site_name}"
    return _one_line(source.note or source.site_name)


def statement_muse(statement) -> str:
    """A Muse source Amusewiki can publish and our importer reads back with every mapped
    field (``#issued`` carries the exact partial date beside ``#date`` as written)."""
    authors = [author.name for author in credited(statement)]
    header = [
        ("title", statement.title),
        ("subtitle", statement.subtitle),
        ("author", ", ".join(authors)),
        ("SORTauthors", "; ".join(authors)),
        ("date", statement.date_text or (statement.issued.display() if statement.issued else "")),
        ("issued", statement.issued.isoformat() if statement.issued else ""),
        ("lang", statement.language),
        ("SORTtopics", "; ".join(sorted(t.name for t in tags_by_name(statement)))),
        ("source", _source_line(statement.sources.all()[0]) if statement.sources.all() else ""),
        ("teaser", statement.summary),
        ("notes", statement.editorial_notes),
        ("uid", statement.uid),
        ("pubdate", statement.published_at.isoformat() if statement.published_at else ""),
    ]
    written = {directive_name(name) for name, value in header if _one_line(value)}
    header += sorted(
        (key, str(value))
        for key, value in (statement.metadata or {}).items()
        if directive_name(key) not in written
    )
    lines = [f"#{name} {_one_line(value)}" for name, value in header if _one_line(value)]
    body = ""
    if statement.body.strip():
        body = pandoc_convert(
            statement.body,
            source=MARKDOWN_READER,
            to="muse",
            extra_args=("--wrap=none", "--shift-heading-level-by=-1"),
        ).strip()
    return "\n".join(lines) + "\n\n" + body + "\n"


def statement_markdown(statement) -> str:
    """The layout of The Anarchist Library's exports (title, author, date as headings),
    then the body, then where it came from."""
    parts = [f"# {_one_line(statement.title)}"]
    authors = [author.name for author in credited(statement)]
    if authors:
        parts.append(f"### {', '.join(authors)}")
    if statement.issued:
        parts.append(f"#### {statement.issued.display()}")
    if statement.body.strip():
        parts.append(statement.body.strip())
    closing = []
    for source in statement.sources.all():
        when = f"Retrieved on {source.retrieved_on.display()} from " if source.retrieved_on else ""
        where = source.url or source.site_name
        closing.append(f"{when}{where}" if where else _one_line(source.note))
    if statement.rights:
        closing.append(statement.rights)
    if closing:
        parts.append("---\n\n" + "\n\n".join(closing))
    return "\n\n".join(parts) + "\n"


def statement_text(statement) -> str:
    """Plain text: the Markdown layout with its markup rendered away by pandoc."""
    return pandoc_convert(
        statement_markdown(statement),
        source=MARKDOWN_READER,
        to="plain",
        extra_args=("--wrap=none",),
    )


def statement_json(statement) -> str:
    """The statement's JSON Lines record, indented for reading."""
    import json

    from statements.ingest.formats.jsonl import statement_record

    return json.dumps(statement_record(statement, public=True), ensure_ascii=False, indent=2) + "\n"


# The downloads on every statement page: suffix → (media type, writer). The URL pattern
# takes its suffixes from here.
DOWNLOADS = {
    "md": ("text/markdown; charset=utf-8", statement_markdown),
    "muse": ("text/plain; charset=utf-8", statement_muse),
    "txt": ("text/plain; charset=utf-8", statement_text),
    "json": ("application/json", statement_json),
}


def statements_export(*, out: Path, format: str) -> int:
    """Write every statement; JSON Lines to one file, the others one file per statement."""
    statements = statements_for_export()
    if format == "jsonl":
        count = 0
        with out.open("w", encoding="utf-8", newline="\n") as handle:
            for line in jsonl_lines(statements.iterator(chunk_size=500)):
                handle.write(line)
                count += 1
        return count
    render, suffix = {"muse": (statement_muse, ".muse"), "markdown": (statement_markdown, ".md")}[
        format
    ]
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for statement in statements.iterator(chunk_size=200):
        try:
            text = render(statement)
        except ConversionError as error:
            raise ConversionError(f"{statement.slug}: {error}") from None
        (out / f"{statement.slug}{suffix}").write_text(text, encoding="utf-8")
        count += 1
    return count
