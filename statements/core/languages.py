"""ISO 639-1 language codes, from pycountry's copy of the ISO tables."""

import re
from functools import cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from statements.core.locales import language_name_in_interface


@cache
def language_names() -> dict[str, str]:
    """Every ISO 639-1 code with its English name, sorted by name."""
    pairs = {lang.alpha_2: lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")}
    return dict(sorted(pairs.items(), key=lambda item: item[1]))


def language_name(code: str) -> str:
    """A language's name in the interface's language ("українська" for uk in the Ukrainian
    interface), from CLDR; in English, or for a language CLDR does not name, ISO's."""
    english = language_names().get(code, code)
    if (translation.get_language() or "en") == "en":
        return english
    return language_name_in_interface(code, english)


def _names_in_interface() -> dict[str, str]:
    """Every ISO 639-1 code with its name in the interface's language, by that name."""
    names = {code: language_name(code) for code in language_names()}
    return dict(sorted(names.items(), key=lambda item: item[1].casefold()))


def language_choices() -> list[tuple[str, object]]:
    return [("", _("Unknown"))] + [
        (code, f"{name} ({code})") for code, name in _names_in_interface().items()
    ]


def language_choices_grouped(first: list[str]) -> list:
    """The language picker's choices: "Unknown", then the ``first`` codes (the archive's
    own languages, most used first), then every other language by name (in the interface's
    language)."""
    names = _names_in_interface()
    ours = [(code, f"{names[code]} ({code})") for code in first if code in names]
    rest = [(code, f"{name} ({code})") for code, name in names.items() if code not in first]
    if not ours:
        return [("", _("Unknown")), *rest]
    return [("", _("Unknown")), (_("Languages of the archive"), ours), (_("Every language"), rest)]


def validate_language_code(value: str) -> None:
    if value and value not in language_names():
        raise ValidationError(
            _("“%(value)s” is not an ISO 639-1 language code (two letters, such as en, fr, uk)."),
            code="invalid_language",
            params={"value": value[:20]},
        )


# The detector is sure of a long text's language far more often than of a short one's.
LANGUAGE_MIN_LETTERS = 120
LANGUAGE_MIN_CONFIDENCE = 0.9
_LANGUAGE_SAMPLE = 6000


@cache
def _language_detector():
    from lingua import LanguageDetectorBuilder

    # Every language lingua knows, in its low-accuracy mode (trigrams only): about 70 MB
    # and a few milliseconds a text, where the high-accuracy models take a gigabyte. Texts
    # this short of LANGUAGE_MIN_LETTERS are never asked.
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def language_detect(text: str) -> str:
    """The ISO 639-1 code of ``text``'s language when the detector is sure of it (a
    confidence of LANGUAGE_MIN_CONFIDENCE or more, on LANGUAGE_MIN_LETTERS letters at least);
    "" otherwise: an empty language is better than a wrong one."""
    sample = re.sub(r"https?://\S+|[#*_=<>\[\]{}|`~^]+", " ", text[:_LANGUAGE_SAMPLE])
    if sum(1 for ch in sample if ch.isalpha()) < LANGUAGE_MIN_LETTERS:
        return ""
    values = _language_detector().compute_language_confidence_values(sample)
    if not values or values[0].value < LANGUAGE_MIN_CONFIDENCE:
        return ""
    return values[0].language.iso_code_639_1.name.lower()
