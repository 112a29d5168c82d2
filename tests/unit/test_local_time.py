"""The `localtime` filter's fast path for numeric patterns gives exactly what Babel gives."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask_babel import force_locale, format_datetime
from hypothesis import given, settings
from hypothesis import strategies as st

from app import create_app
from app.core.localtime import local_day_bounds, local_time_text, numeric_strftime

# Every numeric pattern the templates use, and a few more shapes.
NUMERIC = [
    "dd-MM-yyyy HH:mm",
    "dd-MM-yyyy",
    "dd-MM HH:mm",
    "dd-MM",
    "HH:mm",
    "yyyy-MM-dd",
    "dd-MM-yyyy HH:mm:ss",
]
NAMED = ["EEEE dd-MM HH:mm", "EEE d MMM HH:mm", "EEEE d MMMM HH:mm", "d-M-yyyy", "dd MMM"]


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.test_request_context():
        yield app


def test_numeric_patterns_take_the_fast_path_and_named_ones_do_not() -> None:
    assert all(numeric_strftime(p) for p in NUMERIC)
    assert numeric_strftime("dd-MM-yyyy HH:mm") == "%d-%m-%Y %H:%M"
    assert not any(numeric_strftime(p) for p in NAMED)


@settings(max_examples=300, deadline=None)
@given(
    # Up to 2037: Babel's timezones (pytz) know no summer time after it, zoneinfo does.
    moment=st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2037, 12, 31)),
    aware=st.booleans(),
    pattern=st.sampled_from(NUMERIC + NAMED),
    locale=st.sampled_from(["nl", "en"]),
)
def test_same_text_as_babel(
    app: Flask, moment: datetime, aware: bool, pattern: str, locale: str
) -> None:
    value = moment.replace(tzinfo=UTC) if aware else moment  # naive means UTC, as stored
    with force_locale(locale):
        assert local_time_text(value, pattern) == format_datetime(value, pattern)


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        # The nights the clocks change in Europe/Amsterdam (last Sundays of March and October).
        (datetime(2027, 3, 28, 0, 59, tzinfo=UTC), "28-03-2027 01:59"),
        (datetime(2027, 3, 28, 1, 0, tzinfo=UTC), "28-03-2027 03:00"),
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "25-10-2026 02:30"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "25-10-2026 02:30"),
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "01-01-2027 00:30"),
    ],
)
def test_local_time_around_clock_changes(app: Flask, utc: datetime, shown: str) -> None:
    assert local_time_text(utc, "dd-MM-yyyy HH:mm") == shown


@pytest.mark.parametrize("day", [date.min, date.min + timedelta(days=1), date.max])
def test_the_days_at_the_ends_of_the_calendar_have_bounds(day: date) -> None:
    """A date typed in a filter (?end=0001-01-01) once overflowed converting to UTC (a 500)."""
    start, end = local_day_bounds(day)
    assert start < end and start.tzinfo is UTC and end.tzinfo is UTC
