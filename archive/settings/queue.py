"""The task queue (infra.queue, archive.celery): Celery with Redis or RabbitMQ as broker;
with none, each task runs in the process that asks for it."""

from archive.environment import env

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="archive")
CELERY_TASK_IGNORE_RESULT = True  # what a task did is kept by the archive (Job), not Celery
# A task is taken off the queue once done: a worker that dies mid-task leaves it to another.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Handing a task over waits this long at most; then the web process does the work itself.
ARCHIVE_BROKER_TIMEOUT = env.float("ARCHIVE_BROKER_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_TIMEOUT = ARCHIVE_BROKER_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": ARCHIVE_BROKER_TIMEOUT,
    "socket_connect_timeout": ARCHIVE_BROKER_TIMEOUT,
    "max_retries": 1,
}

# When a task queue is configured, its beat checks the sources on this schedule: a crontab
# line ("30 3 * * *", the default: every night) or a number of seconds (archive.celery).
ARCHIVE_CHECK_SOURCES_SCHEDULE = env.str("ARCHIVE_CHECK_SOURCES_SCHEDULE", default="30 3 * * *")
# Each run checks the addresses not checked within this many hours (0: all of them).
ARCHIVE_CHECK_SOURCES_OLDER_THAN_HOURS = env.float(
    "ARCHIVE_CHECK_SOURCES_OLDER_THAN_HOURS", default=20.0
)

# The copies that outlive the server (statements.copies), made by the beat on this schedule
# (a crontab line or seconds; empty: never, as when cron runs `manage.py publish_copies`),
# and which of them (git, zim, site, bag, data).
ARCHIVE_COPIES_SCHEDULE = env.str("ARCHIVE_COPIES_SCHEDULE", default="15 4 * * *")
ARCHIVE_COPIES = env.list("ARCHIVE_COPIES", default=["git", "zim", "site", "bag", "data"])
