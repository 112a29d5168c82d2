"""The report's one number and date format (app/reports/numbers.py): the reader's locale, the
same digits everywhere, no thousands separator (a CSV cell reads like the page)."""

from __future__ import annotations

from datetime import date

import pytest

from app.reports import numbers
from app.reports.layout import Table, csv_delimiter, table_csv


@pytest.mark.parametrize(
    ("value", "digits", "dutch", "english"),
    [
        (862.0, 1, "862,0", "862.0"),
        (8.25, 1, "8,2", "8.2"),  # Babel rounds half to even, like the page always did
        (1234.56, 1, "1234,6", "1234.6"),
        (12, 0, "12", "12"),
        (-2.5, 1, "-2,5", "-2.5"),
        (None, 1, "–", "–"),
    ],
)
def test_numbers_in_the_readers_locale(
    value: float | None, digits: int, dutch: str, english: str
) -> None:
    assert numbers.number(value, digits, "nl") == dutch
    assert numbers.number(value, digits, "en") == english


def test_outside_a_request_numbers_are_dutch() -> None:
    assert numbers.current_locale() == "nl"
    assert numbers.number(862) == "862,0"


def test_dates_and_changes() -> None:
    assert numbers.day(date(2026, 11, 3), "nl") == "3 november 2026"
    assert numbers.day(date(2026, 11, 3), "en") == "3 November 2026"
    assert numbers.short_day(date(2026, 11, 3), "en") == "03-11-2026"
    assert numbers.period(date(2026, 11, 1), date(2026, 11, 30), "nl") == (
        "1 november 2026 – 30 november 2026"
    )
    assert numbers.signed_percent(0.123) == "+12%"
    assert numbers.signed_percent(-0.08) == "-8%"
    assert numbers.percent(-0.08) == "8%"  # a CSV cell never starts with + or -


def test_csv_for_dutch_and_english_excel() -> None:
    table = Table("t", "T", ["Locatie", "Per 100"], [["ZS", "862,0"]])
    assert csv_delimiter("nl") == ";" and csv_delimiter("en") == ","
    assert table_csv(table, "nl") == "\ufeffLocatie;Per 100\r\nZS;862,0\r\n"
    english = Table("t", "T", ["Location", "Per 100"], [["ZS", "862.0"]])
    assert table_csv(english, "en") == "\ufeffLocation,Per 100\r\nZS,862.0\r\n"
