"""The digest's arithmetic, as pure functions over plain data (no Flask, no database).

- the climate figure: positive contacts and group moments against tensions (aim: 4:1 or better);
- the hotspot grid: zone × 15-minute slot from 08:00 to 14:00 (local time), break slots marked;
- the presence plan: for each break, the zones where tension concentrated;
- which days are school days for the digest, and the window of the last four school weeks.

Tested with tables of cases in ``tests/unit/test_digest_rules.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from app.core.schoolcalendar import SchoolCalendar, monday_of

# The floor day the grid covers (local time) and its resolution.
DAY_START = time(8, 0)
DAY_END = time(14, 0)
SLOT_MINUTES = 15
# "Behaviour systems aim at 4:1 and better": four positive moments for every tension.
CLIMATE_TARGET = 4.0
# The baseline of the hotspots and the climate figure: the last four school weeks.
WINDOW_WEEKS = 4
# The presence plan names at most this many zones per break, and stops once the zones named
# hold this share of the break's tension.
PLAN_MAX_ZONES = 3
PLAN_SHARE = 0.75
HEAT_LEVELS = 4


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


SLOT_COUNT = (_minutes(DAY_END) - _minutes(DAY_START)) // SLOT_MINUTES


# ---------------------------------------------------------------------------------------------
# School days and the window


@dataclass(frozen=True)
class DayInfo:
    """Whether the digest has a school day to report on, and why not."""

    day: date
    school_day: bool
    # Why it is not a school day: "weekend", "holiday" (with ``holiday`` its name) or "".
    reason: str = ""
    holiday: str = ""
    # True when the school calendar knows no school year for this day: only weekends count
    # as days off then (better an e-mail on an unregistered holiday than none at all).
    calendar_missing: bool = False


def day_info(calendar: SchoolCalendar, day: date) -> DayInfo:
    """Is ``day`` a school day? Uses the school calendar; outside every known school year a
    weekday counts as a school day (and ``calendar_missing`` says so)."""
    if day.weekday() >= 5:
        return DayInfo(day, False, "weekend", calendar_missing=calendar.year_of(day) is None)
    if calendar.year_of(day) is None:
        return DayInfo(day, True, calendar_missing=True)
    if calendar.is_school_day(day):
        return DayInfo(day, True)
    return DayInfo(day, False, "holiday", holiday=calendar.closed_name(day) or "")


def _is_school_day(calendar: SchoolCalendar, day: date) -> bool:
    return day_info(calendar, day).school_day


def previous_school_day(calendar: SchoolCalendar, day: date, *, limit: int = 120) -> date | None:
    """The school day before ``day`` (weekdays outside known school years count)."""
    current = day
    for _ in range(limit):
        current -= timedelta(days=1)
        if _is_school_day(calendar, current):
            return current
    return None


def next_school_day(calendar: SchoolCalendar, day: date, *, limit: int = 120) -> date | None:
    """The school day after ``day`` (weekdays outside known school years count)."""
    current = day
    for _ in range(limit):
        current += timedelta(days=1)
        if _is_school_day(calendar, current):
            return current
    return None


def school_day_on_or_before(calendar: SchoolCalendar, day: date) -> date:
    """``day`` itself when it is a school day, else the school day before (or ``day``)."""
    if _is_school_day(calendar, day):
        return day
    return previous_school_day(calendar, day) or day


@dataclass(frozen=True)
class Window:
    """The last four school weeks up to and including ``last`` (holiday weeks skipped)."""

    first: date
    last: date
    school_days: int


def window_for(calendar: SchoolCalendar, day: date, weeks: int = WINDOW_WEEKS) -> Window:
    """The window of ``weeks`` school weeks ending with the week of ``day`` (inclusive).

    Within a known school year the school calendar decides (weeks that are fully holiday do
    not count, and the window does not reach into the previous school year); outside one, the
    last ``weeks`` calendar weeks."""
    if calendar.year_of(day) is not None:
        first = calendar.window_first_day(day, weeks)
        days = len(calendar.school_days_between(first, day))
    else:
        first = monday_of(day) - timedelta(weeks=weeks - 1)
        days = sum(1 for n in range((day - first).days + 1) if (first + timedelta(n)).weekday() < 5)
    return Window(first=first, last=day, school_days=days)


# ---------------------------------------------------------------------------------------------
# Climate figure


@dataclass(frozen=True)
class ClimateFigure:
    positive: int  # contacts, conversations and group moments
    tensions: int
    # positive / tensions; None when there were no tensions.
    ratio: float | None
    # "goed" (4:1 or better, or positive moments without any tension), "laag" (under 4:1),
    # "geen" (no entries at all).
    status: str


def climate_figure(positive: int, tensions: int, target: float = CLIMATE_TARGET) -> ClimateFigure:
    if positive < 0 or tensions < 0:
        raise ValueError("counts cannot be negative")
    if tensions == 0:
        return ClimateFigure(positive, 0, None, "goed" if positive else "geen")
    ratio = positive / tensions
    return ClimateFigure(positive, tensions, ratio, "goed" if ratio >= target else "laag")


# ---------------------------------------------------------------------------------------------
# Slots and breaks


@dataclass(frozen=True)
class Slot:
    index: int
    starts: time
    ends: time

    @property
    def label(self) -> str:
        return f"{self.starts:%H:%M}"

    @property
    def range_label(self) -> str:
        return f"{self.starts:%H:%M}–{self.ends:%H:%M}"


def _time_at(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def grid_slots() -> list[Slot]:
    """The 15-minute slots from 08:00 to 14:00."""
    start = _minutes(DAY_START)
    return [
        Slot(
            i,
            _time_at(start + i * SLOT_MINUTES),
            _time_at(start + (i + 1) * SLOT_MINUTES),
        )
        for i in range(SLOT_COUNT)
    ]


def slot_of(moment: time) -> int | None:
    """The slot holding a local time of day; None before 08:00 or from 14:00."""
    offset = _minutes(moment) - _minutes(DAY_START)
    if offset < 0:
        return None
    index = offset // SLOT_MINUTES
    return index if index < SLOT_COUNT else None


@dataclass(frozen=True)
class Break:
    label: str
    starts: time
    ends: time

    @property
    def range_label(self) -> str:
        return f"{self.starts:%H:%M}–{self.ends:%H:%M}"


def break_slots(brk: Break) -> list[int]:
    """The slots that overlap a break (a break of 10:05–10:20 touches 10:00 and 10:15)."""
    first, last = _minutes(brk.starts), _minutes(brk.ends)
    return [
        slot.index
        for slot in grid_slots()
        if _minutes(slot.starts) < last and first < _minutes(slot.ends)
    ]


def break_labels(breaks: Iterable[Break]) -> dict[int, str]:
    """Slot index -> the label of the break it overlaps (the first break wins)."""
    labels: dict[int, str] = {}
    for brk in sorted(breaks, key=lambda b: b.starts):
        for index in break_slots(brk):
            labels.setdefault(index, brk.label)
    return labels


# ---------------------------------------------------------------------------------------------
# The hotspot grid


@dataclass(frozen=True)
class Counts:
    tensions: int = 0
    deescalations: int = 0

    @property
    def total(self) -> int:
        return self.tensions + self.deescalations

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tensions + other.tensions, self.deescalations + other.deescalations)


NO_COUNTS = Counts()


@dataclass(frozen=True)
class Column:
    zone_id: int
    name: str
    window: Counts
    today: Counts


@dataclass(frozen=True)
class Cell:
    zone_id: int
    zone: str
    window: Counts
    today: Counts
    level: int  # 0 (nothing) .. HEAT_LEVELS (the busiest cell)


@dataclass(frozen=True)
class Row:
    slot: Slot
    break_label: str
    cells: list[Cell]

    @property
    def in_break(self) -> bool:
        return bool(self.break_label)


@dataclass
class HotspotGrid:
    columns: list[Column]
    rows: list[Row]
    maximum: int
    window_total: Counts
    today_total: Counts
    # Tensions and de-escalations before 08:00 or from 14:00 (not in the grid).
    outside: Counts = NO_COUNTS
    quiet_zones: list[str] = field(default_factory=list)


def heat_level(count: int, maximum: int, levels: int = HEAT_LEVELS) -> int:
    """0 for nothing; otherwise 1..levels in proportion to the busiest cell (rounded up)."""
    if count <= 0 or maximum <= 0:
        return 0
    return max(1, min(levels, -(-count * levels // maximum)))


def build_grid(
    zones: Sequence[tuple[int, str]],
    window: Mapping[tuple[int, int], Counts],
    today: Mapping[tuple[int, int], Counts],
    breaks: Iterable[Break],
    *,
    outside: Counts = NO_COUNTS,
) -> HotspotGrid:
    """The zone × slot grid. ``window`` and ``today`` map (zone id, slot index) to counts; the
    window includes today. Only zones with a tension or de-escalation in the window (or today)
    get a column, in the order of ``zones``; the others are listed as quiet."""
    names = dict(zones)
    active_ids = {zone_id for zone_id, _slot in (*window, *today) if zone_id in names}
    columns: list[Column] = []
    for zone_id, name in zones:
        if zone_id not in active_ids:
            continue
        columns.append(
            Column(
                zone_id,
                name,
                sum((c for (z, _), c in window.items() if z == zone_id), NO_COUNTS),
                sum((c for (z, _), c in today.items() if z == zone_id), NO_COUNTS),
            )
        )
    slots = grid_slots()
    maximum = max(
        (window.get((c.zone_id, s.index), NO_COUNTS).total for c in columns for s in slots),
        default=0,
    )
    labels = break_labels(breaks)
    rows = [
        Row(
            slot,
            labels.get(slot.index, ""),
            [
                Cell(
                    column.zone_id,
                    column.name,
                    window.get((column.zone_id, slot.index), NO_COUNTS),
                    today.get((column.zone_id, slot.index), NO_COUNTS),
                    heat_level(window.get((column.zone_id, slot.index), NO_COUNTS).total, maximum),
                )
                for column in columns
            ],
        )
        for slot in slots
    ]
    return HotspotGrid(
        columns=columns,
        rows=rows,
        maximum=maximum,
        window_total=sum((c.window for c in columns), NO_COUNTS),
        today_total=sum((c.today for c in columns), NO_COUNTS),
        outside=outside,
        quiet_zones=[name for zone_id, name in zones if zone_id not in active_ids],
    )


# ---------------------------------------------------------------------------------------------
# The presence plan


@dataclass(frozen=True)
class PlanZone:
    zone: str
    window: int  # tensions + de-escalations in the break slots over the window
    today: int


@dataclass(frozen=True)
class BreakPlan:
    label: str
    starts: time
    ends: time
    total: int
    zones: list[PlanZone]

    @property
    def range_label(self) -> str:
        return f"{self.starts:%H:%M}–{self.ends:%H:%M}"


def concentrated(
    totals: Sequence[tuple[str, int, int]],
    *,
    max_zones: int = PLAN_MAX_ZONES,
    share: float = PLAN_SHARE,
) -> list[PlanZone]:
    """From (zone, window count, today count) in grid order: the zones where tension
    concentrated — busiest first, at most ``max_zones``, stopping once they hold ``share`` of
    the total. Zones without tension are never named."""
    total = sum(count for _zone, count, _today in totals)
    ranked = sorted(
        ((zone, count, today, position) for position, (zone, count, today) in enumerate(totals)),
        key=lambda item: (-item[1], -item[2], item[3]),
    )
    chosen: list[PlanZone] = []
    covered = 0
    for zone, count, today, _position in ranked:
        if count <= 0 or len(chosen) >= max_zones or (total and covered >= share * total):
            break
        chosen.append(PlanZone(zone, count, today))
        covered += count
    return chosen


def presence_plan(grid: HotspotGrid, breaks: Iterable[Break]) -> list[BreakPlan]:
    """For each break (by start time), the zones where tension concentrated in its slots."""
    plans: list[BreakPlan] = []
    for brk in sorted(breaks, key=lambda b: b.starts):
        slots = set(break_slots(brk))
        totals = [
            (
                column.name,
                sum(row.cells[i].window.total for row in grid.rows if row.slot.index in slots),
                sum(row.cells[i].today.total for row in grid.rows if row.slot.index in slots),
            )
            for i, column in enumerate(grid.columns)
        ]
        plans.append(
            BreakPlan(
                brk.label,
                brk.starts,
                brk.ends,
                sum(count for _zone, count, _today in totals),
                concentrated(totals),
            )
        )
    return plans


# ---------------------------------------------------------------------------------------------
# Small helpers used by the builder


def overdue_days(due: date, day: date) -> int:
    """How many days a task due on ``due`` is late on ``day`` (0 when not late)."""
    return max(0, (day - due).days)


def local_slot_and_day(moment: datetime) -> tuple[date, int | None]:
    """A local (aware) moment -> its date and grid slot."""
    return moment.date(), slot_of(moment.time())
