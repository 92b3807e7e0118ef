"""Link checks against websites on 127.0.0.1: every state, the history, the limits."""

import time

import pytest
from django.core.management import CommandError, call_command

from statements.core.records import SourceData
from statements.models import LinkState, SourceCheck, SourceLink
from statements.sources.checks import by_host_in_turn, cited_urls, link_check, sources_check
from statements.sources.fetch import HostPacer
from tests.factories import make_statement

pytestmark = pytest.mark.django_db


def cite(*urls, published=True):
    return make_statement(published=published, sources=[SourceData(url=url) for url in urls])


def test_an_alive_address_is_alive_and_asked_with_head_by_a_polite_agent(site):
    url = site.url("/alive")
    check = link_check(url)
    assert (check.state, check.status, check.method) == (LinkState.ALIVE, 200, "HEAD")
    assert check.final_url == url and check.redirects == [] and check.error == ""
    link = SourceLink.objects.get(url=url)
    assert link.state == LinkState.ALIVE and link.seen_at == check.checked_at
    _, method, _, headers = site.requests[-1]
    assert method == "HEAD"
    assert "StatementsArchive" in headers["User-Agent"]


def test_a_permanent_redirect_is_moved_with_every_hop_recorded(site):
    check = link_check(site.url("/moved"))
    assert check.state == LinkState.MOVED
    assert check.redirects == [[301, "/alive"]]
    assert check.final_url == site.url("/alive")
    assert SourceLink.objects.get(url=site.url("/moved")).final_url == site.url("/alive")


def test_a_temporary_redirect_is_still_alive(site):
    check = link_check(site.url("/temporary"))
    assert check.state == LinkState.ALIVE and check.redirects == [[302, "/alive"]]


@pytest.mark.parametrize("path", ["/missing", "/gone"])
def test_404_and_410_are_gone_at_once(site, path):
    check = link_check(site.url(path))
    assert check.state == LinkState.GONE and check.status in (404, 410)
    link = SourceLink.objects.get(url=site.url(path))
    assert link.state_since == check.checked_at and link.seen_at is None


def test_no_such_host_is_gone_only_after_several_checks_in_a_row():
    """One failure to resolve counts as a timeout does: the resolver may be having a bad
    minute. Three in a row, and the address is gone."""
    url = "http://no-such-host.invalid/statement"
    checks = [link_check(url) for _ in range(3)]
    assert [c.state for c in checks] == [LinkState.UNCHECKED, LinkState.UNCHECKED, LinkState.GONE]
    assert all("no such host" in c.error for c in checks)


def test_server_errors_and_timeouts_are_gone_only_after_several_checks_in_a_row(site):
    for path in ("/error", "/slow"):
        url = site.url(path)
        states = [link_check(url).state for _ in range(3)]
        assert states == [LinkState.UNCHECKED, LinkState.UNCHECKED, LinkState.GONE]
        assert SourceCheck.objects.filter(link__url=url).count() == 3
    slow = SourceCheck.objects.filter(link__url=site.url("/slow")).first()
    assert "timed out" in slow.error and slow.elapsed_ms < 2500


def test_a_failure_between_successes_keeps_the_state(site, settings):
    url = site.url("/alive")
    link_check(url)
    SourceLink.objects.filter(url=url).update(failures=0)
    settings.ARCHIVE_FETCH_ALLOWED_NETWORKS = []  # the address is refused this once
    check = link_check(url)
    assert check.state == LinkState.ALIVE and "does not fetch" in check.error
    assert SourceLink.objects.get(url=url).failures == 1


def test_head_refused_is_asked_again_with_get(site):
    check = link_check(site.url("/head-refused"))
    assert (check.state, check.method, check.status) == (LinkState.ALIVE, "GET", 200)
    assert check.content_sha256


def test_a_redirect_loop_is_a_failure(site):
    check = link_check(site.url("/loop"))
    assert check.error == "too many redirects" and check.state == LinkState.UNCHECKED


@pytest.mark.django_db(transaction=True)  # the run's threads commit
def test_changed_since_the_capture_and_unchanged_by_etag(site):
    changing = site.url("/changing")
    cite(changing, site.url("/alive"))
    sources_check([changing, site.url("/alive")])
    assert SourceLink.objects.get(url=changing).capture is not None
    check = link_check(changing)
    assert (check.state, check.method) == (LinkState.CHANGED, "GET")
    # The same strong ETag as the capture's: no need to fetch the body again.
    before = len(site.requests)
    check = link_check(site.url("/alive"))
    assert check.state == LinkState.ALIVE
    assert [m for _, m, _, _ in site.requests[before:]] == ["HEAD"]
    site.etag = '"v2"'
    try:
        check = link_check(site.url("/alive"))
    finally:
        site.etag = '"v1"'
    assert check.method == "GET" and check.state == LinkState.ALIVE  # same body


@pytest.mark.django_db(transaction=True)  # the run's threads commit
def test_the_run_checks_published_citations_captures_first_seen_and_resumes(site):
    alive, missing, draft_only = site.url("/alive"), site.url("/missing"), site.url("/page")
    cite(alive, missing)
    cite(alive)  # cited twice: checked once
    cite(draft_only, published=False)
    assert sorted(cited_urls()) == sorted([alive, missing])
    report = sources_check(by_host_in_turn(cited_urls()))
    assert report.checked == 2 and report.captured == 1
    assert dict(report.states) == {"alive": 1, "gone": 1}
    assert not SourceLink.objects.filter(url=draft_only).exists()
    # Resumable: what was checked within the window is not checked again.
    import datetime

    assert cited_urls(older_than=datetime.timedelta(hours=20)) == []
    SourceLink.objects.filter(url=missing).update(checked_at="2020-01-01T00:00Z")
    assert cited_urls(older_than=datetime.timedelta(hours=20)) == [missing]


@pytest.mark.django_db(transaction=True)  # the run's threads commit
def test_requests_to_one_host_are_paced_across_threads(site):
    pacer = HostPacer(per_minute=240)  # one every 0.25 s
    urls = [site.url(f"/alive?{n}") for n in range(4)]
    before = len(site.requests)
    started = time.monotonic()
    sources_check(urls, workers=4, per_host_per_minute=240, capture=False)
    assert time.monotonic() - started >= 0.7
    # The k-th request to arrive cannot have left before its turn, k intervals after the
    # first: a lower bound a loaded machine can only exceed (gaps between arrivals are not:
    # one request delayed after its turn arrives close to the next).
    times = sorted(t for t, *_ in site.requests[before:])
    assert len(times) == 4
    late = [round(t - (started + k * 0.25), 3) for k, t in enumerate(times)]
    assert min(late) >= -0.01, late
    assert pacer.interval == 0.25


def test_hosts_take_turns():
    urls = ["http://a/1", "http://a/2", "http://a/3", "http://b/1", "http://c/1", "http://b/2"]
    assert by_host_in_turn(urls) == [
        "http://a/1",
        "http://b/1",
        "http://c/1",
        "http://a/2",
        "http://b/2",
        "http://a/3",
    ]


@pytest.mark.django_db(transaction=True)  # the run's threads commit
def test_the_command_reports_and_refuses_bad_options(site):
    cite(site.url("/alive"), site.url("/gone"))
    from io import StringIO

    out = StringIO()
    call_command("check_sources", "--older-than", "0", "--no-capture", stdout=out)
    assert "2 addresses checked" in out.getvalue() and "1 alive, 1 gone" in out.getvalue()
    with pytest.raises(CommandError, match="--workers"):
        call_command("check_sources", "--workers", "0")
    with pytest.raises(CommandError, match="No published statement cites"):
        call_command("check_sources", "--url", "http://example.invalid/")


@pytest.mark.django_db(transaction=True)  # the run's threads commit
def test_no_more_requests_at_once_than_workers(site):
    urls = [site.url(f"/pause?{n}") for n in range(6)]
    started = time.monotonic()
    report = sources_check(urls, workers=2, per_host_per_minute=10**6, capture=False)
    assert report.checked == 6
    assert time.monotonic() - started >= 0.85  # three rounds of two 0.3 s answers
