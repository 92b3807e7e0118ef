"""The project: debug and test switches, applications, middleware, templates, languages."""

from pathlib import Path

from archive.environment import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env.bool("DEBUG", default=False)
# Set by the test suite's pytest plugin (tests/plugin.py); never in production.
TESTING = env.bool("TESTING", default=False)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])

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
    # Admin login throttling (see AXES_* in security.py).
    "axes",
    # Content-Security-Policy (see CONTENT_SECURITY_POLICY in security.py).
    "csp",
    # Only for the API documentation page's own static files (Swagger UI, no CDN).
    "ninja",
    # Revision history: triggers (pgtrigger) that copy every change into event tables.
    "pgtrigger",
    "pghistory",
    # Prometheus metrics: request latency and responses (infra.health serves /metrics).
    "django_prometheus",
    # Translators edit the interface's catalogs in the admin (statements.admin.translators).
    "rosetta",
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
    # The interface's language from the address's prefix (none: English), never guessed.
    "django.middleware.locale.LocaleMiddleware",
    # The admin's and the translators' pages in the editor's chosen (or browser's) language.
    "statements.admin.language.EditorLanguageMiddleware",
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
            # Every template may mark its words for translation without loading i18n.
            "builtins": ["django.templatetags.i18n"],
            # What statement pages embed for other tools (see statements/interop).
            "libraries": {
                "interop": "statements.interop.templatetags",
                "catalog": "statements.catalog.templatetags",
                "search": "statements.search.templatetags",
            },
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"

# django-rosetta (/rosetta/): the archive's own catalogs, for the "Translators" group.
ROSETTA_ACCESS_CONTROL_FUNCTION = "statements.admin.translators.can_translate"
ROSETTA_LOGIN_URL = "/admin/login/"
ROSETTA_SHOW_AT_ADMIN_PANEL = True
ROSETTA_MESSAGES_SOURCE_LANGUAGE_CODE = "en"
ROSETTA_MESSAGES_SOURCE_LANGUAGE_NAME = "English"
ROSETTA_ENABLE_TRANSLATION_SUGGESTIONS = False  # no translation service is reachable
ROSETTA_POFILE_WRAP_WIDTH = 79  # as `make messages` writes them
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
# The interface's languages: English at today's addresses, the others under their prefix
# (/uk/…, archive/urls.py). Names are each language's own.
LANGUAGES = [
    ("en", "English"),
    ("uk", "Українська"),
    ("ru", "Русский"),
    ("es", "Español"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("zh-hans", "简体中文"),
    ("mk", "Македонски"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

# Tags: names are matched case-insensitively, and input is split on commas only so that
# multi-word tags ("mutual aid") survive.
TAGGIT_CASE_INSENSITIVE = True
TAGGIT_TAGS_FROM_STRING = "statements.core.tagging.parse_tags"
TAGGIT_STRING_FROM_TAGS = "statements.core.tagging.format_tags"

# Revision history (django-pghistory): readers' page loads open no revision context.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
