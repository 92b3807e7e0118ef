"""gunicorn's settings for the archive: ``gunicorn -c python:archive.gunicorn archive.wsgi``.

Threaded workers: a client that sends its request slowly, or never finishes it, holds one
thread of a worker instead of the whole worker, so a few slow clients cannot stall the site
(with sync workers, as many half-sent requests as workers stopped every page for the worker
timeout). Each setting can be changed from the environment.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# gunicorn's thread worker, noting how long each request waited (infra.shedding).
worker_class = "infra.shedding.ShedThreadWorker"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A worker that stops answering its arbiter for this long is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
keepalive = 5
# Requests larger than these are refused before Django sees them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190


# Prometheus: each worker writes its counts to files in one folder, which /metrics adds up
# (prometheus_client's multiprocess mode); set before the workers start, emptied at start,
# and a worker that exits leaves its gauges. A folder of our own when none is given.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    import tempfile

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="archive-metrics-")


def on_starting(server) -> None:
    from pathlib import Path

    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for counts in folder.glob("*.db"):  # the last run's; nothing else in the folder
        counts.unlink()


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
