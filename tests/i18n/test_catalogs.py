"""The shipped catalogs: complete, compiling (placeholders checked by GNU gettext), and
with each language's plural forms as CLDR counts them."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from babel import Locale
from django.conf import settings
from django.utils import translation

from statements.core.locales import babel_locale

LOCALE = Path(settings.BASE_DIR) / "locale"
SHIPPED = [code for code, _name in settings.LANGUAGES if code != "en"]  # English is the source


def catalog_path(code: str) -> Path:
    return LOCALE / translation.to_locale(code) / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("code", SHIPPED)
def test_every_message_is_translated_and_none_is_fuzzy(code):
    catalog = polib.pofile(str(catalog_path(code)))
    assert len(catalog) > 400
    assert [e.msgid for e in catalog.untranslated_entries()] == []
    assert [e.msgid for e in catalog.fuzzy_entries()] == []
    assert not catalog.metadata_is_fuzzy
    assert catalog.metadata["Language"] == translation.to_locale(code)


def test_every_catalog_holds_the_same_messages():
    keys = {
        code: {(e.msgctxt, e.msgid) for e in polib.pofile(str(catalog_path(code)))}
        for code in SHIPPED
    }
    first = keys[SHIPPED[0]]
    assert all(found == first for found in keys.values())


@pytest.mark.parametrize("code", SHIPPED)
def test_catalogs_compile_with_their_placeholders_checked(code, tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("GNU gettext's msgfmt is missing: `make catalogs` installs it")
    done = subprocess.run(  # noqa: S603
        [msgfmt, "--check", "--output-file", str(tmp_path / "django.mo"), str(catalog_path(code))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


CLDR_CATEGORY_INDEX = {
    # The order of gettext's forms for each language, by CLDR's category names.
    "uk": ["one", "few", "many"],
    "ru": ["one", "few", "many"],
    "ar": ["zero", "one", "two", "few", "many", "other"],
}


@pytest.mark.parametrize("code", ["uk", "ru", "ar"])
@pytest.mark.parametrize("count", [0, 1, 2, 5, 11, 21, 101])
def test_plural_forms_follow_cldr(code, count):
    """The catalog's Plural-Forms picks, for each count, the form CLDR's rule names."""
    entry = polib.pofile(str(catalog_path(code))).find("%(counter)s statement")
    category = Locale.parse(code).plural_form(count)
    index = CLDR_CATEGORY_INDEX[code].index(category)
    with translation.override(code):
        shown = translation.ngettext("%(counter)s statement", "%(counter)s statements", count)
    assert shown == entry.msgstr_plural[index]
    assert shown % {"counter": count} == entry.msgstr_plural[index].replace(
        "%(counter)s", str(count)
    )


def test_the_three_forms_of_ukrainian_and_russian_read_right():
    said = {}
    for code in ("uk", "ru"):
        with translation.override(code):
            said[code] = [
                translation.ngettext("%(counter)s statement", "%(counter)s statements", n)
                % {"counter": n}
                for n in (0, 1, 2, 5, 11, 21)
            ]
    assert said["uk"] == ["0 заяв", "1 заява", "2 заяви", "5 заяв", "11 заяв", "21 заява"]
    assert said["ru"] == [
        "0 заявлений", "1 заявление", "2 заявления", "5 заявлений", "11 заявлений",
        "21 заявление",
    ]  # fmt: skip


def test_arabic_has_six_forms():
    with translation.override("ar"):
        forms = {
            translation.ngettext("%(counter)s statement", "%(counter)s statements", n)
            for n in (0, 1, 2, 5, 11, 101)
        }
    assert len(forms) == 4  # zero, one and other share a word; two, few and many differ
    assert len(babel_locale("ar").plural_form.tags | {"other"}) == 6  # "other" is implied
