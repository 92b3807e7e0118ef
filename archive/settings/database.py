"""PostgreSQL: DATABASE_URL, or the embedded server in .pgdata/ when it is unset (a local
machine, never a deployment); streaming replicas for readers."""

from archive.databases import databases
from archive.devdb import embedded_database_url
from archive.environment import env

DATABASE_URL = env.str("DATABASE_URL", default="")
# Streaming replicas of it, separated by commas: readers' requests read from them, as far as
# they are caught up (infra.replicas).
DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
# Persistent connections: opening one per request made a page about 7 times slower.
CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=600)
# A database that does not answer is an error after this long, not a worker stuck.
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=5)

DATABASES = databases(
    DATABASE_URL or embedded_database_url(),
    replicas=DATABASE_REPLICA_URLS,
    conn_max_age=CONN_MAX_AGE,
    connect_timeout=DATABASE_CONNECT_TIMEOUT,
)
DATABASE_ROUTERS = ["infra.replicas.ReplicaRouter"] if DATABASE_REPLICA_URLS else []

# A reader's request that waited longer than this for a worker is answered 503 at once
# (infra.shedding); 0 turns it off.
ARCHIVE_SHED_AFTER_SECONDS = env.float("ARCHIVE_SHED_AFTER_SECONDS", default=5.0)
# A replica further behind than this (seconds, as PostgreSQL reports it) is left to the others.
ARCHIVE_REPLICA_MAX_LAG_SECONDS = env.float("ARCHIVE_REPLICA_MAX_LAG_SECONDS", default=10.0)
