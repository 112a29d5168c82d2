"""Reading the cells of an absence export: dates and times, lesson hours, yes/no, kinds.

Pure Python. Parsers of date-times cache their answers, because an export of 100,000 rows holds
only a few thousand distinct start and end moments.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import TypeVar

from app.core.localtime import LOCAL_TZ
from app.imports.tabular import normalise_header

T = TypeVar("T")

# Patterns read ASCII digits only: int() reads other scripts' digits, but not superscripts.
# 14-09-2026, 14-09-2026 08:30, 14/9/2026 8:30:00, 14.09.2026
_DUTCH = re.compile(
    r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$",
    re.ASCII,
)
# 2026-09-14, 2026-09-14T08:30, 2026-09-14 08:30:00, 2026-09-14T08:30:00.000+02:00, ...Z
_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?)?$",
    re.ASCII,
)

DATE_HINT = "verwacht bijvoorbeeld 14-09-2026 08:30 of 2026-09-14T08:30"
# Years an export can mean. Beyond them Python's dates overflow when an offset or 24:00 moves a
# moment (year 1 with +05:00, 31-12-9999 24:00); the school calendar holds far fewer anyway.
FIRST_YEAR, LAST_YEAR = 1900, 2199


class CellError(ValueError):
    """A cell that cannot be read; the message is Dutch and names the value."""


@dataclass(frozen=True)
class Moment:
    """A local (Europe/Amsterdam) date with an optional time, as minutes after midnight."""

    day: date
    minute: int | None = None

    def utc(self) -> datetime | None:
        if self.minute is None:
            return None
        local = datetime.combine(self.day, time(self.minute // 60, self.minute % 60))
        return local.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


def _offset(text: str) -> timezone:
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _build(
    year: int, month: int, day: int, hour: str | None, minute: str | None, zone: str | None
) -> Moment:
    moment_day = date(year, month, day)
    if hour is None:
        return Moment(moment_day)
    hours, minutes = int(hour), int(minute or 0)
    if hours == 24 and minutes == 0:
        return Moment(moment_day + timedelta(days=1), 0)
    clock = time(hours, minutes)
    if zone:
        aware = datetime.combine(moment_day, clock, tzinfo=_offset(zone)).astimezone(LOCAL_TZ)
        return Moment(aware.date(), aware.hour * 60 + aware.minute)
    return Moment(moment_day, hours * 60 + minutes)


class MomentParser:
    """Parses and caches date-time cells."""

    def __init__(self) -> None:
        self._cache: dict[str, Moment] = {}

    def __call__(self, text: str) -> Moment:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        moment = self._parse(text)
        if len(self._cache) < 200_000:
            self._cache[text] = moment
        return moment

    @staticmethod
    def _parse(text: str) -> Moment:
        cleaned = text.strip()
        zone = None
        match = _DUTCH.match(cleaned)
        if match:
            d, m, y, hh, mm, _ss = match.groups()
        else:
            match = _ISO.match(cleaned)
            if match is None:
                raise CellError(f"'{cleaned[:30]}' is geen datum ({DATE_HINT})")
            y, m, d, hh, mm, _ss, zone = match.groups()
        if not FIRST_YEAR <= int(y) <= LAST_YEAR:
            raise CellError(
                f"'{cleaned[:30]}' valt buiten de jaren {FIRST_YEAR}–{LAST_YEAR}; "
                "controleer het jaar"
            )
        try:
            moment = _build(int(y), int(m), int(d), hh, mm, zone)
            moment.utc()  # it must have a moment in UTC too
        except (ValueError, OverflowError):
            raise CellError(f"'{cleaned[:30]}' is geen bestaande datum of tijd") from None
        return moment


def cached(parse: Callable[[str], T]) -> Callable[[str], T]:
    """A cell parser that remembers its answers (exports repeat the same few values); errors
    are not remembered, so each bad cell is reported on its own line."""
    cache: dict[str, T] = {}

    def parse_cached(text: str) -> T:
        try:
            return cache[text]
        except KeyError:
            value = cache[text] = parse(text)
            return value

    return parse_cached


_LESSON = re.compile(r"^(\d{1,2})(?:e|ste|de)?(?:\s*[-–]\s*(\d{1,2})(?:e|ste|de)?)?$", re.ASCII)
MAX_LESSON_HOUR = 15


def parse_lesson_hours(text: str) -> tuple[int | None, int | None]:
    """``"3"`` -> (3, None); ``"3-4"`` -> (3, 4); ``""`` -> (None, None)."""
    cleaned = text.strip().lower()
    if not cleaned:
        return None, None
    match = _LESSON.match(cleaned)
    if not match:
        raise CellError(f"lesuur '{cleaned[:20]}' is geen getal")
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) else None
    for value in (first, last):
        if value is not None and not 0 <= value <= MAX_LESSON_HOUR:
            raise CellError(f"lesuur {value} ligt niet tussen 0 en {MAX_LESSON_HOUR}")
    if last is not None and last < first:
        raise CellError(f"lesuur '{cleaned}' loopt achteruit")
    return first, last


_YES = {"ja", "j", "yes", "y", "true", "waar", "1", "geoorloofd", "x"}
_NO = {"nee", "n", "no", "false", "onwaar", "0", "ongeoorloofd"}


def parse_yes_no(text: str) -> bool | None:
    cleaned = text.strip().lower()
    if not cleaned:
        return None
    if cleaned in _YES:
        return True
    if cleaned in _NO:
        return False
    raise CellError(f"geoorloofd '{text.strip()[:20]}' is geen Ja of Nee")


# The kind of registration, from Magister's Verantwoordingtype (a number), SOMtoday's
# absentieSoort, or the canonical `soort` column.
KIND_ABSENT = "afwezig"
KIND_LATE = "te_laat"
KIND_SICK = "ziek"
KIND_SENT_OUT = "verwijderd"
KIND_EXEMPT = "vrijstelling"
KIND_NOT_ABSENCE = "geen_verzuim"

_MAGISTER_TYPES = {
    "1": KIND_ABSENT,
    "2": KIND_LATE,
    "3": KIND_SICK,
    "4": KIND_SENT_OUT,
    "6": KIND_EXEMPT,
}
_KIND_WORDS = {
    "afwezig": KIND_ABSENT,
    "absent": KIND_ABSENT,
    "absentie": KIND_ABSENT,
    "afwezigheid": KIND_ABSENT,
    "telaat": KIND_LATE,
    "laat": KIND_LATE,
    "ziek": KIND_SICK,
    "ziekte": KIND_SICK,
    "ziekgemeld": KIND_SICK,
    "verwijderd": KIND_SENT_OUT,
    "uitgestuurd": KIND_SENT_OUT,
    "eruitgestuurd": KIND_SENT_OUT,
    "vrijstelling": KIND_EXEMPT,
    "vrijgesteld": KIND_EXEMPT,
    # Registrations that are not absence (SOMtoday, Magister): skipped.
    "huiswerknietinorde": KIND_NOT_ABSENCE,
    "huiswerkvergeten": KIND_NOT_ABSENCE,
    "materiaalnietinorde": KIND_NOT_ABSENCE,
    "materiaalvergeten": KIND_NOT_ABSENCE,
    "boekenvergeten": KIND_NOT_ABSENCE,
}


_MAGISTER_TYPE = re.compile(r"[0-9]{1,4}")


def is_magister_type(text: str) -> bool:
    """A Verantwoordingtype number (a few ASCII digits; ``str.isdigit`` also takes ``²``)."""
    return _MAGISTER_TYPE.fullmatch(text.strip()) is not None


def parse_kind(text: str) -> str | None:
    """The kind of a registration, None when the cell is empty.

    Magister numbers other than 1 (absent), 2 (late), 3 (sick), 4 (sent out) and 6 (exemption)
    are registrations such as forgotten homework or books: not absence, skipped.
    """
    cleaned = text.strip()
    if not cleaned:
        return None
    if is_magister_type(cleaned):
        return _MAGISTER_TYPES.get(str(int(cleaned)), KIND_NOT_ABSENCE)
    kind = _KIND_WORDS.get(normalise_header(cleaned))
    if kind is None:
        raise CellError(
            f"soort '{cleaned[:20]}' is onbekend (verwacht Afwezig, Te laat, Ziek, Verwijderd, "
            "Vrijstelling of een Magister-verantwoordingtype 1–4 of 6)"
        )
    return kind
