"""Static files (WhiteNoise), uploads and kept files: the local disk, or S3-compatible object
storage shared by every web host and worker when ARCHIVE_S3_BUCKET is set."""

from pathlib import Path

from archive.environment import env
from archive.settings.base import BASE_DIR, DEBUG, TESTING
from archive.storages import object_storage

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# The copies that outlive the server (statements.copies): the git mirror served at
# /mirror.git/, and the latest of each export, listed on /about/copies/.
ARCHIVE_COPIES_ROOT = Path(env.str("ARCHIVE_COPIES_ROOT", default=str(BASE_DIR / "copies")))
# Development and tests serve files straight from the finders, without collectstatic.
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Credentials come from the environment as boto3 reads them (AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY).
ARCHIVE_S3_BUCKET = env.str("ARCHIVE_S3_BUCKET", default="")
ARCHIVE_S3_ENDPOINT_URL = env.str("ARCHIVE_S3_ENDPOINT_URL", default=None)
ARCHIVE_S3_REGION = env.str("ARCHIVE_S3_REGION", default=None)
ARCHIVE_S3_PREFIX = env.str("ARCHIVE_S3_PREFIX", default="")

FILE_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": object_storage(
        bucket=ARCHIVE_S3_BUCKET,
        endpoint_url=ARCHIVE_S3_ENDPOINT_URL,
        region=ARCHIVE_S3_REGION,
        prefix=ARCHIVE_S3_PREFIX,
    )
    if ARCHIVE_S3_BUCKET
    else FILE_STORAGE,
    "staticfiles": {
        # Hashed, compressed names need collectstatic; development and tests serve from finders.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
