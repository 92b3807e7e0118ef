"""What every template may use: the archive's name (ARCHIVE_NAME), as feeds and OAI-PMH
already give it, and the interface's languages with this page's address in each."""

import functools

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation
from django.utils.translation import get_language, get_language_info, gettext


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
    if path.startswith(("/admin/", "/api/", "/opds/", "/rosetta/")):
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
                **_offer(code),
            }
        )
    context["interface_languages"] = languages
    return context


@functools.cache
def _offer(code: str) -> dict:
    """What static/js/language.js offers a reader whose browser asks for ``code``, in that
    language: "Read this page in Ukrainian", said in Ukrainian."""
    with translation.override(code):
        return {
            "direction": "rtl" if get_language_info(code)["bidi"] else "ltr",
            # Translators: "Read this page in <the language of this catalog>".
            "offer": gettext("Read this page in English"),
            "close": gettext("Close"),
        }
