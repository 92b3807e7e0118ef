"""The admin and the translators' pages in the editor's own language. Their addresses carry
no language (they are nobody's shared links): the language is the one the editor chose in
the admin's header (Django's language cookie, set by /i18n/setlang/), else their browser's
(Accept-Language), else English. Never cached, so nothing else varies with it."""

from __future__ import annotations

from django.utils import translation

EDITOR_PATHS = ("/admin/", "/rosetta/", "/i18n/")


class EditorLanguageMiddleware:
    """After LocaleMiddleware, which gives every unprefixed address English."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(EDITOR_PATHS):
            return self.get_response(request)
        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
