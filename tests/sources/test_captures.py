"""Captured copies as WARC files, read back by warcio's own tools; the limits; SSRF."""

import gzip
import hashlib
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from warcio.archiveiterator import ArchiveIterator

from statements.models import SourceCapture
from statements.sources.captures import CaptureFailed, link_capture, page_resources
from statements.sources.fetch import address_allowed, fetch
from tests.sources.sites import Site
from tests.test_settings import PRODUCTION_ENV, run_manage

pytestmark = pytest.mark.django_db
WARCIO = Path(sys.executable).with_name("warcio")


def records(capture):
    with default_storage.open(capture.file, "rb") as stream:
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers)
            for r in ArchiveIterator(stream)
        ]


def test_a_page_is_captured_with_its_files_one_level_deep(site):
    capture = link_capture(site.url("/page"))
    with default_storage.open(capture.file, "rb") as stream:
        content = stream.read()
    assert hashlib.sha256(content).hexdigest() == capture.sha256 and len(content) == capture.size
    assert capture.file.startswith("captures/") and capture.file.endswith(".warc.gz")
    kept = records(capture)
    assert kept[0][0] == "warcinfo"
    responses = {uri for kind, uri, _ in kept if kind == "response"}
    requests = {uri for kind, uri, _ in kept if kind == "request"}
    expected = {
        site.url("/page"),
        site.url("/static/style.css"),
        site.url("/static/icon.png"),
        site.url("/static/app.js"),
        site.url("/static/picture.png"),  # relative to <base href>
        site.url("/static/x"),
    }
    assert responses == expected == requests
    assert capture.resources == 5 and not capture.truncated and capture.status == 200
    # A file outside the allowed addresses (127.0.0.9) was never asked for.
    assert not any("ran" in path for path in site.paths())


def test_warcio_reads_the_capture_an_editor_downloads(site, tmp_path, editor_client):
    capture = link_capture(site.url("/page"))
    path = tmp_path / "capture.warc.gz"
    download = editor_client.get(reverse("admin:statements_sourcelink_warc", args=[capture.pk]))
    assert download.status_code == 200
    path.write_bytes(download.content)
    checked = subprocess.run(  # noqa: S603
        [WARCIO, "check", "-v", str(path)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "digest pass" in checked.stdout
    index = subprocess.run(  # noqa: S603
        [WARCIO, "index", "-f", "warc-type,warc-target-uri,http:status", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = index.stdout.splitlines()
    assert len(lines) == 1 + 2 * 6
    assert any('"response"' in line and "/page" in line and "200" in line for line in lines)


def test_a_huge_page_and_an_endless_one_are_cut_at_the_limit(site):
    for path in ("/big", "/endless"):
        started = time.monotonic()
        capture = link_capture(site.url(path))
        assert time.monotonic() - started < 5
        assert capture.truncated and capture.size < 2**20 + 65536
        response = next(h for kind, _, h in records(capture) if kind == "response")
        assert response.get_header("WARC-Truncated") == "length"


def test_a_file_that_is_not_a_page_is_kept_alone(site):
    capture = link_capture(site.url("/doc.pdf"))
    assert capture.content_type == "application/pdf" and capture.resources == 0


def test_an_address_that_does_not_answer_is_not_captured(site, settings):
    with pytest.raises(CaptureFailed, match="timed out"):
        link_capture(site.url("/slow"))
    assert not SourceCapture.objects.exists()
    assert list(Path(settings.MEDIA_ROOT).rglob("*.warc.gz")) == []


def test_resources_are_found_in_the_page():
    page = (
        b'<img src="a.png"><link rel="Stylesheet Alternate" href="/s.css">'
        b'<script src="//x.org/j.js">'
    )
    assert page_resources(page, "https://site.org/dir/p") == [
        "https://site.org/dir/a.png",
        "https://site.org/s.css",
        "https://x.org/j.js",
    ]
    assert page_resources(b"", "https://site.org/") == []


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.2",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address refused, not bound
        "::1",
        "::ffff:10.0.0.1",
        "fc00::1",
        "fe80::1",
        "224.0.0.1",
    ],
)
def test_private_and_special_addresses_are_refused(ip):
    assert not address_allowed(ip)


@pytest.mark.parametrize(
    "ip",
    [
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254, the cloud's metadata service
        "64:ff9b:1::c0a8:101",  # local NAT64 of 192.168.1.1
        "::7f00:1",  # IPv4-compatible 127.0.0.1
        "::a00:1",  # IPv4-compatible 10.0.0.1
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    ],
)
def test_ipv6_addresses_that_carry_a_private_ipv4_one_are_refused(ip, settings):
    settings.ARCHIVE_FETCH_ALLOWED_NETWORKS = []
    assert not address_allowed(ip)


def test_nat64_of_a_public_address_is_fetched(settings):
    settings.ARCHIVE_FETCH_ALLOWED_NETWORKS = []
    assert address_allowed("64:ff9b::5db8:d822")  # 93.184.216.34, through a NAT64 gateway


def test_public_addresses_and_allowed_networks_are_fetched(settings):
    assert address_allowed("93.184.216.34") and address_allowed("2606:4700::1111")
    assert address_allowed("127.0.0.1")  # the tests' own servers
    settings.ARCHIVE_FETCH_ALLOWED_NETWORKS = []
    assert not address_allowed("127.0.0.1")


def test_a_redirect_to_a_loopback_address_not_allowed_is_never_followed(site):
    other = Site(host="127.0.0.2")
    try:
        result = fetch(site.url(f"/redirect?to={other.url('/alive')}"))
        assert result.error_kind == "blocked" and "127.0.0.2" in result.error
        assert result.redirects == [[302, other.url("/alive")]]
        assert other.requests == []
    finally:
        other.close()


def test_other_schemes_are_refused(site):
    result = fetch(site.url("/redirect?to=file:///etc/passwd"))
    assert result.error_kind == "blocked" and "not an http(s) address" in result.error


def test_production_settings_refuse_loopback(site, tmp_path):
    before = len(site.requests)
    code = (
        "from statements.sources.fetch import fetch; "
        f"r = fetch({site.url('/alive')!r}); print('KIND', r.error_kind)"
    )
    result = run_manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert "KIND blocked" in result.stdout, result.stdout + result.stderr
    assert len(site.requests) == before


def test_gzip_file_is_a_warc_file(site):
    capture = link_capture(site.url("/alive"))
    with default_storage.open(capture.file, "rb") as stream:
        assert gzip.decompress(stream.read()).startswith(b"WARC/1.")


def test_https_is_asked_for_with_the_host_s_name_and_a_plain_server_is_an_error(site):
    result = fetch(site.url("/alive").replace("http://", "https://"))
    assert result.error_kind == "protocol" and result.status is None


def test_an_address_in_another_script_is_escaped_on_the_wire(site):
    result = fetch(site.url("/alive/улица?q=ü%20x"))
    assert result.status == 404  # answered: the request was valid HTTP
    assert site.paths()[-1] == "/alive/%D1%83%D0%BB%D0%B8%D1%86%D0%B0?q=%C3%BC%20x"


def test_the_fixity_check_finds_a_changed_and_a_missing_capture(site):
    from io import StringIO

    from django.core.management import CommandError, call_command

    kept = link_capture(site.url("/alive"))
    changed = link_capture(site.url("/doc.pdf"))
    missing = link_capture(site.url("/temporary"))
    out = StringIO()
    call_command("check_sources", "--fixity", stdout=out)
    assert "3 captures checked: every SHA-256 holds." in out.getvalue()
    with default_storage.open(changed.file, "wb") as stream:
        stream.write(b"altered")
    default_storage.delete(missing.file)
    err = StringIO()
    with pytest.raises(CommandError, match="2 of 3 captures failed"):
        call_command("check_sources", "--fixity", stderr=err)
    assert f"capture {changed.pk} " in err.getvalue() and "SHA-256 is now" in err.getvalue()
    assert f"capture {missing.pk} " in err.getvalue() and "missing" in err.getvalue()
    assert f"capture {kept.pk} " not in err.getvalue()
