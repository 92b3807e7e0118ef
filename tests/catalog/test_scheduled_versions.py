"""A version replaced before the statement's publication time was never public: the text an
editor corrected before a scheduled publication (a name removed) stays out of the history,
its addresses, the recent changes and their feed, once the time comes."""

from __future__ import annotations

import datetime

import feedparser
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from statements.catalog.recent import changes_recent
from statements.catalog.revisions import (
    revision_context,
    statement_public_revisions,
    statement_revisions,
)
from statements.catalog.services import statement_save
from tests.factories import make_statement

pytestmark = pytest.mark.django_db
TABLES = {"statement": "pgh_obj_id", "statementbody": "pgh_obj_id",
          "authorship": "statement_id", "source": "statement_id",
          "tagging": "content_object_id"}  # fmt: skip


def moved_back(statement_id: int, at: datetime.datetime, to: datetime.datetime) -> None:
    """The revision made at ``at`` as if it had been made at ``to`` (a frozen clock for the
    database's triggers, which write PostgreSQL's own now())."""
    with connection.cursor() as cursor:
        # The event tables refuse any change outside a suppression (migration 0037): this
        # test's clock is one, for the session's next statements.
        cursor.execute("SELECT set_config('archive.suppressing', 'on', false)")
        for table, key in TABLES.items():
            cursor.execute(
                f"UPDATE statements_{table}event SET pgh_created_at = %s "  # noqa: S608
                f"WHERE {key} = %s AND pgh_created_at = %s",
                [to, statement_id, at],
            )
        cursor.execute("SELECT set_config('archive.suppressing', 'off', false)")


@pytest.fixture
def scheduled():
    """Scheduled for an hour ago; written two hours ago with a signatory's name, which the
    editor removed 90 minutes ago (before publication); corrected once more since."""
    now = timezone.now()
    publication = now - datetime.timedelta(hours=1)
    with revision_context(by="test"):
        statement = make_statement(
            "Call of the assembly",
            slug="call-of-the-assembly",
            published_at=publication,
            body="We call for a strike.\n\nSigned: Jane Hidden, Tenants Union.",
        )
    first = statement_revisions(statement_id=statement.pk)[-1].at
    moved_back(statement.pk, first, now - datetime.timedelta(hours=2))
    with revision_context(reason="removed Jane Hidden at her request"):
        statement.body = "We call for a strike.\n\nSigned: Tenants Union."
        statement_save(statement=statement, body_changed=True)
    second = statement_revisions(statement_id=statement.pk)[-1].at
    moved_back(statement.pk, second, now - datetime.timedelta(minutes=90))
    with revision_context(reason="a typo"):
        statement.body = "We call for a general strike.\n\nSigned: Tenants Union."
        statement_save(statement=statement, body_changed=True)
    return statement


def test_versions_replaced_before_publication_are_never_public(client, scheduled):
    revisions = statement_revisions(statement_id=scheduled.pk)
    assert [r.public for r in revisions] == [False, True, True]
    assert [r.number for r in statement_public_revisions(statement_id=scheduled.pk)] == [3, 2]
    slug = scheduled.slug
    assert client.get(reverse("statements:statement_version", args=[slug, 1])).status_code == 404
    assert client.get(f"/statements/{slug}/v/1.bib").status_code == 404
    assert client.get(reverse("statements:statement_version", args=[slug, 2])).status_code == 200
    history = client.get(reverse("statements:statement_history", args=[slug])).content.decode()
    assert "Jane Hidden" not in history and "at her request" not in history
    # The version that became public at the publication time is public, and says so.
    version = client.get(reverse("statements:statement_version", args=[slug, 2])).content
    assert b"Jane Hidden" not in version and b"Tenants Union" in version


def test_recent_changes_and_their_feed_leave_them_out(client, scheduled):
    mine = [c for c in changes_recent() if c.slug == scheduled.slug]
    assert [c.revision.number for c in mine] == [3, 2]
    feed = feedparser.parse(client.get("/changes.atom").content)
    links = [e.link for e in feed.entries if scheduled.slug in e.link]
    assert links and not any(link.endswith("/v/1/") for link in links)
    page = client.get("/changes/").content.decode()
    assert "at her request" not in page and f"/{scheduled.slug}/v/1/" not in page
