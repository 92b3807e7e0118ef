"""Sources (statements.sources): link checks and captured copies of the pages sources name."""

from archive.environment import env
from archive.settings.base import TESTING

# The checker and the capturer connect only to public addresses: private, loopback,
# link-local and reserved ones are refused, redirects included, except the networks named
# here (the tests' own servers on 127.0.0.1, and only under tests by default).
ARCHIVE_FETCH_ALLOWED_NETWORKS = env.list(
    "ARCHIVE_FETCH_ALLOWED_NETWORKS", default=["127.0.0.1/32"] if TESTING else []
)
ARCHIVE_FETCH_USER_AGENT = env.str(
    "ARCHIVE_FETCH_USER_AGENT",
    default="StatementsArchive/1.0 (checks and keeps copies of the sources its statements cite)",
)
ARCHIVE_FETCH_CONNECT_SECONDS = env.float("ARCHIVE_FETCH_CONNECT_SECONDS", default=5.0)
ARCHIVE_FETCH_READ_SECONDS = env.float("ARCHIVE_FETCH_READ_SECONDS", default=10.0)
ARCHIVE_FETCH_TOTAL_SECONDS = env.float("ARCHIVE_FETCH_TOTAL_SECONDS", default=30.0)
ARCHIVE_FETCH_MAX_REDIRECTS = env.int("ARCHIVE_FETCH_MAX_REDIRECTS", default=5)
# Requests to one host per minute (HEAD and GET alike), and requests in flight at once.
ARCHIVE_CHECK_PER_HOST_PER_MINUTE = env.int("ARCHIVE_CHECK_PER_HOST_PER_MINUTE", default=12)
ARCHIVE_CHECK_WORKERS = env.int("ARCHIVE_CHECK_WORKERS", default=8)
# Failures in a row (timeouts, refused connections, server errors) before a source is gone.
ARCHIVE_CHECK_FAILURES_GONE = env.int("ARCHIVE_CHECK_FAILURES_GONE", default=3)
# Captures: the page, each file it uses, the whole WARC, and how many files at most.
ARCHIVE_CAPTURE_PAGE_BYTES = env.int("ARCHIVE_CAPTURE_PAGE_BYTES", default=10 * 2**20)
ARCHIVE_CAPTURE_RESOURCE_BYTES = env.int("ARCHIVE_CAPTURE_RESOURCE_BYTES", default=5 * 2**20)
ARCHIVE_CAPTURE_TOTAL_BYTES = env.int("ARCHIVE_CAPTURE_TOTAL_BYTES", default=25 * 2**20)
ARCHIVE_CAPTURE_MAX_RESOURCES = env.int("ARCHIVE_CAPTURE_MAX_RESOURCES", default=40)
# The replay reads (and decodes) at most this much of a captured page; the rest is in the
# WARC file editors download. A file of a capture: at most ARCHIVE_CAPTURE_RESOURCE_BYTES.
ARCHIVE_REPLAY_PAGE_BYTES = env.int("ARCHIVE_REPLAY_PAGE_BYTES", default=2 * 2**20)
