"""What every template may use: the archive's name (ARCHIVE_NAME), as feeds and OAI-PMH
already give it, and the interface's languages with this page's address in each."""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def archive(request: HttpRequest) -> dict:
    return {"archive_name": settings.ARCHIVE_NAME, **_languages(request)}


def _languages(request: HttpRequest) -> dict:
    """The interface's language and direction, and each language's address of this page
    (the switcher and the hreflang alternates). The admin and machine addresses have none."""
    current = get_language() or settings.LANGUAGE_CODE
    info = get_language_info(current)
    context = {
        "interface_language": current,
        "interface_direction": "rtl" if info["bidi"] else "ltr",
    }
    path = request.get_full_path()
    if path.startswith(("/admin/", "/api/", "/opds/")):
        return context
    try:
        origin = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:  # the 400 page of a spoofed host: no address of it anywhere
        return context
    languages = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code)
        languages.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "absolute": origin + url,
                "current": code == current,
            }
        )
    context["interface_languages"] = languages
    return context
