"""A full disk while the admin keeps an upload: a clear message, a 200, and nothing kept,
half or whole (a real full file system: a 1 MB tmpfs the test mounts)."""

import os
import subprocess
import tempfile

import pytest

from statements.ingest import uploads
from statements.models import Statement
from tests.ingest.test_admin_import import MUSE, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_disk(tmp_path, monkeypatch, settings):
    """The site's storage (and the server's temporary folder) on a 1 MB file system of its
    own."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(  # noqa: S603
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],  # noqa: S607
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        reason = f"cannot mount a small tmpfs here: {mounted.stderr.strip()}"
        if os.environ.get("CI"):
            pytest.fail(reason)  # CI runs as root: this must work there
        pytest.skip(reason)
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    settings.MEDIA_ROOT = folder
    yield folder
    subprocess.run(["umount", str(folder)], check=False)  # noqa: S603, S607


def test_an_upload_that_fills_the_disk_keeps_nothing_and_says_so(editor_client, full_disk):
    big = MUSE + b"We call on everyone. " * 80_000  # 1.7 MB: more than the disk holds
    preview = upload(editor_client, ("small.muse", MUSE), ("big.muse", big))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "The server could not keep the upload (no room): nothing was kept." in html
    kept = [path for path in full_disk.rglob("*") if path.is_file()]
    assert kept == []  # not the small file either, nor half the big
    assert not preview.context["previews"]
    assert not Statement.objects.exists()
    # Room again: the same upload goes through.
    small = upload(editor_client, ("small.muse", MUSE))
    assert [p.data.title for p in small.context["previews"]] == ["Night shelter call"]
    uploads.upload_discard(small.wsgi_request, small.context["token"])
