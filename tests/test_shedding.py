"""A reader's request that waited too long for a worker gets a quick 503; a write never.
(tests/faults/test_overload.py overloads a real gunicorn.)"""

import time

import pytest


@pytest.mark.django_db
def test_a_reader_who_waited_too_long_gets_a_quick_503(client, settings):
    settings.ARCHIVE_SHED_AFTER_SECONDS = 2
    assert client.get("/statements/", HTTP_X_ARCHIVE_WAITED_MS="1500").status_code == 200
    shed = client.get("/statements/", HTTP_X_ARCHIVE_WAITED_MS="2500")
    assert shed.status_code == 503 and shed["Retry-After"] == "5"
    assert "very busy" in shed.content.decode()
    # The proxy's start time (nginx: t=${msec}) counts too.
    old = f"t={time.time() - 3:.3f}"
    assert client.get("/statements/", HTTP_X_REQUEST_START=old).status_code == 503
    recent = f"t={time.time():.3f}"
    assert client.get("/statements/", HTTP_X_REQUEST_START=recent).status_code == 200
    # Nonsense is no wait at all.
    assert client.get("/statements/", HTTP_X_REQUEST_START="t=soon").status_code == 200


@pytest.mark.django_db
def test_a_write_is_never_shed_and_the_limit_can_be_off(client, settings):
    settings.ARCHIVE_SHED_AFTER_SECONDS = 2
    posted = client.post("/book/change/", {"add": "nothing-here"}, HTTP_X_ARCHIVE_WAITED_MS="9000")
    assert posted.status_code != 503
    settings.ARCHIVE_SHED_AFTER_SECONDS = 0
    assert client.get("/statements/", HTTP_X_ARCHIVE_WAITED_MS="9000").status_code == 200
