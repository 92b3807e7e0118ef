"""Small factory functions: each makes one thing through the project's own services."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import Group, User
from django.utils import timezone

from statements.catalog.services import author_get_or_create, statement_create
from statements.core.dates import PartialDate
from statements.core.records import AuthorCredit, SourceData, StatementData
from statements.models import Author, Statement

_counter = itertools.count(1)


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
        group.permissions.add(*permissions, Permission.objects.get(codename="view_importedfile"))
    return group


def make_editor(username: str = "editor") -> User:
    user = User.objects.create_user(username=username, password="a-long-test-password-1")
    user.is_staff = True
    user.save()
    user.groups.add(editors_group())
    return user


def query_counts(client, url: str, *, grow) -> tuple[int, int]:
    """The number of SQL queries a GET of ``url`` runs, before and after ``grow()`` adds
    to the archive: a page whose cost does not depend on its content gives the same two."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for step in range(2):
        if step:
            grow()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts.append(len(queries))
    return counts[0], counts[1]
