"""The absence overview on a student's page: rolling hours chart, weekday × week grid, sick
episodes, signals and the DUO reminder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.absence import duo_rules
from app.absence.charts import BarChart, bar_chart
from app.absence.counting import DayFigures, day_figures, round_hours
from app.absence.duo import meldingen_of
from app.absence.figures import registrations_by_student
from app.absence.rule_scope import Scope, SickEpisode, evaluation_scope
from app.absence.rules import sick_episodes
from app.absence.services import rule_settings
from app.absence.settings import RuleSettings
from app.absence.signals import signals_for_student
from app.audit import record
from app.core.calendar_store import load_calendar
from app.core.localtime import local_today
from app.core.schoolcalendar import SchoolCalendar, monday_of
from app.models import AbsenceSignal, DuoMelding, Student, User

GRID_WEEKS = 8


@dataclass(frozen=True)
class GridCell:
    """One school day in the weekday × week grid; the template words it."""

    day: date
    state: str  # later, geen-school, aanwezig, ongeoorloofd, ziek, geoorloofd, verwijderd, te-laat
    figures: DayFigures | None = None
    holiday: str = ""


@dataclass
class GridWeek:
    monday: date
    cells: list[GridCell]


@dataclass
class AbsenceOverview:
    as_of: date
    settings: RuleSettings
    chart: BarChart
    weeks: list[WeekPoint]
    grid: list[GridWeek]
    episodes: list[SickEpisode]
    signals: list[AbsenceSignal]
    hours_window: float = 0.0
    hours_year: float = 0.0
    recent_episodes: int = 0
    lates_window: int = 0
    reminders: list[AbsenceSignal] = field(default_factory=list)
    # The reminders whose DUO deadline has passed (shown as overdue).
    overdue_ids: set[int] = field(default_factory=set)
    # The DUO meldingen recorded (issue 23), and the reminders that would be a follow-up.
    meldingen: list[DuoMelding] = field(default_factory=list)
    follow_up_ids: set[int] = field(default_factory=set)


def _cell(day: date, calendar: SchoolCalendar, figure: DayFigures | None, as_of: date) -> GridCell:
    if day > as_of:
        return GridCell(day, "later")
    if not calendar.is_school_day(day):
        return GridCell(day, "geen-school", holiday=calendar.closed_name(day) or "")
    if figure is None:
        return GridCell(day, "aanwezig")
    if figure.unauthorised:
        state = "ongeoorloofd"
    elif figure.sick:
        state = "ziek"
    elif figure.authorised:
        state = "geoorloofd"
    elif figure.sent_out:
        state = "verwijderd"
    elif figure.late:
        state = "te-laat"
    else:
        state = "aanwezig"
    return GridCell(day, state, figure)


def absence_overview(
    user: User, student: Student, as_of: date | None = None
) -> AbsenceOverview | None:
    """The overview of one student's absence this school year (None when there is nothing to
    show). Records the view in the audit trail."""
    as_of = as_of or local_today()
    calendar = load_calendar()
    settings = rule_settings()
    signals = signals_for_student(student)
    scope = evaluation_scope(calendar, as_of, settings)
    rows = []
    if scope is not None:
        rows = registrations_by_student([student.id], scope.first, as_of, active_only=False).get(
            student.id, []
        )
    if not rows and not signals:  # (a melding always has its signal)
        return None
    record(user, "view", "absence", student.leerlingnummer, student=student)
    figures = day_figures(rows, calendar, settings, first=scope.first, last=as_of) if scope else {}
    # The chart: the hours of each of the last N school weeks (N = the 16-hour rule's window),
    # which together are what the rule counts.
    weeks = last_school_weeks(figures, scope) if scope else []
    episodes = sick_episodes(figures, scope) if scope else []
    chart = bar_chart([(p.monday, p.hours) for p in weeks], None)

    grid: list[GridWeek] = []
    current = calendar.week_index_on_or_before(as_of)
    if current is not None:
        first_week = max(0, current - GRID_WEEKS + 1)
        for index in range(first_week, current + 1):
            monday = calendar.weeks[index]
            if scope is not None and monday + timedelta(days=4) < scope.first:
                continue
            days = [monday + timedelta(days=i) for i in range(5)]
            cells = [_cell(day, calendar, figures.get(day), as_of) for day in days]
            grid.append(GridWeek(monday, cells))

    overview = AbsenceOverview(
        as_of=as_of,
        settings=settings,
        chart=chart,
        weeks=weeks,
        grid=grid,
        episodes=episodes,
        signals=signals,
    )
    if scope is not None:
        window_first = scope.window_first_day(as_of, settings.sixteen.weeks)
        overview.hours_window = round(
            sum(f.unauthorised for d, f in figures.items() if d >= window_first), 2
        )
        overview.hours_year = round(sum(f.unauthorised for f in figures.values()), 2)
        sick_first = scope.window_first_day(as_of, settings.frequent_sick.weeks)
        overview.recent_episodes = sum(1 for e in episodes if e.first_day >= sick_first)
        late_first = scope.window_first_day(as_of, settings.late.weeks)
        overview.lates_window = sum(f.late for d, f in figures.items() if d >= late_first)
    overview.meldingen = meldingen_of(student)
    reported = {m.signal_id for m in overview.meldingen}
    overview.reminders = [
        s for s in signals if duo_rules.reminder_open(s.rule, s.active, s.id in reported)
    ]
    overview.overdue_ids = {
        s.id
        for s in overview.reminders
        if duo_rules.deadline_passed(s.due_on, s.acknowledged, as_of)
    }
    ends = [m.window_end for m in overview.meldingen]
    overview.follow_up_ids = {
        s.id for s in overview.reminders if duo_rules.is_follow_up(s.window_start, ends)
    }
    return overview


def last_school_weeks(
    figures: Mapping[date, DayFigures], scope: Scope, weeks: int | None = None
) -> list[WeekPoint]:
    """The unauthorised hours of each of the last N school weeks up to the scope's day (N = the
    16-hour rule's window; fewer early in the school year)."""
    weeks = weeks or scope.settings.sixteen.weeks
    include_sent_out = scope.settings.sixteen.include_sent_out
    first = scope.window_first_day(scope.as_of, weeks)
    totals: dict[date, float] = {}
    for day in scope.calendar.school_days_between(first, scope.as_of):
        monday = monday_of(day)
        figure = figures.get(day)
        hours = 0.0
        if figure is not None:
            hours = figure.unauthorised + (figure.sent_out if include_sent_out else 0.0)
        totals[monday] = totals.get(monday, 0.0) + hours
    return [WeekPoint(monday, round_hours(totals[monday])) for monday in sorted(totals)][-weeks:]


@dataclass
class WeekPoint:
    monday: date
    hours: float  # unauthorised hours: in that week, or in the N school weeks ending with it


def rolling_unauthorised_hours(
    figures: Mapping[date, DayFigures], scope: Scope, weeks: int | None = None
) -> list[WeekPoint]:
    """For every school week in the scope: unauthorised hours in the N school weeks ending with
    it (N = the 16-hour rule's window), as the rolling chart on the student page shows."""
    weeks = weeks or scope.settings.sixteen.weeks
    include_sent_out = scope.settings.sixteen.include_sent_out
    calendar = scope.calendar
    points = []
    mondays = sorted({monday_of(d) for d in scope.days})
    for monday in mondays:
        end = min(monday + timedelta(days=4), scope.as_of)
        first = scope.window_first_day(end, weeks)
        total = 0.0
        for day in calendar.school_days_between(first, end):
            figure = figures.get(day)
            if figure is not None:
                total += figure.unauthorised + (figure.sent_out if include_sent_out else 0.0)
        points.append(WeekPoint(monday, round_hours(total)))
    return points
