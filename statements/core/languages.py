"""ISO 639-1 language codes, from pycountry's copy of the ISO tables."""

from functools import cache

import pycountry
from django.core.exceptions import ValidationError


@cache
def language_names() -> dict[str, str]:
    """Every ISO 639-1 code with its English name, sorted by name."""
    pairs = {lang.alpha_2: lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")}
    return dict(sorted(pairs.items(), key=lambda item: item[1]))


def language_name(code: str) -> str:
    return language_names().get(code, code)


def language_choices() -> list[tuple[str, str]]:
    return [("", "Unknown")] + [
        (code, f"{name} ({code})") for code, name in language_names().items()
    ]


def validate_language_code(value: str) -> None:
    if value and value not in language_names():
        raise ValidationError(
            "“%(value)s” is not an ISO 639-1 language code (two letters, such as en, fr, uk).",
            code="invalid_language",
            params={"value": value[:20]},
        )
