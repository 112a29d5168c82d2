"""The pulse's pure arithmetic: phases, shares, the minimum group size, weeks."""

from datetime import date

import pytest

from app.core.localtime import week_label
from app.pulse.rules import (
    MIN_GROUP_SIZE,
    Phase,
    monday_of,
    percent,
    periods_overlap,
    phase,
    results_may_show,
    tally,
    weeks_between,
)

START, END = date(2026, 11, 2), date(2026, 11, 13)


@pytest.mark.parametrize(
    ("closed", "today", "expected"),
    [
        (False, date(2026, 11, 1), Phase.UPCOMING),
        (False, START, Phase.OPEN),
        (False, date(2026, 11, 8), Phase.OPEN),
        (False, END, Phase.OPEN),
        (False, date(2026, 11, 14), Phase.ENDED),
        (True, date(2026, 11, 1), Phase.CLOSED),
        (True, date(2026, 11, 8), Phase.CLOSED),
        (True, date(2026, 12, 1), Phase.CLOSED),
    ],
)
def test_phase(closed: bool, today: date, expected: Phase) -> None:
    assert phase(closed=closed, starts_on=START, ends_on=END, today=today) == expected


@pytest.mark.parametrize(
    ("current", "n", "shown"),
    [
        (Phase.CLOSED, MIN_GROUP_SIZE - 1, False),
        (Phase.CLOSED, MIN_GROUP_SIZE, True),
        (Phase.ENDED, 9, False),
        (Phase.ENDED, 10, True),
        (Phase.ENDED, 500, True),
        (Phase.OPEN, 500, False),  # never while answers come in (differencing)
        (Phase.UPCOMING, 0, False),
        (Phase.CLOSED, 0, False),
    ],
)
def test_results_may_show(current: Phase, n: int, shown: bool) -> None:
    assert MIN_GROUP_SIZE == 10
    assert results_may_show(current, n) is shown


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (0, 10, 0),
        (10, 10, 100),
        (1, 3, 33),
        (2, 3, 67),
        (1, 8, 13),  # 12.5 rounds half up
        (57, 200, 29),  # 28.5: no float error (0.285 * 100 == 28.499…)
        (7, 11, 64),
        (5, 0, None),
    ],
)
def test_percent_rounds_half_up_exactly(part: int, whole: int, expected: int | None) -> None:
    assert percent(part, whole) == expected


def test_tally_counts_agreeing_as_four_or_five() -> None:
    t = tally("veilig_school", {1: 1, 2: 2, 3: 3, 4: 4, 5: 5})
    assert t.counts == (1, 2, 3, 4, 5)
    assert t.n == 15 and t.agreeing == 9 and t.percent_agreeing == 60
    empty = tally("x", {})
    assert empty.n == 0 and empty.percent_agreeing is None


def test_tally_refuses_values_outside_the_scale() -> None:
    with pytest.raises(ValueError):
        tally("x", {0: 1})
    with pytest.raises(ValueError):
        tally("x", {6: 1})


def test_weeks() -> None:
    assert monday_of(date(2026, 11, 8)) == date(2026, 11, 2)  # Sunday -> its Monday
    assert monday_of(date(2026, 11, 2)) == date(2026, 11, 2)
    assert weeks_between(date(2026, 11, 4), date(2026, 11, 18)) == [
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
    ]
    assert weeks_between(date(2026, 11, 18), date(2026, 11, 4)) == []
    # Across the turn of the year: ISO week 53 of 2026 and week 1 of 2027.
    weeks = weeks_between(date(2026, 12, 28), date(2027, 1, 8))
    assert [week_label(w) for w in weeks] == ["wk 53", "wk 1"]


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ((1, 5), (6, 9), False),
        ((1, 5), (5, 9), True),
        ((3, 4), (1, 9), True),
        ((6, 9), (1, 5), False),
    ],
)
def test_periods_overlap(a: tuple[int, int], b: tuple[int, int], overlap: bool) -> None:
    d = lambda n: date(2026, 11, n)  # noqa: E731
    assert periods_overlap(d(a[0]), d(a[1]), d(b[0]), d(b[1])) is overlap
