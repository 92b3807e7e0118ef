"""What every template may use: the archive's name (ARCHIVE_NAME), as feeds and OAI-PMH
already give it."""

from django.conf import settings
from django.http import HttpRequest


def archive(request: HttpRequest) -> dict[str, str]:
    return {"archive_name": settings.ARCHIVE_NAME}
