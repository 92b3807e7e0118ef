"""Readers' books are bounded: new ones per client an hour, days kept since the last request,
and a size for them all (139 PDFs in 30 s over four connections, about 40 GB a day, before)."""

import datetime
import io
import os
import time

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from archive.celery import app
from statements.editions.services import EditionOptions, edition_get
from statements.models import KeptBook
from tests.factories import make_statement


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    caches["default"].clear()  # the rate limit's counts
    yield tmp_path
    caches["default"].clear()


@pytest.fixture
def two(db):
    return [
        make_statement("Harbour call", body="We call for the strike.", authors=["Dock Assembly"]),
        make_statement("Bakers' letter", body="No bread without us.", authors=["Bakers"]),
    ]


def book(client, statements, title, address="203.0.113.5"):
    slugs = ",".join(s.slug for s in statements)
    return client.get("/book/book.epub", {"s": slugs, "title": title}, REMOTE_ADDR=address)


def test_a_client_gets_so_many_new_books_an_hour(client, two, settings):
    settings.ARCHIVE_BOOK_BUILDS_PER_HOUR = 3
    assert [book(client, two, f"Zine {n}").status_code for n in range(3)] == [200] * 3
    refused = book(client, two, "Zine 4")
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "3 new books made in the last hour" in refused.content.decode()
    # A book already made is served to anyone, the busy client included, as often as asked.
    assert [book(client, two, "Zine 0").status_code for _ in range(5)] == [200] * 5
    # Another client has its own share.
    assert book(client, two, "Zine 4", address="198.51.100.8").status_code == 200
    assert KeptBook.objects.count() == 4


@pytest.mark.django_db
def test_books_nobody_asks_for_expire_and_editions_stay(client, two, settings, media):
    book(client, two, "Kept")
    book(client, two, "Forgotten")
    edition, _ = edition_get(two[0], fmt="epub", options=EditionOptions(paper=""))
    assert KeptBook.objects.count() == 2
    long_ago = timezone.now() - datetime.timedelta(days=8)
    forgotten = KeptBook.objects.order_by("pk").last()
    KeptBook.objects.filter(pk=forgotten.pk).update(requested_at=long_ago)
    # A file under books/ the shelf has no record of, made before it kept one.
    stray = default_storage.save("books/ab/stray.epub", ContentFile(b"PK old"))
    old = time.time() - 8 * 24 * 3600
    os.utime(media / stray, (old, old))
    out = io.StringIO()
    call_command("expire_books", stdout=out)
    assert "1 not asked for in 7 days, 0 past 2048 MB and 1 unrecorded books removed" in (
        out.getvalue()
    )
    assert not default_storage.exists(forgotten.name) and not default_storage.exists(stray)
    kept = KeptBook.objects.get()
    assert default_storage.exists(kept.name) and default_storage.exists(edition)
    # Asking for it again keeps it longer.
    KeptBook.objects.update(requested_at=long_ago + datetime.timedelta(days=2))
    assert book(client, two, "Kept").status_code == 200
    assert KeptBook.objects.get().requested_at > timezone.now() - datetime.timedelta(minutes=1)


@pytest.mark.django_db
def test_past_the_shelfs_size_the_least_recently_asked_for_go_first(client, two, settings):
    book(client, two, "First")
    book(client, two, "Second")
    first, second = KeptBook.objects.order_by("pk")
    KeptBook.objects.filter(pk=first.pk).update(
        requested_at=timezone.now() - datetime.timedelta(hours=3)
    )
    settings.ARCHIVE_BOOKS_MAX_MB = 0  # any book is over: all but the one just made go
    book(client, two, "Third")
    left = list(KeptBook.objects.values_list("name", flat=True))
    assert len(left) == 1 and left[0] not in (first.name, second.name)
    assert not default_storage.exists(first.name) and not default_storage.exists(second.name)


def test_the_beat_runs_the_clean_up_daily():
    from archive.celery import _periodic_tasks

    _periodic_tasks(app)
    entry = app.conf.beat_schedule["expire-books"]
    assert entry["task"] == "archive.expire_books" and entry["schedule"] == 24 * 3600
    assert "archive.expire_books" in app.tasks
