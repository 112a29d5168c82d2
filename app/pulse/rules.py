"""Pure arithmetic of the pulse and the climate trend: phases, shares, the minimum group size,
school weeks. No Flask, no database, so it is tested with tables of cases."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

# Results of fewer students are never shown: one student's answer would move a share by more
# than ten percentage points, and whoever knows who took part could work out individual answers.
MIN_GROUP_SIZE = 10
# "Share agreeing": 4 (mee eens) or 5 (helemaal mee eens) on the five-point scale.
AGREE_VALUES = frozenset({4, 5})
SCALE_RANGE = range(1, 6)

# The longest period a peiling may run, and the longest climate trend on one page.
MAX_PEILING_DAYS = 42
MAX_TREND_WEEKS = 53


class Phase(enum.StrEnum):
    UPCOMING = "nog_niet_open"
    OPEN = "open"
    ENDED = "afgelopen"
    CLOSED = "gesloten"


def phase(*, closed: bool, starts_on: date, ends_on: date, today: date) -> Phase:
    """Where a peiling stands on ``today`` (local date); closing early wins over the dates."""
    if closed:
        return Phase.CLOSED
    if today < starts_on:
        return Phase.UPCOMING
    if today > ends_on:
        return Phase.ENDED
    return Phase.OPEN


def results_may_show(current: Phase, respondents: int) -> bool:
    """Results of a peiling are shown once it no longer takes answers and has enough of them.

    Not while it is open: comparing the results before and after one student answered would
    reveal that student's answers (a differencing attack).
    """
    return current in (Phase.ENDED, Phase.CLOSED) and respondents >= MIN_GROUP_SIZE


def percent(part: int, whole: int) -> int | None:
    """``part / whole`` as a whole percentage, rounded half up, exactly (no float error)."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


@dataclass(frozen=True)
class StatementTally:
    """How often each value 1–5 was given to one statement."""

    key: str
    counts: tuple[int, int, int, int, int]

    @property
    def n(self) -> int:
        return sum(self.counts)

    @property
    def agreeing(self) -> int:
        return sum(self.counts[value - 1] for value in AGREE_VALUES)

    @property
    def percent_agreeing(self) -> int | None:
        return percent(self.agreeing, self.n)


def tally(key: str, distribution: Mapping[int, int]) -> StatementTally:
    """A tally from ``{value: count}``; values outside 1–5 are a bug upstream and refused."""
    unknown = set(distribution) - set(SCALE_RANGE)
    if unknown:
        raise ValueError(f"values outside the scale: {sorted(unknown)}")
    one, two, three, four, five = (int(distribution.get(value, 0)) for value in SCALE_RANGE)
    return StatementTally(key, (one, two, three, four, five))


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_between(start: date, end: date) -> list[date]:
    """The Mondays of every week that overlaps ``[start, end]``, oldest first."""
    if end < start:
        return []
    first, last = monday_of(start), monday_of(end)
    return [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]


def periods_overlap(a_start: date, a_end: date, b_start: date, b_end: date) -> bool:
    return a_start <= b_end and b_start <= a_end
