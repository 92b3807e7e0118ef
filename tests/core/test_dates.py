import datetime

import pytest
from django.db import IntegrityError, transaction

from statements.core.dates import PartialDate, PartialDateError, Precision, isoformat_or_none
from statements.models import Statement
from tests.factories import make_statement

D = datetime.date


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("2025", D(2025, 1, 1), D(2025, 12, 31), Precision.YEAR),
        ("2025-03", D(2025, 3, 1), D(2025, 3, 31), Precision.MONTH),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), Precision.MONTH),
        ("2025-03-13", D(2025, 3, 13), D(2025, 3, 13), Precision.DAY),
        (" 1887-2 ", D(1887, 2, 1), D(1887, 2, 28), Precision.MONTH),
    ],
)
def test_parse_gives_period_and_precision(text, start, end, precision):
    date = PartialDate.parse(text)
    assert (date.start, date.end, date.precision) == (start, end, precision)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2025-13", "Month 13 does not exist"),
        ("2025-02-30", "Day 30 does not exist in February 2025"),
        ("0000", "out of range"),
        ("March 2025", "is not a date"),
        ("", "is not a date"),
        ("2025-03-13T10:00", "is not a date"),
        ("9" * 10_000, "is not a date"),
        ("2025\x00", "is not a date"),
    ],
)
def test_parse_rejects_with_reason(text, reason):
    with pytest.raises(PartialDateError, match=reason):
        PartialDate.parse(text)


def test_display_is_exactly_as_precise_as_the_date():
    assert PartialDate.parse("2025").display() == "2025"
    assert PartialDate.parse("2025-03").display() == "March 2025"
    assert PartialDate.parse("2025-03-13").display() == "13 March 2025"
    assert PartialDate.parse("2025-03").isoformat() == "2025-03"


def test_roundtrip_through_start_and_precision():
    for text in ["1921", "1921-02", "1921-02-08"]:
        date = PartialDate.parse(text)
        assert PartialDate.from_start(date.start, date.precision) == date


@pytest.mark.django_db
class TestPartialDatesInTheDatabase:
    def test_generated_end_matches_the_value_type(self):
        for text in ["2025", "2024-02", "2025-03-13"]:
            statement = make_statement(issued=text)
            statement.refresh_from_db()
            assert statement.date_end == PartialDate.parse(text).end
            assert statement.issued == PartialDate.parse(text)

    def test_year_falls_inside_its_year_and_overlapping_ranges(self):
        year = make_statement("year only", issued="2025")
        make_statement("before", issued="2024-12-31")
        in_2025 = Statement.objects.issued_between(D(2025, 1, 1), D(2025, 12, 31))
        assert list(in_2025) == [year]
        from_june = Statement.objects.issued_between(D(2025, 6, 1), None)
        assert list(from_june) == [year]
        from_june_to_july = Statement.objects.issued_between(D(2025, 6, 1), D(2025, 7, 31))
        assert list(from_june_to_july) == [year]

    def test_month_falls_inside_its_month_and_not_the_next(self):
        march = make_statement("march", issued="2025-03")
        march_range = PartialDate.parse("2025-03")
        april_range = PartialDate.parse("2025-04")
        assert list(Statement.objects.issued_between(march_range.start, march_range.end)) == [march]
        assert not Statement.objects.issued_between(april_range.start, april_range.end).exists()
        # A day range inside March matches too: overlap, not containment.
        assert list(Statement.objects.issued_between(D(2025, 3, 13), D(2025, 3, 13))) == [march]

    def test_undated_statements_never_match_a_range(self):
        make_statement("undated")
        assert not Statement.objects.issued_between(None, None).filter(title="undated").exists()

    def test_sql_order_matches_documented_order(self):
        texts = ["2025-02", "2025-01-02", "2025", "2025-01-01", "2024-12-31", "2025-01"]
        for text in texts:
            make_statement(text, issued=text)
        make_statement("undated")
        ascending = [s.title for s in Statement.objects.by_date()]
        expected = ["2024-12-31", "2025", "2025-01", "2025-01-01", "2025-01-02", "2025-02"]
        assert ascending == [*expected, "undated"]
        descending = [s.title for s in Statement.objects.by_date(descending=True)]
        assert descending == [*reversed(expected), "undated"]

    @pytest.mark.parametrize(
        ("start", "precision"),
        [(D(2025, 3, 2), "year"), (D(2025, 3, 2), "month"), (D(2025, 3, 2), ""), (None, "day")],
    )
    def test_database_rejects_incoherent_pairs(self, start, precision):
        statement = make_statement()
        with pytest.raises(IntegrityError), transaction.atomic():
            Statement.objects.filter(pk=statement.pk).update(
                date_start=start, date_precision=precision
            )


@pytest.mark.parametrize(
    ("text", "parts", "slashed", "ris", "month"),
    [
        ("2025", [2025], "2025", "2025///", ""),
        ("2025-03", [2025, 3], "2025/03", "2025/03//", "mar"),
        ("0987-12-01", [987, 12, 1], "0987/12/01", "0987/12/01/", "dec"),
    ],
)
def test_every_output_form_is_as_precise_as_the_date(text, parts, slashed, ris, month):
    date = PartialDate.parse(text)
    assert date.date_parts() == parts
    assert date.slashed() == slashed
    assert date.ris() == ris
    assert date.bibtex_month() == month
    record = date.as_record()
    assert (record["value"], record["precision"]) == (text, date.precision)
    assert (record["start"], record["end"]) == (date.start, date.end)
    assert isoformat_or_none(date) == text
    assert isoformat_or_none(None) is None


def test_import_records_default_to_the_models_choices():
    # core knows no model, so its records spell the defaults out: they must stay choices.
    from statements.core.records import AuthorCredit, SourceData, StatementData
    from statements.models import Author, Authorship, Source

    credit = AuthorCredit(name="x")
    assert credit.role == Authorship.Role.AUTHOR and credit.kind == Author.Kind.COLLECTIVE
    assert SourceData().kind == Source.Kind.RETRIEVED
    assert StatementData(title="x").status == Statement.Status.DRAFT
