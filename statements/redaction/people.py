"""Removing a person from the archive, at their request or for their safety, in one act.

Their credits are removed from every statement (a new version each, which also re-issues
the statement to harvesters with a new datestamp); every earlier version that listed them
is suppressed (or, for an editor who may not suppress, hidden); their author record becomes
a tombstone with no name, their alternative names and identifiers dropped, and their old
addresses answer 410 (kept as SHA-256 digests: the paths spell the name). The search's names
and vocabulary, the page and fragment caches, the statements' kept files and every kept book
follow. What the archive's own log held of the name (the admin's log lines, the reasons of
changes, import reports, imported files) is rewritten or emptied.

Text is never changed automatically: statements, earlier versions, sources and captured
pages that spell the name are listed for the editor, who edits or hides them."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from statements.catalog.changes import public_pages_changed
from statements.catalog.indexing import statement_search_names_refresh
from statements.catalog.revisions import Revision, revision_context, statement_revisions
from statements.core.names import name_fold
from statements.editions.services import editions_kept, editions_remove
from statements.editions.shelf import books_remove_all
from statements.models import (
    Author,
    AuthorRedirect,
    Authorship,
    AuthorshipEvent,
    ImportedFile,
    Redaction,
    RemovedAddress,
    RemovedName,
    Source,
    SourceCapture,
    SourceLink,
    Statement,
    address_digest,
    name_digest,
)
from statements.redaction.log import RedactionRefused, act_record, caches_clear_on_commit
from statements.redaction.versions import versions_tombstone
from statements.sources import replay

# What a removed person's record is called (it has no name; it is unique by its number).
TOMBSTONE = "(removed person {pk})"
# Names shorter than this are not looked for in texts: "Al" would match everywhere.
SHORTEST_NAME = 4


@dataclass
class RemovalPlan:
    """Everything a removal reaches, for its confirmation page."""

    author: Author
    names: list[str]
    statements: list[Statement] = field(default_factory=list)
    # statement id → the versions that list the person (all before the removal)
    versions: dict[int, list[Revision]] = field(default_factory=dict)
    kept_files: int = 0
    # The slugs of their author page and of the redirects to it (answered 410 after)
    addresses: list[str] = field(default_factory=list)
    # What spells the name, for the editor: (statement, where) and captures
    texts: list[tuple[Statement, str]] = field(default_factory=list)
    captures: list[SourceCapture] = field(default_factory=list)
    imported_files: list[ImportedFile] = field(default_factory=list)

    @property
    def version_count(self) -> int:
        return sum(len(v) for v in self.versions.values())


def _names(author: Author) -> list[str]:
    names = [author.name, *author.alternative_name_list]
    return [n for n in dict.fromkeys(n.strip() for n in names) if len(n) >= SHORTEST_NAME]


def _listing_versions(statement_id: int, author_id: int) -> list[Revision]:
    """The statement's versions whose credits include the author."""
    revisions = statement_revisions(statement_id=statement_id)
    events = list(
        AuthorshipEvent.objects.filter(statement_id=statement_id)
        .order_by("pgh_created_at", "pgh_id")
        .values_list("pgh_created_at", "id", "author_id", "pgh_label")
    )
    listing = []
    for revision in revisions:
        state: dict[int, tuple[int, str]] = {}
        for created, credit_id, credited_id, label in events:
            if created > revision.at:
                break
            state[credit_id] = (credited_id, label)
        if any(a == author_id and label != "delete" for a, label in state.values()):
            listing.append(revision)
    return listing


_TEXT_COLUMNS = {
    "the current text or details": """
        SELECT id FROM statements_statement
         WHERE archive_fold(concat_ws(' ', title, subtitle, summary, body, editorial_notes,
                                      place, metadata::text)) LIKE %(like)s""",
    "an earlier version's text": """
        SELECT DISTINCT pgh_obj_id FROM statements_statementbodyevent
         WHERE archive_fold(body) LIKE %(like)s""",
    "an earlier version's details": """
        SELECT DISTINCT pgh_obj_id FROM statements_statementevent
         WHERE archive_fold(concat_ws(' ', title, subtitle, summary, editorial_notes, place,
                                      metadata::text)) LIKE %(like)s""",
    "a source": """
        SELECT DISTINCT statement_id FROM statements_sourceevent
         WHERE archive_fold(concat_ws(' ', url, site_name, note)) LIKE %(like)s""",
}


def _like(name: str) -> str:
    return "%" + re.sub(r"([\\%_])", r"\\\1", name_fold(name)) + "%"


def _texts_naming(names: list[str]) -> list[tuple[int, str]]:
    found: dict[tuple[int, str], None] = {}
    with connection.cursor() as cursor:
        for name in names:
            for where, sql in _TEXT_COLUMNS.items():
                cursor.execute(sql, {"like": _like(name)})
                found.update(dict.fromkeys((row[0], where) for row in cursor.fetchall()))
    return list(found)


def _capture_names(capture: SourceCapture, folded: list[str]) -> bool:
    """Whether the capture's page spells one of the names (its kept page, bounded)."""
    try:
        kept = replay.capture_records(
            capture,
            read=lambda _, url: url == capture.url,
            limit=settings.ARCHIVE_REPLAY_PAGE_BYTES,
        )
    except OSError:
        return False
    page = replay.page_of(capture, kept)
    if page is None or not page.body:
        return False
    text = name_fold(html.unescape(page.body.decode(replay.charset_of(page), errors="replace")))
    return any(name in text for name in folded)


def _captures_naming(statement_ids: set[int], names: list[str]) -> list[SourceCapture]:
    urls = Source.objects.filter(statement_id__in=statement_ids).exclude(url="")
    links = SourceLink.objects.filter(url__in=urls.values("url"))
    captures = SourceCapture.objects.filter(link__in=links, suppressed_at__isnull=True)
    folded = [name_fold(n) for n in names]
    return [c for c in captures.order_by("pk") if _capture_names(c, folded)]


def _imported_files_naming(names: list[str]) -> list[ImportedFile]:
    """The imported files that spell one of the names, read a few at a time (a file is kept
    whole, and an archive holds thousands)."""
    folded = [name_fold(name) for name in names]
    files = ImportedFile.objects.only("pk", "sha256", "name", "size", "content")
    return [
        imported
        for imported in files.iterator(chunk_size=20)
        if any(
            name in name_fold(bytes(imported.content).decode("utf-8", errors="replace"))
            for name in folded
        )
    ]


def person_removal_plan(*, author: Author) -> RemovalPlan:
    """What removing ``author`` reaches: their statements (now or in their history), the
    versions that list them, kept files, their old addresses, and the texts, captured
    pages and imported files that spell their name."""
    if author.removed_at is not None:
        raise RedactionRefused("This person has already been removed.")
    names = _names(author)
    ids = set(Authorship.objects.filter(author=author).values_list("statement_id", flat=True))
    ids |= set(
        AuthorshipEvent.objects.filter(author_id=author.pk).values_list("statement_id", flat=True)
    )
    statements = list(Statement.objects.filter(pk__in=ids).order_by("title", "pk"))
    plan = RemovalPlan(author=author, names=names, statements=statements)
    for statement in statements:
        listing = _listing_versions(statement.pk, author.pk)
        if listing:
            plan.versions[statement.pk] = listing
    plan.addresses = [
        author.slug,
        *AuthorRedirect.objects.filter(author=author).values_list("old_slug", flat=True),
    ]
    texts = _texts_naming(names)
    named = Statement.objects.filter(pk__in={pk for pk, _ in texts}).only("pk", "title", "slug")
    by_pk = {s.pk: s for s in named}
    plan.texts = [(by_pk[pk], where) for pk, where in texts if pk in by_pk]
    plan.kept_files = len(editions_kept(statement_ids=ids))
    plan.captures = _captures_naming(ids, names)
    plan.imported_files = _imported_files_naming(names)
    return plan


def _log_rewrite(names: list[str], replacement: str) -> int:
    """Rewrite the name out of the admin's log lines, the reasons of changes, the notes of
    earlier acts and the import reports (letter case aside)."""
    pattern = "|".join(re.escape(name) for name in names)
    changed = 0
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE django_admin_log
               SET object_repr = regexp_replace(object_repr, %(p)s, %(r)s, 'gi'),
                   change_message = regexp_replace(change_message, %(p)s, %(r)s, 'gi')
             WHERE object_repr ~* %(p)s OR change_message ~* %(p)s
            """,
            {"p": pattern, "r": replacement},
        )
        changed += cursor.rowcount
        cursor.execute(
            """
            UPDATE pghistory_context
               SET metadata = jsonb_set(metadata, '{reason}', to_jsonb(
                   regexp_replace(metadata->>'reason', %(p)s, %(r)s, 'gi')))
             WHERE metadata->>'reason' ~* %(p)s
            """,
            {"p": pattern, "r": replacement},
        )
        changed += cursor.rowcount
        cursor.execute(
            """
            UPDATE statements_redaction SET note = regexp_replace(note, %(p)s, %(r)s, 'gi')
             WHERE note ~* %(p)s
            """,
            {"p": pattern, "r": replacement},
        )
        changed += cursor.rowcount
        cursor.execute(
            """
            UPDATE statements_job
               SET report = regexp_replace(report::text, %(p)s, %(r)s, 'gi')::jsonb,
                   message = regexp_replace(message, %(p)s, %(r)s, 'gi')
             WHERE report::text ~* %(p)s OR message ~* %(p)s
            """,
            {"p": pattern, "r": replacement},
        )
        changed += cursor.rowcount
    return changed


def person_remove(
    *, author: Author, reason_class: str, note: str = "", user=None, suppress: bool = True
) -> RemovalPlan:
    """Remove ``author`` from every surface of the archive (see the module's docstring).
    ``suppress``: earlier versions listing them are suppressed (False: hidden, for an
    editor without the permission to suppress)."""
    plan = person_removal_plan(author=author)
    folded_note = name_fold(note)
    if any(name_fold(name) in folded_note for name in [author.name, *author.alternative_name_list]):
        raise RedactionRefused("The private note must not spell the person's name.")
    with transaction.atomic():
        locked = Author.objects.select_for_update().get(pk=author.pk)
        if locked.removed_at is not None:
            raise RedactionRefused("This person has already been removed.")
        replacement = TOMBSTONE.format(pk=author.pk)
        credited_now = list(
            Authorship.objects.filter(author=author).values_list("statement_id", flat=True)
        )
        ids = [s.pk for s in plan.statements]
        with revision_context(reason="Credits removed to protect a person"):
            Authorship.objects.filter(author=author).delete()
            # The statements are re-issued (OAI-PMH datestamps, feeds' updated times).
            Statement.objects.filter(pk__in=credited_now).update(updated_at=timezone.now())
            # Every statement the plan reached, not only those crediting them now: a names
            # column written before a credit was dropped by hand still spells them.
            statement_search_names_refresh(statement_ids=ids)
        for statement_id, versions in plan.versions.items():
            versions_tombstone(
                statement_id=statement_id,
                versions=versions,
                reason_class=reason_class,
                suppressed=suppress,
            )
        now = timezone.now()
        RemovedName.objects.bulk_create(
            [
                RemovedName(sha256=name_digest(n), removed_at=now)
                for n in {author.name, *author.alternative_name_list}
            ],
            ignore_conflicts=True,
        )
        RemovedAddress.objects.bulk_create(
            [RemovedAddress(sha256=address_digest(s), removed_at=now) for s in plan.addresses],
            ignore_conflicts=True,
        )
        AuthorRedirect.objects.filter(author=author).delete()
        Author.objects.filter(pk=author.pk).update(
            name=replacement,
            slug=f"removed-{author.pk}",
            kind=Author.Kind.PERSON,
            alternative_names="",
            description="",
            website="",
            location="",
            wikidata_id="",
            viaf_id="",
            removed_at=now,
            updated_at=now,
        )
        rewritten = _log_rewrite(plan.names or [author.name], replacement)
        emptied = []
        if suppress:
            for imported in plan.imported_files:
                ImportedFile.objects.filter(pk=imported.pk).update(content=b"")
                emptied.append(imported.sha256)
        files = editions_remove(statement_ids=ids) + books_remove_all()
        act_record(
            act=Redaction.Act.REMOVE_PERSON,
            user=user,
            reason_class=reason_class,
            note=note,
            author_id=author.pk,
            details={
                "statements": ids,
                "versions": {str(k): [r.number for r in v] for k, v in plan.versions.items()},
                "version_ats": {
                    str(k): [r.at.isoformat() for r in v] for k, v in plan.versions.items()
                },
                "suppressed": suppress,
                "addresses": [address_digest(s) for s in plan.addresses],
                "files_deleted": files,
                "log_lines_rewritten": rewritten,
                "imported_files_emptied": emptied,
                "texts_to_review": len(plan.texts),
                "captures_to_review": [c.pk for c in plan.captures],
            },
        )
        public_pages_changed(statements=ids, authors=[author.pk])
        caches_clear_on_commit()
    return plan
