"""Hiding and suppressing versions: the public history keeps a struck-through row and the
version's address answers 410; editors with the permission still read a hidden version;
a suppression removes the content from the database (pg_dump finds it nowhere) and leaves
the number, time, hash and tombstone; the event tables refuse any other change.

Transactional: a version is a transaction."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from statements.catalog.revisions import revision_context, statement_revisions
from statements.catalog.services import statement_save
from statements.core.records import SourceData
from statements.models import HiddenVersion, Redaction, Statement
from statements.redaction.log import RedactionRefused
from statements.redaction.versions import version_hide, version_suppress, version_unhide
from tests.factories import make_editor, make_statement, make_suppressor, query_count
from tests.redaction.helpers import pg_dump_text

pytestmark = pytest.mark.django_db(transaction=True)

MARKER = "Flat 4, 12 Quay Street, marker-7f3a"


def _edit(statement: Statement, body: str, reason: str = "") -> None:
    with revision_context(reason=reason):
        statement.body = body
        statement_save(statement=statement, body_changed=True)


@pytest.fixture
def letter():
    """Three versions: v2 carries an address published by mistake; v3 removes it."""
    with revision_context(by="test"):
        statement = make_statement(
            "Letter from the dock workers",
            slug="dock-letter",
            body="We stop work on Monday.",
            authors=["Dock Union"],
            sources=[SourceData(url="https://docks.example.org/letter", site_name="Docks")],
        )
    _edit(statement, f"We stop work on Monday. Write to us at {MARKER}.", "added the address")
    _edit(statement, "We stop work on Monday. Write to the union.", "removed the address")
    return Statement.objects.get(pk=statement.pk)


def test_hidden_version_keeps_its_row_and_answers_410(client, letter):
    version_hide(statement=letter, numbers=[2], text=True, reason=False, reason_class="privacy")
    history = client.get("/statements/dock-letter/history/").content.decode()
    assert "<del>Version 2</del>" in history and "Hidden on" in history and "(Privacy)" in history
    assert MARKER not in history and "added the address" not in history
    gone = client.get("/statements/dock-letter/v/2/")
    assert gone.status_code == 410 and MARKER not in gone.content.decode()
    assert "Version 2 of this statement is hidden." in gone.content.decode()
    assert client.get("/statements/dock-letter/v/2.bib").status_code == 410
    assert client.get("/statements/dock-letter/v/1/").status_code == 200
    changes = client.get("/changes/").content.decode()
    assert "<del>version 2</del>" in changes and "added the address" not in changes
    feed = client.get("/changes.atom").content.decode()
    assert "added the address" not in feed and "Hidden on" in feed


def test_only_the_reason_can_be_hidden(client, letter):
    version_hide(statement=letter, numbers=[3], text=False, reason=True, reason_class="error")
    # v3 is the current version: its reason may be hidden, its text stays public.
    assert client.get("/statements/dock-letter/v/3/").status_code == 200
    history = client.get("/statements/dock-letter/history/").content.decode()
    assert "removed the address" not in history and "reason hidden" in history


def test_the_current_version_cannot_be_hidden(letter):
    with pytest.raises(RedactionRefused, match="current version"):
        version_hide(statement=letter, numbers=[3], text=True, reason=False, reason_class="error")
    assert not HiddenVersion.objects.exists() and not Redaction.objects.exists()


def test_editor_with_the_permission_sees_a_hidden_version_and_one_without_gets_403(client, letter):
    version_hide(statement=letter, numbers=[2], text=True, reason=False, reason_class="safety")
    url = reverse("admin:statements_statement_revision", args=[letter.pk, 2])
    client.force_login(make_editor("keeper"))
    page = client.get(url)
    assert page.status_code == 200 and MARKER in page.content.decode()
    assert "hidden from the public" in page.content.decode()
    outsider = make_editor("outsider")
    outsider.groups.clear()
    outsider.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_statement", "change_statement"])
    )
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    history = client.get(reverse("admin:statements_statement_history", args=[letter.pk]))
    assert "<del>Version 2</del>" in history.content.decode()


def test_unhide_restores_the_version_and_is_logged(client, letter):
    version_hide(statement=letter, numbers=[2], text=True, reason=True, reason_class="error")
    assert version_unhide(statement=letter, numbers=[2]) == 1
    page = client.get("/statements/dock-letter/v/2/")
    assert page.status_code == 200 and MARKER in page.content.decode()
    assert list(Redaction.objects.order_by("pk").values_list("act", flat=True)) == [
        "hide",
        "unhide",
    ]


def test_suppression_removes_the_text_from_the_database_and_keeps_the_tombstone(client, letter):
    sha = hashlib.sha256(f"We stop work on Monday. Write to us at {MARKER}.".encode()).hexdigest()
    assert statement_revisions(statement_id=letter.pk)[1].body_sha256 == sha
    assert MARKER in pg_dump_text()
    plan = version_suppress(statement=letter, numbers=[2], reason_class="privacy", note="asked")
    assert plan.numbers == [2]
    assert MARKER not in pg_dump_text()
    revisions = statement_revisions(statement_id=letter.pk)
    assert [r.number for r in revisions] == [1, 2, 3]
    second = revisions[1]
    assert second.suppressed and second.body_sha256 == sha and second.hidden_class == "privacy"
    tombstone = HiddenVersion.objects.get(statement_id=letter.pk, number=2)
    assert tombstone.body_sha256 == sha and tombstone.suppressed_at is not None
    assert client.get("/statements/dock-letter/v/2/").status_code == 410
    history = client.get("/statements/dock-letter/history/").content.decode()
    assert "<del>Version 2</del>" in history and sha in history
    # The versions beside it still read as they did.
    assert "We stop work on Monday." in client.get("/statements/dock-letter/v/1/").content.decode()
    assert client.get("/statements/dock-letter/").status_code == 200
    log = Redaction.objects.get()
    assert log.act == "suppress" and log.details["versions"] == [2] and log.note == "asked"


def test_a_suppression_reaches_the_versions_that_share_the_text(letter):
    # v4 changes only the tags: v3's text is still the current one, and v3 cannot go.
    with revision_context(reason="tagged"):
        letter.tags.add("dockers")
    with pytest.raises(RedactionRefused):
        version_suppress(statement=letter, numbers=[3], reason_class="error")
    # v2's text was replaced by v3: suppressing v2 reaches v2 only.
    assert version_suppress(statement=letter, numbers=[2], reason_class="error").numbers == [2]


@pytest.mark.parametrize("table", ["statementevent", "statementbodyevent", "authorshipevent",
                                   "sourceevent", "taggingevent"])  # fmt: skip
def test_the_event_tables_refuse_any_update_or_delete_outside_a_suppression(letter, table):
    letter.tags.add("ports")
    statement_save(statement=letter)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM statements_{table}")  # noqa: S608
        assert cursor.fetchone()[0] > 0
    statements = (
        f"UPDATE statements_{table} SET pgh_label = pgh_label",  # noqa: S608
        f"DELETE FROM statements_{table}",  # noqa: S608
    )
    for sql in statements:
        with (
            pytest.raises(DatabaseError, match="never changed"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)


def test_history_pages_run_the_same_queries_with_hidden_versions(client, letter):
    before, _ = query_count(client, "/statements/dock-letter/history/")
    version_hide(statement=letter, numbers=[1, 2], text=True, reason=False, reason_class="error")
    after, page = query_count(client, "/statements/dock-letter/history/")
    assert page.count("<del>Version") == 2
    assert before == after


def test_suppress_needs_its_own_permission_and_a_confirmation(client, letter):
    url = reverse("admin:statements_statement_suppress", args=[letter.pk, 2])
    client.force_login(make_editor("plain-editor"))
    assert client.get(url).status_code == 403
    client.force_login(make_suppressor("overseer"))
    page = client.get(url)
    assert page.status_code == 200 and "cannot be undone" in page.content.decode()
    unconfirmed = client.post(url, {"reason_class": "privacy"})
    assert unconfirmed.status_code == 200 and not HiddenVersion.objects.exists()
    done = client.post(url, {"reason_class": "privacy", "confirm": "on"})
    assert done.status_code == 302 and HiddenVersion.objects.get().suppressed_at


def test_hiding_from_the_admin_needs_the_csrf_token(letter):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_editor("careful"))
    url = reverse("admin:statements_statement_withhold", args=[letter.pk, 2])
    refused = strict.post(url, {"reason_class": "privacy", "text": "on"})
    assert refused.status_code == 403 and not HiddenVersion.objects.exists()
    page = strict.get(reverse("admin:statements_statement_revision", args=[letter.pk, 2]))
    token = page.cookies["csrftoken"].value
    done = strict.post(url, {"reason_class": "privacy", "text": "on", "csrfmiddlewaretoken": token})
    assert done.status_code == 302 and HiddenVersion.objects.get().text_hidden
