"""deploy/ brought up as far as this machine allows: no container registry is reachable, so
the topology of deploy/compose.yaml runs as this machine's own processes, with the proxy
configuration from deploy/: nginx in front of two gunicorn hosts, a Celery worker,
PostgreSQL with a streaming replica (pg_basebackup), and Redis as page cache and broker."""

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
import requests
import requests.adapters
import yaml

from archive.environment import variables_read
from tests.faults.servers import (
    Database,
    Gunicorn,
    Redis,
    Worker,
    environment,
    free_port,
    site_prepare,
    stop,
)
from tests.plugin import ROOT

pytestmark = pytest.mark.slow
DEPLOY = ROOT / "deploy"


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        reason = "nginx is not installed (make deploy-tools installs Debian's)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def proxy_config(folder: Path, *, listen: int, web: list[str]) -> Path:
    """deploy/'s server block with its variables filled in as the nginx image's envsubst does,
    inside a main configuration whose files are all in ``folder``."""
    template = (DEPLOY / "nginx" / "archive.conf.template").read_text()
    values = {"WEB1": web[0], "WEB2": web[1], "LISTEN": f"127.0.0.1:{listen}"}
    server = re.sub(r"\$\{(WEB1|WEB2|LISTEN)\}", lambda m: values[m.group(1)], template)
    (folder / "archive.conf").write_text(server)
    main = folder / "nginx.conf"
    main.write_text(
        f"daemon off;\nuser root;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n  access_log {folder}/access.log;\n"
        + "".join(
            f"  {kind}_temp_path {folder}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {folder}/archive.conf;\n}}\n"
    )
    return main


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    nginx = nginx_binary()
    primary, redis = Database("deploy-primary"), Redis(deployed=True)
    folder = tmp_path_factory.mktemp("deploy")
    plain = environment(primary.url)
    site_prepare(plain, editor=True)
    replica = Database("deploy-replica", primary=primary)
    env = environment(
        primary.url,
        DATABASE_REPLICA_URLS=replica.url,
        REDIS_URL=redis.url,
        CELERY_BROKER_URL=redis.url.rsplit("/", 1)[0] + "/1",
        CELERY_TASK_DEFAULT_QUEUE=f"archive-deploy-{os.getpid()}",
        ARCHIVE_NO_PAGE_CACHE="0",
        MEDIA_ROOT=str(folder / "media"),  # the Compose file's shared volume
        LOG_FORMAT="json",
        ARCHIVE_TRUSTED_PROXIES="127.0.0.1",  # the proxy, as the Compose file names its own
        # Plain http here (TLS is in front of the proxy in production): cookies go over it.
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
    )
    webs = [Gunicorn(env, workers=1, log=folder / f"web{n}.log") for n in (1, 2)]
    worker = Worker(env, folder / "worker.log")
    port = free_port()
    config = proxy_config(folder, listen=port, web=[f"127.0.0.1:{w.port}" for w in webs])
    proxy = subprocess.Popen(  # noqa: S603
        [nginx, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if requests.get(base + "/proxy-healthz", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        assert proxy.poll() is None, (folder / "error.log").read_text()[-2000:]
        assert time.monotonic() < deadline, "nginx did not start"
        time.sleep(0.2)
    yield base, webs, primary
    stop(proxy)
    worker.stop()
    for web in webs:
        web.stop()
    redis.stop()
    replica.discard()
    primary.discard()


def test_the_compose_file_names_only_settings_the_archive_reads():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"proxy", "web1", "web2", "worker", "db-primary", "db-replica", "redis"} <= set(services)
    read = variables_read()
    for name in services["web1"]["environment"]:
        assert name in read, f"{name} is read by no setting"
    template = (DEPLOY / "nginx" / "archive.conf.template").read_text()
    assert set(re.findall(r"\$\{(\w+)\}", template)) == set(services["proxy"]["environment"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "archive", "worker"]


def test_readers_go_through_the_proxy_to_both_hosts_and_a_worker(deployment):
    base, webs, primary = deployment
    ids = []
    for path in ["/", "/statements/", "/tags/", "/search/?q=call"] * 5:
        answer = requests.get(base + path, timeout=30)
        assert answer.status_code == 200, path
        ids.append(answer.headers["X-Request-ID"])
    assert all(re.fullmatch(r"[0-9a-f]{32}", rid) for rid in ids)  # nginx's $request_id
    access = [
        [line for line in web.log_lines() if line.get("logger") == "archive.access"] for web in webs
    ]
    served = [{line.get("request_id") for line in lines} for lines in access]
    assert all(served), "one host served nothing"
    assert set(ids) <= served[0] | served[1]  # the proxy's id in the host's log lines
    readers = {line.get("read_from") for lines in access for line in lines}
    assert "replica1" in readers  # readers' pages from the replica
    with psycopg.connect(primary.url) as connection:
        (slug,) = connection.execute(
            "SELECT slug FROM statements_statement WHERE status = 'published'"
            " AND published_at <= now() ORDER BY id LIMIT 1"
        ).fetchone()
    pdf = f"{base}/statements/{slug}.pdf"
    assert requests.get(pdf, timeout=30).status_code == 202  # handed to the worker
    deadline = time.monotonic() + 90
    while (answer := requests.get(pdf, timeout=30)).status_code == 202:
        assert time.monotonic() < deadline, "the worker did not make the PDF"
        time.sleep(0.3)
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")


class FromAddress(requests.adapters.HTTPAdapter):
    """Connections made from a loopback address of the test's choosing: another client."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client_at(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    return session


def sign_in(session: requests.Session, base: str, password: str) -> int:
    login = base + "/admin/login/"
    session.get(login, timeout=10)
    return session.post(
        login,
        data={
            "username": "editor",
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": "/admin/",
        },
        headers={"X-Forwarded-For": "198.51.100.1"},  # believed by nobody
        timeout=10,
        allow_redirects=False,
    ).status_code


def test_through_the_proxy_a_strangers_guesses_lock_only_the_stranger(deployment):
    """Behind the proxy every sign-in came from its address: five wrong passwords locked
    the account for everyone. The web hosts read the client's address from the proxy's
    X-Forwarded-For (and from no one else's), and lock the account and address together."""
    base, _, _ = deployment
    stranger, editor = client_at("127.0.0.2"), client_at("127.0.0.3")
    tried = [sign_in(stranger, base, "guess") for _ in range(5)]
    assert tried == [200, 200, 200, 200, 429], tried
    assert sign_in(stranger, base, "a long pass phrase") == 429  # the stranger stays out
    assert sign_in(editor, base, "a long pass phrase") == 302  # the editor signs in


def test_slow_clients_holding_half_sent_requests_do_not_stall_the_site(deployment):
    """100 sockets each holding a half-sent request (headers not finished, or a body that
    never comes) against gunicorn's 24 threads a host: the proxy buffers them, and every
    health probe and page is still answered at once."""
    base, _, _ = deployment
    host, port = base.removeprefix("http://").split(":")
    held = []
    try:
        for n in range(100):
            held_socket = socket.create_connection((host, int(port)), timeout=5)
            if n % 2:
                held_socket.sendall(b"GET /statements/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            else:
                held_socket.sendall(
                    b"POST /book/change/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 100000\r\n\r\naction=add&s="
                )
            held.append(held_socket)
        time.sleep(1)  # the proxy has them all
        # Each within the probe's timeout (gunicorn alone let 19 of 20 probes time out with
        # 30 sockets held: its threads wait on the half-sent requests).
        for path in ["/healthz", "/statements/", "/healthz", "/"] * 5:
            assert requests.get(base + path, timeout=20).status_code == 200, path
    finally:
        for held_socket in held:
            held_socket.close()


def test_a_web_host_going_down_costs_readers_nothing(deployment):
    base, webs, _ = deployment
    webs[0].stop()
    statuses = [requests.get(base + "/statements/", timeout=30).status_code for _ in range(30)]
    assert statuses == [200] * 30
