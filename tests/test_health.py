"""/healthz and /readyz answer probes that name no host of the site and speak plain HTTP;
every response carries a request id. (tests/faults/ takes the database away for real.)"""

import json

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_any_host_over_plain_http(client, settings, path):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["archive.example.org"]
    response = client.get(path, HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = json.loads(response.content)
    if path == "/readyz":
        assert body["status"] == "ready"
        assert body["checks"]["database:default"]["ok"] is True
    else:
        assert body == {"status": "alive"}
    # The site itself still refuses that host, and redirects to https.
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400
    assert client.get("/", HTTP_HOST="archive.example.org").status_code == 301


def test_probes_only_read(client):
    response = client.post("/readyz")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_readyz_names_what_failed(client, monkeypatch):
    from infra import health

    def broken():
        raise ConnectionError("refused")

    monkeypatch.setattr(health, "_database", lambda alias: broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    check = json.loads(response.content)["checks"]["database:default"]
    assert check["ok"] is False and check["error"] == "ConnectionError"


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    given = client.get("/statements/", HTTP_X_REQUEST_ID="edge-7f3a-0001")
    assert given["X-Request-ID"] == "edge-7f3a-0001"
    made = client.get("/statements/", HTTP_X_REQUEST_ID="<script>")
    assert made["X-Request-ID"] != "<script>" and len(made["X-Request-ID"]) == 32
    assert client.get("/statements/")["X-Request-ID"] != made["X-Request-ID"]
