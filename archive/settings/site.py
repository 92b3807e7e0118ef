"""The archive itself: its name and addresses, and the bounds of its conversions and imports."""

from archive.environment import env

# The public site's name, shown in titles and feeds.
ARCHIVE_NAME = env.str("ARCHIVE_NAME", default="Statement Archive")
# The site's own address (https://archive.example.org), printed in the colophon of its EPUB
# and PDF files; without it the colophon names no address (a file is kept per address).
ARCHIVE_BASE_URL = env.str("ARCHIVE_BASE_URL", default="")
# The year in the permanent ids of feed entries (tag:<host>,<year>:statement/<n>): a year in
# which the archive held its domain. Never change it once feeds are out.
ARCHIVE_TAG_YEAR = env.str("ARCHIVE_TAG_YEAR", default="2026")
# Who answers for the archive: OAI-PMH's Identify requires an address.
ARCHIVE_ADMIN_EMAIL = env.str("ARCHIVE_ADMIN_EMAIL", default="editors@archive.invalid")
# /metrics (Prometheus) answers only a scraper that sends "Authorization: Bearer <this>";
# unset, there are no metrics to read (a 404), whoever asks.
ARCHIVE_METRICS_TOKEN = env.str("ARCHIVE_METRICS_TOKEN", default="")

# Every conversion (pandoc, Typst, trafilatura) runs in a child process stopped past these
# much processor time and memory (statements.core.bounded): a busy machine slows it, and
# never refuses it. The wall clock only backs them up, at several times the processor time.
# In a web request (an import previewed in the admin, a reader's EPUB or PDF):
ARCHIVE_CONVERSION_CPU_SECONDS = env.float("ARCHIVE_CONVERSION_CPU_SECONDS", default=15.0)
ARCHIVE_CONVERSION_MEMORY_MB = env.int("ARCHIVE_CONVERSION_MEMORY_MB", default=1024)
# A reader's book (the bookbuilder) made in the request: pandoc and Typst together.
ARCHIVE_BOOK_CPU_SECONDS = env.float("ARCHIVE_BOOK_CPU_SECONDS", default=25.0)
# Readers' books (statements.editions.shelf): new ones made for one client an hour; days a
# book nobody asks for again is kept; all of them together, at most.
ARCHIVE_BOOK_BUILDS_PER_HOUR = env.int("ARCHIVE_BOOK_BUILDS_PER_HOUR", default=20)
ARCHIVE_BOOKS_KEEP_DAYS = env.int("ARCHIVE_BOOKS_KEEP_DAYS", default=7)
ARCHIVE_BOOKS_MAX_MB = env.int("ARCHIVE_BOOKS_MAX_MB", default=2048)
# A rate limit whose cache is away lets the request through (django-ratelimit).
RATELIMIT_FAIL_OPEN = True
# On the command line and the task queue's workers (imports, editions, books), per
# conversion and per book:
ARCHIVE_BATCH_CPU_SECONDS = env.float("ARCHIVE_BATCH_CPU_SECONDS", default=300.0)
ARCHIVE_BATCH_MEMORY_MB = env.int("ARCHIVE_BATCH_MEMORY_MB", default=2048)

# The admin's import runs in the web request: no file is started after this many seconds
# (with one file's conversion bounded above, the request ends in reasonable time).
ARCHIVE_ADMIN_IMPORT_SECONDS = env.int("ARCHIVE_ADMIN_IMPORT_SECONDS", default=10)
# An import confirmed in the admin when a task queue is configured runs on a worker: no file
# is started after this many seconds there.
ARCHIVE_QUEUE_IMPORT_SECONDS = env.int("ARCHIVE_QUEUE_IMPORT_SECONDS", default=600)
