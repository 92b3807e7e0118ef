"""Revision history: every path that writes a statement leaves a revision with who, when,
why and the full state (triggers catch what Python never sees); the admin compares and
restores; the public reads published versions at citable addresses.

Transactional tests: a revision is a transaction, and a test inside one transaction would
see all its changes as one."""

from __future__ import annotations

import hashlib
import json

import bibtexparser
import feedparser
import pytest
import rispy
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from statements.catalog.diffs import text_diff
from statements.catalog.merging import author_merge, tag_merge
from statements.catalog.revisions import (
    revision_context,
    statement_restore,
    statement_revisions,
)
from statements.catalog.services import statement_credits_append, statement_save
from statements.core.records import AuthorCredit
from statements.ingest.services import statement_import
from statements.models import Author, Statement, Tag
from tests.factories import make_editor, make_statement, query_count

pytestmark = pytest.mark.django_db(transaction=True)


def revisions_of(statement) -> list:
    return statement_revisions(statement_id=statement.pk)


def last(statement):
    return revisions_of(statement)[-1]


@pytest.fixture
def letter():
    with revision_context(by="test"):
        return make_statement(
            "Open letter on rents",
            slug="open-letter-on-rents",
            authors=["Tenants Union"],
            tags=["housing"],
            body="We ask for lower rents.\n\nSigned in anger.",
        )


@pytest.fixture
def signed_in(client):
    editor = make_editor("writer")
    client.force_login(editor)
    return client


def admin_form(statement, **changes) -> dict:
    """The statement's change form as the admin would post it, with ``changes``."""
    data = {
        "status": statement.status,
        "published_at_0": statement.published_at.strftime("%Y-%m-%d")
        if statement.published_at
        else "",
        "published_at_1": statement.published_at.strftime("%H:%M:%S")
        if statement.published_at
        else "",
        "title": statement.title,
        "subtitle": statement.subtitle,
        "slug": statement.slug,
        "summary": statement.summary,
        "body": statement.body,
        "issued": "",
        "date_text": statement.date_text,
        "place": statement.place,
        "language": statement.language,
        "tags": ", ".join(t.name for t in statement.tags.all()),
        "rights": statement.rights,
        "editorial_notes": statement.editorial_notes,
        **({"signatories_public": "on"} if statement.signatories_public else {}),
        "signatories_paste": "",
        "revision_reason": "",
    }
    for prefix, rows in (
        ("authorships", statement.authorships.all()),
        ("sources", statement.sources.all()),
        ("slug_redirects", []),
    ):
        rows = list(rows)
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": str(len(rows)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = str(row.pk)
            data[f"{prefix}-{i}-statement"] = str(statement.pk)
            if prefix == "authorships":
                data |= {
                    f"{prefix}-{i}-author": str(row.author_id),
                    f"{prefix}-{i}-role": row.role,
                    f"{prefix}-{i}-position": str(row.position),
                }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


def new_statement_form(**fields) -> dict:
    """The admin's add form as posted for a draft with ``fields`` and no inline rows."""
    management = {
        f"{prefix}-{key}": value
        for prefix in ("authorships", "sources", "slug_redirects")
        for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"),
                           ("MIN_NUM_FORMS", "0"), ("MAX_NUM_FORMS", "1000"))
    }  # fmt: skip
    return {"status": "draft", **fields, **management}


class TestEveryWritePathLeavesARevision:
    """Each way the archive writes a statement, and two it does not control (a bulk update
    and raw SQL), makes one more revision, which says who or what made it."""

    def test_the_service_save_with_its_context(self, letter):
        before = len(revisions_of(letter))
        with revision_context(username="ana", reason="typo", signed=True):
            letter.body = letter.body.replace("anger", "hope")
            statement_save(statement=letter)
        revisions = revisions_of(letter)
        assert len(revisions) == before + 1
        assert (revisions[-1].made_by, revisions[-1].reason, revisions[-1].parts) == (
            "ana",
            "typo",
            ("text",),
        )

    def test_the_admin_change_form_records_the_editor_and_the_reason(self, letter, signed_in):
        url = reverse("admin:statements_statement_change", args=[letter.pk])
        response = signed_in.post(
            url,
            admin_form(
                letter,
                body="We ask for lower rents now.",
                revision_reason="sharper",
                revision_signed="on",
            ),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        revision = last(letter)
        assert (revision.made_by, revision.reason, revision.signed_by) == (
            "writer",
            "sharper",
            "writer",
        )
        # An unsigned change names nobody to the public.
        signed_in.post(url, admin_form(Statement.objects.get(pk=letter.pk), title="Rents"))
        assert last(letter).signed_by == "" and last(letter).made_by == "writer"

    def test_the_admin_add_form(self, signed_in):
        form = new_statement_form(
            title="Added in the admin", slug="added", body="Text.", revision_reason="first draft"
        )
        response = signed_in.post(reverse("admin:statements_statement_add"), form)
        assert response.status_code == 302, response.context["adminform"].form.errors
        statement = Statement.objects.get(title="Added in the admin")
        [revision] = revisions_of(statement)
        assert (revision.made_by, revision.reason) == ("writer", "first draft")

    def test_the_admins_bulk_actions(self, letter, signed_in):
        changelist = reverse("admin:statements_statement_changelist")
        signed_in.post(changelist, {"action": "unpublish", "_selected_action": [letter.pk]})
        unpublished = last(letter)
        assert unpublished.status == "draft" and unpublished.made_by == "writer"
        assert unpublished.reason == "Unpublished from the list of statements"
        signed_in.post(changelist, {"action": "publish", "_selected_action": [letter.pk]})
        assert last(letter).status == "published" and len(revisions_of(letter)) == 3

    def test_a_bulk_update_and_raw_sql_outside_the_archives_code(self, letter):
        Statement.objects.filter(pk=letter.pk).update(title="Bulk")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE statements_statement SET place = 'Leeds' WHERE id = %s", [letter.pk]
            )
        revisions = revisions_of(letter)
        assert [r.title for r in revisions[-2:]] == ["Bulk", "Bulk"]
        assert [r.made_by for r in revisions[-2:]] == ["unrecorded", "unrecorded"]

    def test_an_import_creates_and_updates_with_the_files_hash(self, letter):
        rows = [
            {
                "slug": "open-letter-on-rents",
                "title": "Open letter on rents",
                "body": "Changed by a file.\n",
                "status": "published",
            },
            *({"slug": f"new-{n}", "title": f"New {n}", "body": "x"} for n in range(3)),
        ]
        raw = "".join(json.dumps(row) + "\n" for row in rows).encode()
        statement_import(files=[("batch.jsonl", raw)])
        who = f"import {hashlib.sha256(raw).hexdigest()}"
        assert last(letter).made_by == who
        for n in range(3):  # the new ones came in through COPY
            [revision] = revisions_of(Statement.objects.get(slug=f"new-{n}"))
            assert revision.made_by == who

    def test_the_import_command_and_a_muse_file(self, tmp_path):
        path = tmp_path / "on-rent.muse"
        path.write_text("#title On rent\n#author Tenants Union\n#topics housing\n\nPay less.\n")
        call_command("import_statements", str(path), verbosity=0)
        statement = Statement.objects.get(title="On rent")
        [revision] = revisions_of(statement)
        assert revision.made_by.startswith("import ") and revision.parts == (
            "credits",
            "tags",
            "text",
        )

    def test_credits_pasted_merged_and_tags_merged(self, letter):
        start = len(revisions_of(letter))
        statement_credits_append(
            statement=letter, credits=[AuthorCredit(name="Ana", role="signatory")]
        )
        other = Author.objects.create(name="Tenants' Union", slug="tenants-union-2")
        author_merge(authors=[Author.objects.get(name="Tenants Union")], into=other)
        make_statement("Other", tags=["Housing rights"])
        tag_merge(
            tags=[Tag.objects.get(name="housing")], into=Tag.objects.get(name="Housing rights")
        )
        parts = [r.parts for r in revisions_of(letter)[start:]]
        assert parts == [("credits",), ("credits",), ("tags",)]

    def test_deleting_leaves_a_last_revision(self, letter, signed_in):
        pk = letter.pk
        signed_in.post(reverse("admin:statements_statement_delete", args=[pk]), {"post": "yes"})
        assert not Statement.objects.filter(pk=pk).exists()
        revision = statement_revisions(statement_id=pk)[-1]
        assert revision.deleted and revision.made_by == "writer"

    def test_the_demo_command(self):
        call_command("load_demo", verbosity=0)
        for statement in Statement.objects.all():
            assert [r.made_by for r in revisions_of(statement)] == ["demo data"]

    def test_derived_columns_alone_make_no_revision(self, letter):
        before = len(revisions_of(letter))
        Statement.objects.filter(pk=letter.pk).update(search_names="x", body_html="<p>x</p>")
        assert len(revisions_of(letter)) == before


class TestRevisionState:
    def test_the_full_state_of_each_revision_and_its_body_hash(self, letter):
        with revision_context(reason="second"), transaction.atomic():  # one revision
            letter.body = "A new text."
            statement_save(statement=letter)
            statement_credits_append(
                statement=letter, credits=[AuthorCredit(name="Ana", role="signatory")]
            )
        first, second = revisions_of(letter)
        assert (
            first.body_sha256
            == hashlib.sha256(b"We ask for lower rents.\n\nSigned in anger.").hexdigest()
        )
        assert second.body_sha256 == hashlib.sha256(b"A new text.").hexdigest()
        assert second.parts == ("credits", "text")

    def test_restore_makes_a_new_revision_and_destroys_nothing(self, letter):
        letter.body, letter.title = "Rewritten.", "Rewritten title"
        statement_save(statement=letter)
        letter.tags.set(["rent"])  # taggit: a removal, then an addition
        first = revisions_of(letter)[0]
        statement_restore(statement=letter, revision=first, reason="vandalism")
        letter.refresh_from_db()
        revisions = revisions_of(letter)
        assert len(revisions) == 5 and revisions[-1].reason == "Restored version 1: vandalism"
        assert (
            letter.title == "Open letter on rents"
            and letter.body == "We ask for lower rents.\n\nSigned in anger."
        )
        assert [t.name for t in letter.tags.all()] == ["housing"]
        assert [a.author.name for a in letter.authorships.all()] == ["Tenants Union"]
        assert revisions[-1].body_sha256 == revisions[0].body_sha256
        assert revisions[1].title == "Rewritten title"  # still there


class TestWordDiff:
    def test_only_the_changed_word_is_marked(self):
        segments = text_diff("We ask for lower rents.\n", "We ask for much lower rents.\n")
        changed = [(s.kind, s.text) for s in segments if s.kind != "equal"]
        assert changed == [("insert", "much ")] or changed == [("insert", " much")]

    def test_long_unchanged_stretches_are_folded(self):
        old = "".join(f"Line {n}.\n" for n in range(100))
        new = old.replace("Line 50.", "Line fifty.")
        segments = text_diff(old, new)
        assert [s.text for s in segments if s.kind == "fold"] == [
            "48 unchanged lines",
            "47 unchanged lines",
        ]
        assert [(s.kind, s.text) for s in segments if s.kind in ("delete", "insert")] == [
            ("delete", "50"),
            ("insert", "fifty"),
        ]


class TestAdminHistory:
    def test_history_compare_and_restore(self, letter, signed_in):
        url = reverse("admin:statements_statement_change", args=[letter.pk])
        signed_in.post(
            url,
            admin_form(
                letter,
                body="We ask for much lower rents.\n\nSigned in anger.",
                revision_reason="stronger",
            ),
        )
        history = signed_in.get(reverse("admin:statements_statement_history", args=[letter.pk]))
        page = history.content.decode()
        assert "Version 2" in page and "stronger" in page and "writer" in page
        compare = signed_in.get(reverse("admin:statements_statement_revision", args=[letter.pk, 2]))
        assert "<ins>much </ins>" in compare.content.decode()
        response = signed_in.post(
            reverse("admin:statements_statement_revision", args=[letter.pk, 1]),
            {"reason": "too strong"},
        )
        assert response.status_code == 302
        letter.refresh_from_db()
        assert letter.body == "We ask for lower rents.\n\nSigned in anger."
        assert last(letter).reason == "Restored version 1: too strong"

    def test_a_version_that_does_not_exist_is_a_404(self, letter, signed_in):
        url = reverse("admin:statements_statement_revision", args=[letter.pk, 99])
        assert signed_in.get(url).status_code == 404

    def test_readers_cannot_restore(self, letter, client):
        url = reverse("admin:statements_statement_revision", args=[letter.pk, 1])
        assert client.post(url, {"reason": "x"}).status_code == 302  # to the login page
        assert len(revisions_of(letter)) == 1


class TestPublicHistory:
    def test_only_public_versions_and_only_signed_names(self, letter):
        with revision_context(username="ana", reason="fixed a typo"):
            letter.body = "We ask for lower rents!"
            statement_save(statement=letter)
        Statement.objects.filter(pk=letter.pk).update(status="draft")
        with revision_context(username="bo", reason="secret draft work", signed=True):
            letter.refresh_from_db()
            letter.body = "Draft text nobody saw."
            statement_save(statement=letter)
        Statement.objects.filter(pk=letter.pk).update(status="published")
        with revision_context(username="cy", reason="published again", signed=True):
            letter.refresh_from_db()
            letter.title = "Open letter on rents (corrected)"
            statement_save(statement=letter)
        from django.test import Client

        page = Client().get(f"/statements/{letter.slug}/history/").content.decode()
        assert "fixed a typo" in page and "published again" in page and "by cy" in page
        assert (
            "secret draft work" not in page
            and "bo" not in page.split("<main")[1].split("</main>")[0].split()
            and "ana" not in page
        )
        numbers = [r.number for r in revisions_of(letter) if r.public]
        # 5: published again with the draft's text, which readers could then read.
        assert numbers == [1, 2, 5, 6]
        for number in (3, 4):  # the unpublishing, and the work on the draft: not public
            assert Client().get(f"/statements/{letter.slug}/v/{number}/").status_code == 404

    def test_an_earlier_version_reads_as_it_was_and_points_to_the_current(self, letter, client):
        letter.body = "A different text now."
        statement_save(statement=letter)
        letter.tags.set(["rent"])
        page = client.get(f"/statements/{letter.slug}/v/1/").content.decode()
        assert "Signed in anger." in page and "A different text now" not in page
        assert "An earlier version" in page and f'href="/statements/{letter.slug}/"' in page
        assert ">housing<" in page and ">rent<" not in page
        assert "Version 1 of" in page  # the citation names the version
        latest = len(revisions_of(letter))
        current = client.get(f"/statements/{letter.slug}/v/{latest}/").content.decode()
        assert "the current one" in current
        detail = client.get(f"/statements/{letter.slug}/").content.decode()
        assert f'href="/statements/{letter.slug}/history/"' in detail

    def test_drafts_have_no_public_history(self, client):
        draft = make_statement("Secret", published=False)
        assert client.get(f"/statements/{draft.slug}/history/").status_code == 404
        assert client.get(f"/statements/{draft.slug}/v/1/").status_code == 404

    def test_the_json_download_body_matches_the_shown_hash(self, letter, client):
        record = json.loads(client.get(f"/statements/{letter.slug}.json").content)
        digest = hashlib.sha256(record["body"].encode()).hexdigest()
        assert digest in client.get(f"/statements/{letter.slug}/history/").content.decode()

    def test_citations_of_a_version(self, letter, client):
        letter.title = "Retitled"
        statement_save(statement=letter)
        base = f"/statements/{letter.slug}/v/1"
        [entry] = bibtexparser.parse_string(client.get(f"{base}.bib").content.decode()).entries
        assert entry["version"] == "1" and entry["title"] == "Open letter on rents"
        assert entry["url"].endswith(f"{base}/")
        [record] = rispy.loads(client.get(f"{base}.ris").content.decode())
        assert (
            record["edition"].startswith("Version 1 of")
            and record["title"] == "Open letter on rents"
        )
        [item] = json.loads(client.get(f"{base}.csl.json").content)
        assert item["version"] == "1" and item["URL"].endswith(f"{base}/")
        assert client.get(f"/statements/{letter.slug}/v/7.bib").status_code == 404

    def test_history_and_version_pages_run_a_constant_number_of_queries(self, letter, client):
        history = f"/statements/{letter.slug}/history/"
        version = f"/statements/{letter.slug}/v/1/"
        few = query_count(client, history)[0], query_count(client, version)[0]
        for n in range(5):
            letter.body += f"\n\nMore {n}."
            statement_save(statement=letter)
            statement_credits_append(
                statement=letter, credits=[AuthorCredit(name=f"Group {n}", role="signatory")]
            )
            letter.tags.add(f"tag {n}")
        latest = len(revisions_of(letter))
        many = (
            query_count(client, history)[0],
            query_count(client, f"/statements/{letter.slug}/v/{latest}/")[0],
        )
        assert few == many


class TestRecentChanges:
    def test_the_page_and_the_feed_list_public_changes_only(self, letter, client):
        draft = make_statement("Unseen draft", published=False)
        draft.body = "changed"
        statement_save(statement=draft)
        with revision_context(reason="clarified the demand"):
            letter.body = "We ask for rents cut by half."
            statement_save(statement=letter)
        page = client.get("/changes/").content.decode()
        assert "clarified the demand" in page and "Unseen draft" not in page
        assert f"/statements/{letter.slug}/v/2/" in page
        feed = feedparser.parse(client.get("/changes.atom").content)
        assert not feed.bozo
        assert [e.link.rsplit("/statements/", 1)[1] for e in feed.entries] == [
            f"{letter.slug}/v/2/",
            f"{letter.slug}/v/1/",
        ]
        assert "clarified the demand" in feed.entries[0].summary

    def test_an_unpublished_statement_leaves_the_changes(self, letter, client):
        Statement.objects.filter(pk=letter.pk).update(status="draft")
        assert letter.slug not in client.get("/changes/").content.decode()

    def test_the_changes_page_and_feed_run_a_constant_number_of_queries(self, letter, client):
        few = query_count(client, "/changes/")[0], query_count(client, "/changes.atom")[0]
        for n in range(6):
            statement = make_statement(f"Call {n}", authors=[f"Group {n}"], tags=[f"tag {n}"])
            statement.body += " Corrected."
            statement_save(statement=statement)
        many = query_count(client, "/changes/")[0], query_count(client, "/changes.atom")[0]
        assert few == many
        assert "Call 5" in query_count(client, "/changes/")[1]


# Finding 9 of issue 32: saving the admin's form without changing anything makes no new
# version, and a version's "what changed" names exactly what changed.


def test_saving_without_a_change_makes_no_version(letter, signed_in):
    url = reverse("admin:statements_statement_change", args=[letter.pk])
    before = statement_revisions(statement_id=letter.pk)
    response = signed_in.post(url, admin_form(letter), follow=True)
    assert response.status_code == 200
    assert statement_revisions(statement_id=letter.pk) == before
    assert "Nothing was changed" in response.content.decode()
    changes = signed_in.get("/changes/").content.decode()
    assert changes.count('href="/statements/open-letter-on-rents/history/"') == 1


def test_a_title_edit_is_listed_as_a_title_edit(letter, signed_in):
    url = reverse("admin:statements_statement_change", args=[letter.pk])
    signed_in.post(url, admin_form(letter, title="Open letter on rents, again"))
    revisions = statement_revisions(statement_id=letter.pk)
    assert len(revisions) == 2
    assert revisions[-1].parts == ("text",)
    assert revisions[-1].touched == "title"
    changes = signed_in.get("/changes/").content.decode()
    assert "changed title." in changes
    history = signed_in.get("/statements/open-letter-on-rents/history/").content.decode()
    assert "changed title" in history
