"""The digest's arithmetic: tables of cases, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from app.core.localtime import LOCAL_TZ
from app.core.schoolcalendar import SchoolCalendar
from app.digest import rules
from app.digest.rules import Break, Counts

CALENDAR = SchoolCalendar.simple(
    ["2026-2027"],
    [
        (date(2026, 8, 1), date(2026, 8, 23), "Zomervakantie"),
        (date(2026, 10, 17), date(2026, 10, 25), "Herfstvakantie"),
        (date(2026, 12, 19), date(2027, 1, 3), "Kerstvakantie"),
    ],
)
BREAKS = [
    Break("kleine pauze", time(10, 0), time(10, 15)),
    Break("grote pauze", time(12), time(12, 30)),
]


@pytest.mark.parametrize(
    ("positive", "tensions", "ratio", "status"),
    [
        (0, 0, None, "geen"),
        (5, 0, None, "goed"),
        (0, 3, 0.0, "laag"),
        (4, 1, 4.0, "goed"),  # exactly the aim
        (7, 2, 3.5, "laag"),
        (9, 2, 4.5, "goed"),
        (39, 10, 3.9, "laag"),
    ],
)
def test_climate_figure(positive: int, tensions: int, ratio: float | None, status: str) -> None:
    figure = rules.climate_figure(positive, tensions)
    assert figure.ratio == (pytest.approx(ratio) if ratio is not None else None)
    assert figure.status == status


def test_climate_figure_refuses_negative_counts() -> None:
    with pytest.raises(ValueError):
        rules.climate_figure(-1, 0)


@pytest.mark.parametrize(
    ("moment", "slot"),
    [
        (time(7, 59), None),
        (time(8, 0), 0),
        (time(8, 14), 0),
        (time(8, 15), 1),
        (time(10, 7), 8),
        (time(12, 0), 16),
        (time(13, 59), 23),
        (time(14, 0), None),
        (time(23, 30), None),
    ],
)
def test_slot_of(moment: time, slot: int | None) -> None:
    assert rules.slot_of(moment) == slot


def test_grid_has_24_quarter_hours() -> None:
    slots = rules.grid_slots()
    assert len(slots) == rules.SLOT_COUNT == 24
    assert (slots[0].label, slots[-1].range_label) == ("08:00", "13:45–14:00")


@pytest.mark.parametrize(
    ("starts", "ends", "slots"),
    [
        (time(10, 0), time(10, 15), [8]),
        (time(12, 0), time(12, 30), [16, 17]),
        (time(10, 5), time(10, 20), [8, 9]),  # touches two quarter hours
        (time(7, 30), time(8, 10), [0]),  # starts before the grid
        (time(13, 50), time(14, 30), [23]),  # ends after it
        (time(14, 0), time(14, 30), []),  # after school
    ],
)
def test_break_slots(starts: time, ends: time, slots: list[int]) -> None:
    assert rules.break_slots(Break("pauze", starts, ends)) == slots


@pytest.mark.parametrize(
    ("count", "maximum", "level"),
    [
        (0, 0, 0),
        (0, 5, 0),
        (1, 8, 1),
        (2, 8, 1),
        (3, 8, 2),
        (4, 8, 2),
        (7, 8, 4),
        (8, 8, 4),
        (1, 1, 4),
        (5, 4, 4),
    ],
)
def test_heat_level(count: int, maximum: int, level: int) -> None:
    assert rules.heat_level(count, maximum) == level


ZONES = [(1, "aula"), (2, "gang"), (3, "kantine"), (4, "schoolplein")]


def test_build_grid_columns_rows_and_today() -> None:
    window = {(3, 16): Counts(3, 1), (2, 5): Counts(1, 0), (3, 8): Counts(0, 1)}
    today = {(3, 16): Counts(1, 0)}
    grid = rules.build_grid(ZONES, window, today, BREAKS, outside=Counts(1, 0))
    assert [c.name for c in grid.columns] == ["gang", "kantine"]  # zone order, busy zones only
    assert grid.quiet_zones == ["aula", "schoolplein"]
    assert grid.maximum == 4 and grid.window_total == Counts(4, 2)
    assert grid.today_total == Counts(1, 0) and grid.outside.total == 1
    noon = grid.rows[16]
    assert noon.break_label == "grote pauze" and grid.rows[17].in_break
    assert not grid.rows[15].in_break and grid.rows[8].break_label == "kleine pauze"
    gang, kantine = noon.cells
    assert (gang.window, gang.level) == (Counts(), 0)
    assert (kantine.window, kantine.today, kantine.level) == (Counts(3, 1), Counts(1, 0), 4)
    assert grid.columns[1].window == Counts(3, 2) and grid.columns[1].today == Counts(1, 0)


def test_build_grid_ignores_zones_it_does_not_know_and_can_be_empty() -> None:
    grid = rules.build_grid(ZONES, {(99, 3): Counts(2, 0)}, {}, BREAKS)
    assert not grid.columns and grid.maximum == 0 and len(grid.rows) == 24


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        # nothing: nobody named
        ([("aula", 0, 0), ("gang", 0, 0)], []),
        # one zone holds it all
        ([("aula", 0, 0), ("kantine", 6, 2)], [("kantine", 6, 2)]),
        # busiest first; stop once 75 % is covered (6 + 3 = 9 of 11)
        (
            [("gang", 2, 0), ("kantine", 6, 1), ("plein", 3, 0)],
            [("kantine", 6, 1), ("plein", 3, 0)],
        ),
        # spread evenly: at most three zones
        (
            [("a", 1, 0), ("b", 1, 0), ("c", 1, 0), ("d", 1, 0), ("e", 1, 0)],
            [("a", 1, 0), ("b", 1, 0), ("c", 1, 0)],
        ),
        # a tie is broken by today, then by zone order
        (
            [("gang", 2, 0), ("kantine", 2, 1), ("plein", 2, 0)],
            [("kantine", 2, 1), ("gang", 2, 0), ("plein", 2, 0)],
        ),
    ],
)
def test_concentrated(
    totals: list[tuple[str, int, int]], expected: list[tuple[str, int, int]]
) -> None:
    assert [(z.zone, z.window, z.today) for z in rules.concentrated(totals)] == expected


def test_presence_plan_per_break() -> None:
    window = {
        (3, 16): Counts(3, 0),  # kantine 12:00
        (3, 17): Counts(1, 1),  # kantine 12:15
        (4, 17): Counts(1, 0),  # schoolplein 12:15
        (2, 12): Counts(5, 0),  # gang 11:00: no break
    }
    today = {(3, 17): Counts(0, 1)}
    grid = rules.build_grid(ZONES, window, today, BREAKS)
    plans = rules.presence_plan(grid, reversed(BREAKS))
    assert [p.label for p in plans] == ["kleine pauze", "grote pauze"]
    assert plans[0].total == 0 and plans[0].zones == []
    assert plans[1].total == 6 and plans[1].range_label == "12:00–12:30"
    assert [(z.zone, z.window, z.today) for z in plans[1].zones] == [("kantine", 5, 1)]


@pytest.mark.parametrize(
    ("day", "school_day", "reason", "holiday"),
    [
        (date(2026, 11, 10), True, "", ""),
        (date(2026, 11, 14), False, "weekend", ""),
        (date(2026, 10, 21), False, "holiday", "Herfstvakantie"),
        (date(2026, 12, 24), False, "holiday", "Kerstvakantie"),
    ],
)
def test_day_info(day: date, school_day: bool, reason: str, holiday: str) -> None:
    info = rules.day_info(CALENDAR, day)
    assert (info.school_day, info.reason, info.holiday) == (school_day, reason, holiday)
    assert not info.calendar_missing


def test_day_info_outside_the_calendar_counts_weekdays() -> None:
    empty = SchoolCalendar([])
    assert rules.day_info(empty, date(2026, 11, 10)).school_day
    assert rules.day_info(empty, date(2026, 11, 10)).calendar_missing
    assert not rules.day_info(empty, date(2026, 11, 14)).school_day


@pytest.mark.parametrize(
    ("day", "previous", "following"),
    [
        (date(2026, 11, 10), date(2026, 11, 9), date(2026, 11, 11)),
        (date(2026, 11, 16), date(2026, 11, 13), date(2026, 11, 17)),  # Monday: back to Friday
        (date(2026, 11, 14), date(2026, 11, 13), date(2026, 11, 16)),  # Saturday
        (date(2026, 10, 16), date(2026, 10, 15), date(2026, 10, 26)),  # into the holiday
        (date(2026, 10, 26), date(2026, 10, 16), date(2026, 10, 27)),  # out of it
        (date(2026, 12, 18), date(2026, 12, 17), date(2027, 1, 4)),  # Christmas
    ],
)
def test_previous_and_next_school_day(day: date, previous: date, following: date) -> None:
    assert rules.previous_school_day(CALENDAR, day) == previous
    assert rules.next_school_day(CALENDAR, day) == following


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 10), date(2026, 11, 10)),
        (date(2026, 11, 15), date(2026, 11, 13)),  # Sunday -> Friday
        (date(2026, 10, 21), date(2026, 10, 16)),  # holiday -> the Friday before
    ],
)
def test_school_day_on_or_before(day: date, expected: date) -> None:
    assert rules.school_day_on_or_before(CALENDAR, day) == expected


@pytest.mark.parametrize(
    ("day", "first", "school_days"),
    [
        # four plain school weeks: those of 16, 23 and 30 November and 7 December
        (date(2026, 12, 8), date(2026, 11, 16), 17),
        # the holiday week of 19 October does not count
        (date(2026, 11, 10), date(2026, 10, 12), 17),
        # the window stays inside the school year (starts 24 August after the summer holiday)
        (date(2026, 9, 2), date(2026, 8, 24), 8),
    ],
)
def test_window_of_four_school_weeks(day: date, first: date, school_days: int) -> None:
    assert rules.window_for(CALENDAR, day) == rules.Window(first, day, school_days)


def test_window_without_a_school_year_is_four_calendar_weeks() -> None:
    window = rules.window_for(SchoolCalendar([]), date(2026, 11, 11))
    assert window == rules.Window(date(2026, 10, 19), date(2026, 11, 11), 18)


@pytest.mark.parametrize(
    ("due", "day", "late"),
    [
        (date(2026, 11, 10), date(2026, 11, 10), 0),
        (date(2026, 11, 7), date(2026, 11, 10), 3),
        (date(2026, 11, 12), date(2026, 11, 10), 0),
    ],
)
def test_overdue_days(due: date, day: date, late: int) -> None:
    assert rules.overdue_days(due, day) == late


def test_local_slot_and_day() -> None:
    moment = datetime(2026, 11, 10, 11, 5, tzinfo=UTC).astimezone(LOCAL_TZ)
    assert rules.local_slot_and_day(moment) == (date(2026, 11, 10), 16)  # 12:05 local
