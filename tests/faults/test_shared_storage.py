"""Two web hosts sharing nothing but the database and S3-compatible storage (moto's server
on 127.0.0.1, through django-storages): an import previewed on one is confirmed on the other
(no sticky sessions), a file one made is served by the other, and neither writes to disk."""

import re
import subprocess
import sys
import time

import pytest
import requests

from tests.faults.servers import (
    Database,
    Gunicorn,
    editor_session,
    environment,
    free_port,
    site_prepare,
)

pytestmark = pytest.mark.slow
MUSE = b"#title Shared shelter call\n#author Night Shelter Collective\n#date 2025-03\n\nWe call.\n"
BUCKET = "archive-media"


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    import boto3

    port = free_port()
    s3 = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    credentials = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            client.create_bucket(Bucket=BUCKET)
            break
        except Exception:
            assert time.monotonic() < deadline, "moto's server did not start"
            time.sleep(0.2)
    database = Database("storage")
    env = environment(
        database.url,
        ARCHIVE_S3_BUCKET=BUCKET,
        ARCHIVE_S3_ENDPOINT_URL=endpoint,
        ARCHIVE_S3_REGION="us-east-1",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        **credentials,
    )
    site_prepare(env, editor=True)
    servers, disks = [], []
    for name in ("a", "b"):
        disk = tmp_path_factory.mktemp(f"host-{name}-media")
        disks.append(disk)
        log = tmp_path_factory.mktemp(f"host-{name}") / "gunicorn.log"
        servers.append(Gunicorn({**env, "MEDIA_ROOT": str(disk)}, workers=1, log=log))
    yield servers, disks, client, database
    for server in servers:
        server.stop()
    database.discard()
    s3.terminate()
    s3.wait(timeout=10)


def keys(client) -> list[str]:
    listed = client.list_objects_v2(Bucket=BUCKET)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def test_an_import_previewed_on_one_host_is_confirmed_on_the_other(hosts):
    (a, b), disks, client, _ = hosts
    editor = editor_session(a.base)
    page = "/admin/statements/statement/import/"
    csrf = editor.cookies["csrftoken"]
    preview = editor.post(
        a.base + page,
        data={"csrfmiddlewaretoken": csrf},
        files={"files": ("shared.muse", MUSE)},
        timeout=30,
    )
    assert preview.status_code == 200 and "Shared shelter call" in preview.text
    token = re.search(r'name="token" value="([0-9a-f]+)"', preview.text).group(1)
    assert any(key.startswith(f"uploads/{token}/") for key in keys(client))
    done = editor.post(
        b.base + page, data={"csrfmiddlewaretoken": csrf, "token": token}, timeout=30
    )
    assert done.status_code == 200
    assert "<h2>Imported</h2>" in done.text and "Created: shared.muse" in done.text
    assert not any(key.startswith("uploads/") for key in keys(client))  # gone once imported
    assert [p for disk in disks for p in disk.rglob("*") if p.is_file()] == []


def test_a_file_made_on_one_host_is_served_by_the_other(hosts):
    (a, b), disks, client, database = hosts
    import psycopg

    with psycopg.connect(database.url) as connection:
        (slug,) = connection.execute(
            "SELECT slug FROM statements_statement WHERE status = 'published'"
            " AND published_at <= now() ORDER BY id LIMIT 1"
        ).fetchone()
    made = requests.get(f"{a.base}/statements/{slug}.epub", timeout=60)
    assert made.status_code == 200 and made.content.startswith(b"PK")
    kept = [key for key in keys(client) if key.endswith(".epub")]
    assert len(kept) == 1
    served = requests.get(f"{b.base}/statements/{slug}.epub", timeout=60)
    assert served.status_code == 200 and served.content == made.content
    assert [key for key in keys(client) if key.endswith(".epub")] == kept  # not made again
    assert [p for disk in disks for p in disk.rglob("*") if p.is_file()] == []
