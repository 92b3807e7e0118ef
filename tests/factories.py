"""Small factory functions: each makes one thing through the project's own services."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from statements.catalog.services import author_get_or_create, statement_create
from statements.core.dates import PartialDate
from statements.core.records import AuthorCredit, SourceData, StatementData
from statements.models import Author, Statement

_counter = itertools.count(1)


@contextmanager
def module_transaction(django_db_blocker) -> Iterator[None]:
    """A transaction for what a module-scoped fixture builds, rolled back after the module;
    each test still runs in a savepoint of its own (it takes ``db``)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def make_author(name: str | None = None, kind: str = Author.Kind.COLLECTIVE) -> Author:
    return author_get_or_create(name=name or f"Collective {next(_counter)}", kind=kind)


def make_statement(
    title: str | None = None,
    *,
    issued: str | None = None,
    published: bool = True,
    published_at: datetime.datetime | None = None,
    authors: list[str] = (),
    signatories: list[str] = (),
    tags: list[str] = (),
    sources: list[SourceData] = (),
    **fields,
) -> Statement:
    number = next(_counter)
    status = Statement.Status.PUBLISHED if published else Statement.Status.DRAFT
    if published and published_at is None:
        published_at = timezone.now() - datetime.timedelta(days=1)
    credits = [AuthorCredit(name=name) for name in authors]
    credits += [AuthorCredit(name=name, role="signatory") for name in signatories]
    data = StatementData(
        title=title or f"Statement {number}",
        body=fields.pop("body", f"Body of statement {number}."),
        issued=PartialDate.parse(issued) if issued else None,
        status=status,
        published_at=published_at,
        credits=credits,
        tags=list(tags),
        sources=list(sources),
        **fields,
    )
    return statement_create(data=data)


def editors_group() -> Group:
    """The Editors group the migrations make (0003, and 0016 for the kept files), made again
    from their definition where a transactional test has emptied every table (browser
    tests do)."""
    import importlib

    from django.contrib.auth.models import Permission

    group, created = Group.objects.get_or_create(name="Editors")
    if created:
        editors = importlib.import_module("statements.migrations.0003_editors_group")
        permissions = Permission.objects.filter(
            content_type__app_label="statements", content_type__model__in=editors.EDITOR_MODELS
        )
        viewed = ["view_importedfile", "view_sourcelink", "view_sourcecheck", "view_sourcecapture"]
        # 0037: editors hide versions and see hidden ones; suppressing is the Suppressors'.
        viewed += ["hide_versions", "view_hidden_versions"]
        group.permissions.add(*permissions, *Permission.objects.filter(codename__in=viewed))
    return group


def suppressors_group() -> Group:
    """The Suppressors group of migration 0037, made again where a transactional test has
    emptied every table."""
    from django.contrib.auth.models import Permission

    group, created = Group.objects.get_or_create(name="Suppressors")
    if created:
        codenames = ["hide_versions", "view_hidden_versions", "suppress_versions", "view_redaction"]
        group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    return group


def make_suppressor(username: str = "suppressor") -> User:
    """An editor who is also a Suppressor."""
    user = make_editor(username)
    user.groups.add(suppressors_group())
    return user


def make_editor(username: str = "editor") -> User:
    user = User.objects.create_user(username=username, password="a-long-test-password-1")
    user.is_staff = True
    user.save()
    user.groups.add(editors_group())
    return user


def query_count(client, url: str, *, cold: bool = True) -> tuple[int, str]:
    """The number of SQL queries a GET of ``url`` runs (it must answer 200), and the page.

    ``cold``: as the first view after a change, when the kept counts and fragments are made
    again (statements.catalog.summary and cards); else as the views after it."""
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from statements.catalog.summary import archive_summary_changed

    if cold:
        archive_summary_changed()
        caches["fragments"].clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


def query_counts(client, url: str, *, grow, cold: bool = True) -> tuple[int, int]:
    """The number of SQL queries a GET of ``url`` runs, before and after ``grow()`` adds
    to the archive: a page whose cost does not depend on its content gives the same two."""
    if not cold:
        query_count(client, url, cold=False)  # the first view after the archive was made
    before, _ = query_count(client, url, cold=cold)
    grow()
    if not cold:
        query_count(client, url, cold=False)  # the first view after the change
    after, _ = query_count(client, url, cold=cold)
    return before, after


def small_archive_build() -> dict[str, Statement]:
    """The small archive the page and tool tests read: six public statements with a day, a
    month, a year or no date, a signatory, a source, two languages, plus a draft and a
    statement scheduled for later that share a public author and tag (so that a page
    leaking them would show them). Keyed by what each one is there for."""
    later = timezone.now() + datetime.timedelta(days=2)
    return {
        "rent": make_statement(
            "Rent strike now",
            slug="rent-strike-now",
            issued="2025-03",
            authors=["Harbour Collective"],
            signatories=["Group A"],
            tags=["housing", "rent"],
            language="en",
            summary="Stop paying rent.",
            body="Stop paying *rent*.",
            sources=[
                SourceData(
                    url="https://example.org/call",
                    retrieved_on=PartialDate.parse("2025-04"),
                    note="Retrieved in April 2025",
                )
            ],
        ),
        "day": make_statement(
            "Sample 1",
            slug="sample-1",
            issued="2025-03-13",
            authors=["Harbour Collective"],
            tags=["housing"],
            language="en",
        ),
        "year": make_statement(
            "Year only",
            slug="year-only",
            issued="2025",
            authors=["Harbour Collective"],
            tags=["housing"],
            language="fr",
        ),
        "march": make_statement(
            "March", slug="march", issued="2025-03", authors=["Other Collective"], language="fr"
        ),
        "old": make_statement(
            "Old call",
            slug="old-call",
            issued="1999-07",
            authors=["Dock Union"],
            tags=["rent"],
            body="rent",
        ),
        "undated": make_statement(
            "Undated", slug="undated", authors=["Other Collective"], tags=["ecology"]
        ),
        "draft": make_statement(
            "Secret draft",
            slug="secret-draft",
            published=False,
            issued="2025-03",
            authors=["Hidden Group", "Harbour Collective"],
            tags=["leak", "housing"],
            body="rent",
        ),
        "scheduled": make_statement(
            "Scheduled one",
            slug="scheduled-one",
            published_at=later,
            issued="1980",
            authors=["Hidden Group", "Harbour Collective"],
            tags=["leak", "housing"],
            body="rent",
        ),
    }


def small_archive_grow() -> None:
    """Four more public statements with their own authors and tags, sharing the small
    archive's Harbour Collective and housing: for query counts that must not grow."""
    for n in range(4):
        make_statement(
            f"Rent {n}",
            authors=[f"G{n}", "Harbour Collective"],
            tags=["housing", f"t{n}"],
            body="rent",
        )


def children_cpu_seconds() -> float:
    """Processor time used so far by this process's reaped children (conversions): what the
    tests assert of a bounded conversion, which a loaded machine does not change."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
