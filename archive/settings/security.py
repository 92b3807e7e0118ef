"""Security: safe by default, relaxed only for local development and the test client. The
secret key, HTTPS, cookies, the Content-Security-Policy, sign-in throttling, CORS."""

import datetime

from csp import constants as csp
from django.conf import global_settings

from archive.environment import env
from archive.settings.base import DEBUG, TESTING
from archive.settings.database import DATABASE_URL

# Required in production; a local machine (debug, tests, the embedded database) gets a key
# whose django-insecure- prefix makes `check --deploy` flag it if it ever reaches production.
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="django-insecure-local-development-key-never-use-in-production"
    if DEBUG or TESTING or not DATABASE_URL
    else env.NOTSET,
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SECURE_BY_DEFAULT = not (DEBUG or TESTING)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE_BY_DEFAULT)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SECURE_BY_DEFAULT)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SECURE_BY_DEFAULT)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_BY_DEFAULT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Only behind a proxy that sets this header itself and strips it from clients:
# "HTTP_X_FORWARDED_PROTO,https".
SECURE_PROXY_SSL_HEADER = env.tuple("SECURE_PROXY_SSL_HEADER", default=None)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Hashing with PBKDF2's full cost made every test that logs in a quarter-second slower.
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING
    else global_settings.PASSWORD_HASHERS
)

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

# The proxies in front of the web hosts (addresses or networks): from them, and only from
# them, the client's address is read from X-Forwarded-For (infra.clients). deploy/ names its
# nginx; empty, every request's address is the connection's.
ARCHIVE_TRUSTED_PROXIES = env.list("ARCHIVE_TRUSTED_PROXIES", default=[])

# Sign-in guesses are limited: after AXES_FAILURE_LIMIT failures for one account from one
# client address, sign-in to that account is refused from that address for
# AXES_COOLOFF_MINUTES. Never by account alone, nor by address alone: a stranger's five
# guesses must not lock an editor out, nor, behind a proxy, everyone.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # the two together
AXES_CLIENT_IP_CALLABLE = "infra.clients.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

# Anyone's page may read what the archive publishes for other tools: GET only, no cookies.
CORS_URLS_REGEX = r"^/(api|oai|feeds|opds)/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
