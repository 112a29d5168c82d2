"""Local (Europe/Amsterdam) time: times are stored in UTC and shown local.

Local days and their UTC bounds, and the formatting the templates use (``localtime`` filter).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask_babel import format_datetime
from flask_babel import gettext as _

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")


def local_today(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(LOCAL_TZ).date()


# The first and last moments Python can hold: local midnight of 0001-01-01 lies before the
# first, and the day after 9999-12-31 after the last (a date typed in a filter or a URL).
EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)


def _local_midnight(day: date) -> datetime:
    try:
        return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(UTC)
    except OverflowError:
        return EARLIEST if day.year == date.min.year else LATEST


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day, in UTC (handles the DST change days). At the ends
    of the calendar the bounds stop at the first and last moments Python can hold."""
    if day == date.max:
        return _local_midnight(day), LATEST
    return _local_midnight(day), _local_midnight(day + timedelta(days=1))


def local_range_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) of local days ``start``..``end``, in UTC."""
    return local_day_bounds(start)[0], local_day_bounds(end)[1]


def to_local(moment: datetime) -> datetime:
    """UTC (as stored; naive means UTC) to Europe/Amsterdam (as shown)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(LOCAL_TZ)


# Babel pattern fields that are plain numbers, the same in every locale, as strftime codes.
_NUMERIC_FIELDS = {"dd": "%d", "MM": "%m", "yyyy": "%Y", "HH": "%H", "mm": "%M", "ss": "%S"}
_NUMERIC_PATTERN = re.compile(r"(?:dd|MM|yyyy|HH|mm|ss|[-:/. ])+")


@lru_cache(maxsize=64)
def numeric_strftime(pattern: str) -> str | None:
    """The strftime format for a Babel pattern of numbers only ('dd-MM-yyyy HH:mm'), or None
    when it names days or months ('EEEE d MMMM'): those need Babel and the locale."""
    if not _NUMERIC_PATTERN.fullmatch(pattern):
        return None
    return re.sub(r"dd|MM|yyyy|HH|mm|ss", lambda m: _NUMERIC_FIELDS[m.group()], pattern)


def local_time_text(value: datetime, pattern: str) -> str:
    """``value`` (UTC as stored; naive means UTC) in Europe/Amsterdam, in a Babel pattern.
    Numeric patterns skip Babel: a chronology page formats 500 times, and Babel's lookups of
    locale and timezone per call were a quarter of that page's time."""
    strftime = numeric_strftime(pattern)
    if strftime is None:
        return format_datetime(value, pattern)
    return to_local(value).strftime(strftime)


def week_label(monday: date) -> str:
    """A week on a chart's axis: "wk 47" in Dutch, "wk 47" in English (the catalogue's say)."""
    return _("wk %(week)s", week=monday.isocalendar().week)
