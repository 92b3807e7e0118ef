"""What a web process does with a file a reader asks for when a task queue is configured:
queued once, a failure told, a lost job asked again, the queue never flooded, and made in the
request when the broker does not take it. (tests/faults/test_queue.py runs real workers.)"""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from statements.core.pandoc import ConversionError
from statements.editions import tasks
from statements.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(settings, tmp_path, monkeypatch):
    """A configured broker that takes (or, with ``queue.taking = False``, refuses) tasks."""
    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_BROKER_URL = "redis://broker.invalid:6379/0"

    class Broker:
        taking = True
        sent: list = []

        def enqueue(self, task, *args):
            if self.taking:
                self.sent.append(args)
            return self.taking

    broker = Broker()
    broker.sent = []
    monkeypatch.setattr(tasks, "enqueue", broker.enqueue)
    return broker


def ask(name: str = "books/ab/abc.pdf"):
    return tasks.kept_or_queued(name, lambda: b"%PDF-made here", object(), "arg")


def test_a_file_asked_for_twice_is_queued_once(queue):
    assert ask() is None and ask() is None
    assert len(queue.sent) == 1 and queue.sent[0] == ("books/ab/abc.pdf", "arg")
    assert Job.objects.get().state == Job.QUEUED
    tasks._file_job("books/ab/abc.pdf", lambda: b"%PDF-made on a worker")
    assert ask() == "books/ab/abc.pdf" and not Job.objects.exists()
    assert default_storage.open("books/ab/abc.pdf").read() == b"%PDF-made on a worker"


def test_a_failure_is_told_then_tried_again_later(queue):
    ask()

    def fails() -> bytes:
        raise ConversionError("too long to make within 25 s")

    tasks._file_job("books/ab/abc.pdf", fails)
    with pytest.raises(ConversionError, match="too long"):
        ask()
    assert len(queue.sent) == 1
    Job.objects.update(updated_at=timezone.now() - tasks.FAILED_KEPT)
    assert ask() is None and len(queue.sent) == 2  # asked again after a while


def test_a_lost_job_is_queued_again(queue):
    ask()
    Job.objects.update(state=Job.RUNNING, updated_at=timezone.now() - datetime.timedelta(minutes=6))
    assert ask() is None and len(queue.sent) == 2
    assert Job.objects.get().state == Job.QUEUED


def test_the_queue_is_not_flooded(queue):
    Job.objects.bulk_create(
        Job(kind=Job.FILE, key=f"books/x/{n}.pdf") for n in range(tasks.MAX_FILES_WAITING)
    )
    with pytest.raises(ConversionError, match="try again in a minute"):
        ask()
    assert ask("books/x/7.pdf") is None  # one already waiting is still waited for
    assert queue.sent == []


def test_made_here_when_the_broker_does_not_take_it(queue):
    queue.taking = False
    assert ask() == "books/ab/abc.pdf"
    assert default_storage.open("books/ab/abc.pdf").read() == b"%PDF-made here"
    assert not Job.objects.exists()
