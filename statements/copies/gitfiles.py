"""What the git mirror's files hold: one Markdown file per statement with a YAML header of
every public field (Markdown, not Muse: the archive keeps its texts as Markdown, so the file
is the text itself, not a conversion), one JSON file per author, a tags file, a README.

The YAML headers are written as JSON values (YAML 1.2 reads every JSON value), so any YAML
or JSON reader takes them, and no string can break out of its field.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.conf import settings

from statements.catalog.revisions import Revision
from statements.copies.data import iso
from statements.models import Author, Statement, Tag, tags_by_name


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _url(path: str) -> str:
    base = settings.ARCHIVE_BASE_URL.rstrip("/")
    return base + path if base else path


def author_path(slug: str) -> tuple[str, ...]:
    return ("authors", slug[:1].lower() or "_", f"{slug}.json")


def statement_path(slug: str, year: int | None) -> tuple[str, ...]:
    return ("statements", str(year) if year else "undated", f"{slug}.md")


def _header(fields: dict) -> str:
    lines = ["---"] + [f"{name}: {_json(value)}" for name, value in fields.items()] + ["---"]
    return "\n".join(lines) + "\n"


def version_file(statement: Statement, revision: Revision, *, slug: str) -> bytes:
    """A public version of a statement as Markdown with a YAML header (``statement`` is the
    version's state, from ``statement_as_of``)."""
    issued = statement.issued
    credits: dict[str, list] = {}
    for credit in statement.public_authorships:
        credits.setdefault(credit.role, []).append(
            {"name": credit.author.name, "slug": credit.author.slug}
        )
    fields = {
        "title": statement.title,
        "subtitle": statement.subtitle,
        "slug": slug,
        "url": _url(statement.get_absolute_url()),
        "version": revision.number,
        "version_date": iso(revision.at),
        "date": issued.isoformat() if issued else None,
        "date_as_written": statement.date_text,
        "place": statement.place,
        "language": statement.language,
        "authors": credits.get("author", []),
        "signatories": credits.get("signatory", []),
        "signatories_not_listed": statement.signatories_withheld,
        "translators": credits.get("translator", []),
        "publishers": credits.get("publisher", []),
        "tags": [tag.name for tag in tags_by_name(statement)],
        "summary": statement.summary,
        "rights": statement.rights,
        "sources": [
            {
                "kind": source.kind,
                "url": source.url,
                "site": source.site_name,
                "retrieved": source.retrieved_on.isoformat() if source.retrieved_on else None,
                "archived_url": source.archived_url,
                "note": source.note,
            }
            for source in statement.sources.all()
        ],
        "text_sha256": revision.body_sha256,
    }
    body = statement.body.rstrip("\n")
    return (_header(fields) + "\n" + body + "\n").encode()


def withheld_file(revision: Revision, *, slug: str) -> bytes:
    """What stands for a version withheld to protect people: its number, date and the
    public label, nothing of its content."""
    return _header(
        {
            "slug": slug,
            "version": revision.number,
            "version_date": iso(revision.at),
            "withheld": revision.hidden_label or "Withheld",
        }
    ).encode()


def author_file(author: Author) -> bytes:
    return (
        json.dumps(
            {
                "slug": author.slug,
                "name": author.name,
                "kind": author.kind,
                "location": author.location,
                "wikidata": author.wikidata_id,
                "viaf": author.viaf_id,
                "website": author.website,
                "url": _url(author.get_absolute_url()),
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    ).encode()


def tag_path(slug: str) -> tuple[str, ...]:
    return ("tags", slug[:1].lower() or "_", f"{slug}.json")


def tag_file(slug: str, name: str) -> bytes:
    url = _url(Tag(slug=slug).get_absolute_url())
    text = json.dumps({"slug": slug, "name": name, "url": url}, ensure_ascii=False, indent=2)
    return (text + "\n").encode()


def readme_file() -> bytes:
    return f"""# {settings.ARCHIVE_NAME}: the public archive as a git repository

Every public statement, one commit per public version, in the order they were made. The
commit's date is the version's; its author is the archive, or the editor who signed the
change; its message says what changed and why.

- `statements/<year>/<address>.md`: each statement as Markdown, with a YAML header holding
  its title, date, language, authors, signatories, tags, sources and the SHA-256 of its text.
  A version withheld to protect people holds only its number, date and why.
- `authors/<first letter>/<address>.json`: the authors and signatories credited.
- `tags/<first letter>/<address>.json`: the tags the statements carry.

Only public data is here: no draft, nothing hidden or suppressed. When something is removed
from the archive to protect people, this history is rewritten so that it is in no commit.
""".encode()


def committer(revision: Revision) -> tuple[bytes, bytes]:
    """(author, committer) identities: the editor where they signed, else the archive."""
    host = urlsplit(settings.ARCHIVE_BASE_URL).hostname or "archive.invalid"
    archive = f"{settings.ARCHIVE_NAME} <archive@{host}>"
    signer = revision.signed_by.replace("<", "").replace(">", "").replace("\n", " ").strip()
    author = f"{signer} <{signer.replace(' ', '.')}@{host}>" if signer else archive
    return author.encode(), archive.encode()


def commit_message(
    revision: Revision, *, slug: str, title: str, withheld: bool, first: bool
) -> bytes:
    if withheld:
        head = f"{slug}: version {revision.number} withheld"
        body = revision.hidden_label or "Withheld to protect people"
    else:
        head = f"{title or slug}: version {revision.number}"
        body = "first published" if first else str(revision.public_touched)
        if revision.public_reason:
            body += f": {revision.public_reason}"
    path = Statement(slug=slug).get_absolute_url()
    trailers = f"Statement: {_url(path)}\nVersion: {revision.number}"
    return f"{head}\n\n{body}\n\n{trailers}\n".encode()
