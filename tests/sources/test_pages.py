"""What readers and editors see: the replayed capture, the source line, the admin."""

import hashlib

import lxml.html
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.html import escape

from statements.core.records import SourceData
from statements.models import LinkState, Source, SourceLink
from statements.sources.captures import link_capture
from statements.sources.checks import link_check
from tests.factories import make_statement, query_count

pytestmark = pytest.mark.django_db


def framed(outer: str) -> str:
    """The captured document of a replay page: its frame's srcdoc, unescaped."""
    frame = lxml.html.document_fromstring(outer).xpath("//iframe")[0]
    assert frame.get("sandbox") == "allow-popups allow-popups-to-escape-sandbox"
    return frame.get("srcdoc")


def cited(url, *, published=True, archived_url=""):
    statement = make_statement(
        "The assembly's statement",
        published=published,
        sources=[SourceData(url=url, archived_url=archived_url)],
    )
    return statement, statement.sources.get()


def test_the_replay_is_sanitised_banner_first_noindex_and_under_a_strict_policy(client, site):
    _, source = cited(site.url("/page"))
    capture = link_capture(site.url("/page"))
    response = client.get(reverse("statements:source_capture", args=[source.pk]))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    # A sandbox (links the reader follows open in a new tab, nothing else), no script.
    assert policy.startswith("sandbox allow-popups allow-popups-to-escape-sandbox;")
    assert "default-src 'none'" in policy
    assert "script-src" not in policy  # falls back to 'none'
    files = f"http://testserver/sources/{source.pk}/capture/{capture.pk}/files/"
    assert f"img-src {files} data:" in policy
    assert response["X-Robots-Tag"].startswith("noindex")
    outer = response.content.decode()
    banner = outer.index("This is a copy kept by the archive")
    assert banner < outer.index("We, the assembly")
    assert site.url("/page") in outer and capture.captured_at.strftime("%Y") in outer
    # The copy is the srcdoc of the one sandboxed frame (no scripts, an origin of its own).
    html = framed(outer)
    assert outer.lower().count("<iframe") == 1
    lowered = html.lower()
    for forbidden in (
        "<script",
        "onload",
        "onerror",
        "onclick",
        "onfocus",
        "javascript:",
        "<iframe",
        "<object",
        "<embed",
        "<form",
        "http-equiv",
    ):
        assert forbidden not in lowered, forbidden
    # Images and style sheets point at the capture's own copies; links at the original site.
    assert f'src="/sources/{source.pk}/capture/{capture.pk}/files/' in html
    assert f'href="{site.url("/elsewhere")}"' in html


def test_the_files_of_a_capture_are_served_from_it_and_scripts_only_downloaded(client, site):
    _, source = cited(site.url("/page"))
    capture = link_capture(site.url("/page"))
    before = len(site.requests)
    types = {}
    for index in range(6):
        url = reverse("statements:source_capture_file", args=[source.pk, capture.pk, index])
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Security-Policy"].startswith("sandbox;")
        types[response["Content-Type"]] = response.get("Content-Disposition", "")
    assert types["image/png"] == "" and types["text/css"] == ""
    assert types["application/octet-stream"].startswith("attachment")  # the page, the script
    assert len(site.requests) == before  # served from the capture, not the site
    missing = reverse("statements:source_capture_file", args=[source.pk, capture.pk, 99])
    assert client.get(missing).status_code == 404


def test_a_draft_s_capture_is_not_public(client, site):
    _, source = cited(site.url("/alive"), published=False)
    link_capture(site.url("/alive"))
    assert client.get(reverse("statements:source_capture", args=[source.pk])).status_code == 404
    assert client.get("/sources/999999/capture/").status_code == 404
    huge = "9" * 30  # beyond any integer column: still a 404, never a 500
    assert client.get(f"/sources/{huge}/capture/").status_code == 404
    assert client.get(f"/sources/{source.pk}/capture/{huge}/files/{huge}/").status_code == 404


def test_a_file_capture_offers_a_download(client, site):
    _, source = cited(site.url("/doc.pdf"))
    link_capture(site.url("/doc.pdf"))
    response = client.get(reverse("statements:source_capture", args=[source.pk]))
    assert "download the captured file" in response.content.decode()
    assert "application/pdf" in response.content.decode()


def test_the_source_line_says_last_seen_gone_and_links_the_capture(client, site):
    statement, source = cited(site.url("/alive"))
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "last seen" not in page and "archived copy" not in page
    link_check(site.url("/alive"))
    link_capture(site.url("/alive"))
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "This source was last seen on" in page
    assert f'href="/sources/{source.pk}/capture/"' in page and "captured by the archive" in page
    SourceLink.objects.filter(url=site.url("/alive")).update(state=LinkState.GONE)
    from statements.cache import public_cache_invalidate

    public_cache_invalidate()
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "This source is no longer online; it was last seen on" in page
    # An external archived copy given by an editor comes first.
    Source.objects.filter(pk=source.pk).update(archived_url="https://web.archive.org/x")
    public_cache_invalidate()
    page = client.get(statement.get_absolute_url()).content.decode()
    assert 'href="https://web.archive.org/x"' in page
    assert f'href="/sources/{source.pk}/capture/"' not in page


def test_the_detail_page_runs_as_many_queries_with_one_source_as_with_ten(client, site, settings):
    settings.ARCHIVE_PAGE_CACHE = False
    one, _ = cited(site.url("/alive"))
    ten = make_statement(
        "Ten sources", sources=[SourceData(url=site.url(f"/alive?{n}")) for n in range(10)]
    )
    for n in range(10):
        link_check(site.url(f"/alive?{n}"))
    link_check(site.url("/alive"))
    first, _ = query_count(client, one.get_absolute_url())
    second, page = query_count(client, ten.get_absolute_url())
    assert page.count("This source was last seen on") == 10
    assert second == first


def test_editors_see_states_history_and_download_the_warc(editor_client, site):
    statement, _ = cited(site.url("/alive"))
    cited(site.url("/missing"))
    link_check(site.url("/alive"))
    link_check(site.url("/missing"))
    capture = link_capture(site.url("/alive"))
    changelist = reverse("admin:statements_sourcelink_changelist")
    page = editor_client.get(changelist, {"state__exact": "gone"}).content.decode()
    assert site.url("/missing") in page and site.url("/alive") not in page
    page = editor_client.get(changelist, {"captured": "yes"}).content.decode()
    assert site.url("/alive") in page and site.url("/missing") not in page
    link = SourceLink.objects.get(url=site.url("/alive"))
    page = editor_client.get(
        reverse("admin:statements_sourcelink_change", args=[link.pk])
    ).content.decode()
    assert "checks (latest first)" in page.lower() and "HEAD" in page
    assert escape(statement.title) in page
    page = editor_client.get(
        reverse("admin:statements_statement_change", args=[statement.pk])
    ).content.decode()
    assert "Alive since" in page and "every check and capture" in page
    assert "Latest checks: " in page and " HEAD 200 → alive" in page
    warc = editor_client.get(reverse("admin:statements_sourcelink_warc", args=[capture.pk]))
    assert warc.status_code == 200 and warc["Content-Type"] == "application/warc"
    assert hashlib.sha256(warc.content).hexdigest() == capture.sha256
    assert "capture-" in warc["Content-Disposition"]


def test_a_damaged_capture_file_is_refused_not_served(editor_client, site, client):
    capture = link_capture(site.url("/alive"))
    with default_storage.open(capture.file, "wb") as stream:
        stream.write(b"not what was captured")
    response = editor_client.get(reverse("admin:statements_sourcelink_warc", args=[capture.pk]))
    assert response.status_code == 409 and b"SHA-256" in response.content
    # Readers never download captures from the admin.
    anonymous = client.get(reverse("admin:statements_sourcelink_warc", args=[capture.pk]))
    assert anonymous.status_code == 302


def test_check_now_and_capture_now_from_the_admin(editor_client, site):
    cited(site.url("/temporary"))
    link = SourceLink.objects.create(url=site.url("/temporary"))
    changelist = reverse("admin:statements_sourcelink_changelist")
    response = editor_client.post(
        changelist, {"action": "check_now", "_selected_action": [link.pk]}, follow=True
    )
    assert "Checked: Alive." in response.content.decode()
    response = editor_client.post(
        changelist, {"action": "capture_now", "_selected_action": [link.pk]}, follow=True
    )
    assert "Captured" in response.content.decode()
    link.refresh_from_db()
    assert link.capture is not None and link.capture.url == site.url("/alive")


def test_a_bad_list_parameter_is_a_400(editor_client):
    changelist = reverse("admin:statements_sourcelink_changelist")
    assert editor_client.get(changelist, {"checked_at__gte": "\x00"}).status_code == 400


@pytest.mark.parametrize("broker", ["redis://127.0.0.1:6379/15", ""])
def test_a_source_added_in_the_admin_is_captured_by_the_queue_when_there_is_one(
    editor_client, settings, monkeypatch, django_capture_on_commit_callbacks, broker
):
    from statements.admin import sources as admin_sources
    from tests.test_admin import ADD_URL, inline_management, statement_post

    settings.CELERY_BROKER_URL = broker
    sent = []
    monkeypatch.setattr(admin_sources, "enqueue", lambda task, *args: sent.append((task, args)))
    data = statement_post(
        **inline_management("sources", 1),
        **{
            "sources-0-kind": "retrieved",
            "sources-0-url": "https://collective.example.org/call",
            "sources-0-position": "0",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(ADD_URL, data).status_code == 302
    if broker:
        assert sent == [
            (admin_sources.capture_source_task, ("https://collective.example.org/call",))
        ]
    else:  # no queue: the next check_sources captures it; the save waits on no website
        assert sent == []


def test_the_schedule_is_a_crontab_line_or_seconds(settings):
    from django.core.exceptions import ImproperlyConfigured

    from archive.celery import app, beat_schedule

    assert beat_schedule("15") == 15.0
    nightly = beat_schedule("30 3 * * *")
    assert nightly.hour == {3} and nightly.minute == {30}
    with pytest.raises(ImproperlyConfigured):
        beat_schedule("every night")
    # The beat runs the nightly check on the schedule the settings give.
    entry = app.conf.beat_schedule["check-sources"]
    assert entry["task"] == "archive.check_sources"
    assert entry["schedule"] == beat_schedule(settings.ARCHIVE_CHECK_SOURCES_SCHEDULE)


def test_a_replay_runs_as_many_queries_for_a_page_with_files_as_for_a_lone_file(
    client, site, settings
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for path in ("/page", "/doc.pdf"):
        _, source = cited(site.url(path))
        link_capture(site.url(path))
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("statements:source_capture", args=[source.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 3


@pytest.mark.django_db
def test_every_cited_address_is_listed_before_any_check(editor_client):
    """Finding 17 of issue 32: the list was empty until check_sources had run."""
    make_statement(sources=[SourceData(url="https://example.org/call")])
    make_statement(sources=[SourceData(url="https://example.net/letter")], published=False)
    page = editor_client.get(reverse("admin:statements_sourcelink_changelist")).content.decode()
    rows = lxml.html.fromstring(page).xpath('//table[@id="result_list"]/tbody/tr')
    listed = sorted(" ".join(c.text_content().strip() for c in row.xpath("th|td")) for row in rows)
    assert len(listed) == 2
    assert listed[0].startswith(" https://example.net/letter Not checked yet")
    assert listed[1].startswith(" https://example.org/call Not checked yet")
    assert not SourceLink.objects.filter(checked_at__isnull=False).exists()
