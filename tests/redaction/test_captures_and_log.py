"""Captured copies hidden (replay 410) and suppressed (the file deleted, hash and size
kept); the log, the public report at /about/redactions/ (counts, no names, no slugs), and
the acts re-applied after restoring an older dump."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from statements.catalog.revisions import revision_context, statement_revisions
from statements.catalog.services import statement_save
from statements.core.records import SourceData
from statements.models import HiddenVersion, Redaction, SourceCapture, Statement
from statements.redaction.backups import acts_apply, acts_read
from statements.redaction.captures import capture_hide, capture_suppress, capture_unhide
from statements.redaction.takedowns import statement_take_down
from statements.redaction.versions import version_hide, version_suppress
from tests.factories import make_editor, make_statement, make_suppressor, query_count
from tests.redaction.test_people import make_capture

pytestmark = pytest.mark.django_db(transaction=True)

URL = "http://127.0.0.1:9/letter"


@pytest.fixture
def letter(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with revision_context(by="test"):
        statement = make_statement(
            "Letter of the night shift",
            slug="night-shift-letter",
            body="We keep the lights on. Phone 555-0199-marker.",
            sources=[SourceData(url=URL, site_name="The shift")],
        )
    with revision_context(reason="number removed"):
        statement.body = "We keep the lights on."
        statement_save(statement=statement, body_changed=True)
    capture = make_capture(URL, "<html><body>Call 555-0199-marker</body></html>")
    return Statement.objects.get(pk=statement.pk), capture


def test_a_hidden_capture_answers_410_and_can_be_shown_again(client, letter):
    statement, capture = letter
    replay = f"/sources/{statement.sources.get().pk}/capture/"
    assert client.get(replay).status_code == 200
    capture_hide(capture=capture, reason_class="privacy")
    assert client.get(replay).status_code == 410
    assert default_storage.exists(capture.file)
    capture_unhide(capture=SourceCapture.objects.get(pk=capture.pk))
    assert client.get(replay).status_code == 200


def test_a_suppressed_capture_loses_its_file_and_keeps_its_hash(client, letter):
    statement, capture = letter
    capture_suppress(capture=capture, reason_class="safety")
    kept = SourceCapture.objects.get(pk=capture.pk)
    assert not default_storage.exists(capture.file)
    assert kept.sha256 == capture.sha256 and kept.size == capture.size and kept.suppressed_at
    assert client.get(f"/sources/{statement.sources.get().pk}/capture/").status_code == 410
    assert Redaction.objects.get().details == {"sha256": capture.sha256, "size": capture.size}


def test_the_capture_admin_hides_and_only_suppressors_suppress(client, letter):
    _, capture = letter
    url = reverse("admin:statements_sourcecapture_withhold", args=[capture.pk])
    client.force_login(make_editor("ed"))
    assert client.get(url).status_code == 200
    client.post(url, {"suppress": "1", "reason_class": "privacy", "confirm": "on"})
    assert SourceCapture.objects.get(pk=capture.pk).suppressed_at is None
    client.post(url, {"hide": "1", "reason_class": "privacy"})
    assert SourceCapture.objects.get(pk=capture.pk).hidden_at is not None
    client.force_login(make_suppressor("sup"))
    client.post(url, {"suppress": "1", "reason_class": "privacy", "confirm": "on"})
    assert SourceCapture.objects.get(pk=capture.pk).suppressed_at is not None


def test_the_public_report_counts_by_month_and_reason_and_names_nothing(client, letter):
    statement, capture = letter
    version_hide(statement=statement, numbers=[1], text=True, reason=False, reason_class="privacy")
    capture_hide(capture=capture, reason_class="safety", note="night-shift-letter")
    queries, page = query_count(client, "/about/redactions/")
    assert "Versions hidden" in page and "Captured copies hidden" in page
    assert "Privacy" in page and "Safety" in page
    assert "night-shift" not in page and "Letter of the night shift" not in page
    statement_take_down(statement=statement, reason_class="legal", show_title=False)
    more, page = query_count(client, "/about/redactions/")
    assert "Statements taken down" in page and queries == more


def test_the_log_is_read_by_suppressors_and_written_by_nobody(client, letter):
    statement, _ = letter
    version_hide(statement=statement, numbers=[1], text=True, reason=False, reason_class="error")
    log = reverse("admin:statements_redaction_changelist")
    client.force_login(make_editor("ed"))
    assert client.get(log).status_code == 403
    client.force_login(make_suppressor("sup"))
    assert client.get(log).status_code == 200
    row = Redaction.objects.get()
    assert client.post(reverse("admin:statements_redaction_delete", args=[row.pk]), {
        "post": "yes"}).status_code == 403  # fmt: skip
    assert Redaction.objects.filter(pk=row.pk).exists()


def test_acts_since_a_date_are_applied_again_after_an_older_dump(letter, tmp_path):
    statement, capture = letter
    version_suppress(statement=statement, numbers=[1], reason_class="privacy")
    capture_hide(capture=capture, reason_class="safety")
    out = io.StringIO()
    call_command("redactions_since", "2000-01-01", stdout=out)
    lines = out.getvalue().splitlines()
    assert [json.loads(line)["act"] for line in lines] == ["suppress", "hidecap"]
    assert "555-0199" not in out.getvalue()
    # "Restoring an older dump": the acts' rows and effects are gone (the content is back
    # only in a real restore; here the tombstone and the capture's state are).
    Redaction.objects.all().delete()
    HiddenVersion.objects.all().delete()
    SourceCapture.objects.filter(pk=capture.pk).update(hidden_at=None)
    report = acts_apply(acts=acts_read(lines))
    assert len(report.applied) == 2 and not report.failed
    assert statement_revisions(statement_id=statement.pk)[0].suppressed
    assert SourceCapture.objects.get(pk=capture.pk).hidden_at is not None
    # Once applied, applying again does nothing.
    again = acts_apply(acts=acts_read(lines))
    assert again.applied == [] and len(again.skipped) == 2
    path = tmp_path / "acts.jsonl"
    path.write_text("not json\n")
    with pytest.raises(CommandError, match="line 1"):
        call_command("redactions_apply", str(path))


def test_redis_away_after_an_act_leaves_a_debt_not_an_error(letter, settings):
    """The caches are emptied after the act commits; a Redis that does not answer then
    makes no error of a done act: every cached page is owed staleness instead."""
    from statements.models import PageCacheDebt

    away = {
        "BACKEND": "infra.redis_cache.TolerantRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    settings.CACHES = {"default": away, "fragments": away}
    _, capture = letter
    capture_hide(capture=capture, reason_class="privacy")
    assert SourceCapture.objects.get(pk=capture.pk).hidden_at is not None
    assert PageCacheDebt.objects.count() == 2
