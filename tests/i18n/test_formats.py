"""Dates, reading times and language names as each language writes them (CLDR, through
Babel), and the date filters reading each language's forms back."""

import datetime

import pytest
from django.conf import settings
from django.utils import translation

from statements.catalog.pages import reading_time
from statements.core.dates import PartialDate
from statements.core.languages import language_name
from tests.factories import make_statement

CODES = [code for code, _name in settings.LANGUAGES]


@pytest.mark.parametrize(
    ("code", "year", "month", "day"),
    [
        ("en", "2025", "March 2025", "13 March 2025"),
        ("uk", "2025", "березень 2025\u202fр.", "13 березня 2025\u202fр."),
        ("ru", "2025", "март 2025\u202fг.", "13 марта 2025\u202fг."),
        ("es", "2025", "marzo de 2025", "13 de marzo de 2025"),
        ("fr", "2025", "mars 2025", "13 mars 2025"),
        ("de", "2025", "März 2025", "13. März 2025"),
        ("zh-hans", "2025年", "2025年3月", "2025年3月13日"),
        ("mk", "2025\u202fг.", "март 2025\u202fг.", "13 март 2025\u202fг."),
        ("ar", "2025", "مارس 2025", "13 مارس 2025"),
    ],
)
def test_partial_dates_in_every_language(code, year, month, day):
    with translation.override(code):
        shown = [PartialDate(2025).display(), PartialDate(2025, 3).display()]
        shown.append(PartialDate(2025, 3, 13).display())
    assert shown == [year, month, day]


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize(
    "date", [PartialDate(1917), PartialDate(1917, 11), PartialDate(2025, 2, 28)]
)
def test_every_language_reads_back_what_it_shows(code, date):
    with translation.override(code):
        assert PartialDate.read(date.display()) == date


@pytest.mark.parametrize(
    ("code", "text", "date"),
    [
        ("uk", "березня 2025", PartialDate(2025, 3)),
        ("uk", "13 березня 2025", PartialDate(2025, 3, 13)),
        ("ru", "13 марта 2025", PartialDate(2025, 3, 13)),
        ("fr", "13 mars 2025", PartialDate(2025, 3, 13)),
        ("fr", "1er mars 2025", PartialDate(2025, 3, 1)),
        ("de", "13. März 2025", PartialDate(2025, 3, 13)),
        ("de", "13.03.2025", PartialDate(2025, 3, 13)),
        ("es", "13 de marzo de 2025", PartialDate(2025, 3, 13)),
        ("zh-hans", "2025年3月", PartialDate(2025, 3)),
        ("ar", "١٣ مارس ٢٠٢٥", PartialDate(2025, 3, 13)),
        ("mk", "ноември 1917", PartialDate(1917, 11)),
        ("en", "березня 2025", PartialDate(2025, 3)),  # any of the languages, in any interface
        ("uk", "March 2025", PartialDate(2025, 3)),  # today's forms still read
        ("uk", "2025-03", PartialDate(2025, 3)),
    ],
)
def test_a_date_as_a_language_writes_it(code, text, date):
    with translation.override(code):
        assert PartialDate.read(text) == date


@pytest.mark.django_db
def test_the_list_filters_by_a_date_in_the_interface_language(client):
    make_statement("Березневий лист", slug="berezen", issued="2025-03-13")
    make_statement("Квітневий лист", slug="kviten", issued="2025-04-02")
    response = client.get("/uk/statements/", {"from": "березня 2025", "to": "березня 2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Березневий лист" in html and "Квітневий лист" not in html
    assert "Від: березень 2025\u202fр." in html  # the filter said back in the reader's language
    bad = client.get("/uk/statements/", {"from": "березоль 2025"})
    assert bad.status_code == 400
    assert "не дата" in bad.content.decode()


@pytest.mark.parametrize(
    ("code", "minutes", "said"),
    [
        ("en", 581, "9 hours 41 minutes"),
        ("uk", 1, "1 хвилина"),
        ("uk", 22, "22 хвилини"),
        ("uk", 125, "2 години 5 хвилин"),
        ("ru", 21, "21 минута"),
        ("ar", 2, "2 دقيقتان"),
        ("fr", 60, "1 heure"),
        ("zh-hans", 61, "1 小时 1 分钟"),
    ],
)
def test_reading_time_has_each_language_s_plurals(code, minutes, said):
    with translation.override(code):
        assert reading_time(minutes) == said


def test_language_names_in_the_interface_language():
    with translation.override("uk"):
        assert language_name("mk") == "македонська"
    with translation.override("fr"):
        assert language_name("uk") == "ukrainien"
    assert language_name("uk") == "Ukrainian"  # English as ISO names it


def test_a_day_and_time_for_the_history():
    from statements.catalog.templatetags import local_datetime

    moment = datetime.datetime(2025, 3, 13, 14, 5, tzinfo=datetime.UTC)
    with translation.override("de"):
        assert local_datetime(moment) == "13. März 2025, 14:05"
