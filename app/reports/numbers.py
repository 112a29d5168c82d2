"""The one way the report writes a number or a day, for the page, the PDF and the CSV files
alike (issue 21, item 12: never "862.0" beside "862,0").

Numbers go through Babel's ``format_decimal`` in the reader's locale (nl: ``862,0``; en:
``862.0``), without thousands separators, so that a cell reads the same on the page as in a
spreadsheet that opens the CSV file (Dutch Excel takes ``1234,5``; a grouped ``1.234`` would be
ambiguous beside it). Days go through ``format_date`` (nl: ``3 november 2026``). Outside a
request (a chart's unit test) the locale is Dutch, the app's default.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from flask_babel import get_locale, ngettext

DEFAULT_LOCALE = "nl"
MISSING = "–"


def current_locale() -> str:
    """The reader's locale (Flask-Babel's choice), else Dutch (outside a request it is None)."""
    locale = get_locale()
    return str(locale) if locale else DEFAULT_LOCALE


def number(value: float | None, digits: int = 1, locale: str | None = None) -> str:
    """``value`` with exactly ``digits`` decimals in the locale; "–" for None."""
    if value is None:
        return MISSING
    pattern = "0." + "0" * digits if digits else "0"
    return str(format_decimal(value, format=pattern, locale=locale or current_locale()))


def signed_percent(fraction: float, locale: str | None = None) -> str:
    """A change as a whole percentage with its sign: ``+12%``, ``-8%``, ``0%``."""
    percent = round(fraction * 100)
    text = number(abs(percent), 0, locale)
    return f"+{text}%" if percent > 0 else f"-{text}%" if percent < 0 else f"{text}%"


def percent(fraction: float, locale: str | None = None) -> str:
    """The size of a change as a whole percentage without its sign (``12%``: a CSV cell that
    starts with + or - would be taken for a formula; the direction says which way)."""
    return f"{number(abs(round(fraction * 100)), 0, locale)}%"


def day(value: date, locale: str | None = None) -> str:
    """A day in words: nl ``3 november 2026``, en ``3 November 2026``."""
    return str(babel_format_date(value, "d MMMM yyyy", locale=locale or current_locale()))


def short_day(value: date, locale: str | None = None) -> str:
    """A day in a table cell, ``03-11-2026`` in both languages (day first, never ambiguous)."""
    return str(babel_format_date(value, "dd-MM-yyyy", locale=locale or current_locale()))


def period(start: date, end: date, locale: str | None = None) -> str:
    """``1 november 2026 – 30 november 2026``."""
    return f"{day(start, locale)} – {day(end, locale)}"


def school_weeks(count: int) -> str:
    """``1 schoolweek``, ``3 schoolweken`` (one and many in each language)."""
    return ngettext("%(num)s schoolweek", "%(num)s schoolweken", count)
