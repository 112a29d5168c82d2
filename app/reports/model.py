"""The periodic report as plain data: what :func:`app.reports.builder.build_report` returns and
the page, the PDF, the CSV files and the command line render.

Counts of students (and of things about students: cases, parent calls, home visits, detention
visits, signals) are :class:`~app.reports.rules.Count` values that show as "<5" for 1 to 4;
nothing downstream can print the number behind them without asking for ``.value`` on purpose.
No student name or number is in here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.core.vocabulary import (
    AbsenceRule,
    CaseStatus,
    EntryKind,
    FlagType,
    IncidentKind,
    Outcome,
    Severity,
    Topic,
    VisitStatus,
)
from app.exceptions import DomainError
from app.reports import rules
from app.reports.rules import Count

ALL_SCOPE = "ALL"


class ReportError(DomainError):
    """A report that cannot be made (unknown location, period that makes no sense)."""


@dataclass(frozen=True)
class LocationRef:
    id: int
    code: str
    name: str


@dataclass
class FloorFigures:
    by_kind: dict[EntryKind, int]
    by_zone: list[tuple[str, int]]  # zone name (across locations), entries; most first
    by_hour: dict[int, int]  # local hour -> entries
    by_weekday: dict[int, int]  # 0 = Monday … 4 = Friday (weekend entries are left out)
    weekend: int
    severities: dict[Severity, int]  # tensions (spanning) by severity
    outcomes: dict[Outcome, int]  # de-escalations by outcome
    group_students: int  # students reached in group moments (sum of head counts)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


@dataclass
class FlagFigures:
    flags: dict[FlagType, int]  # flags raised
    students: dict[FlagType, Count]  # students flagged
    students_total: Count


@dataclass
class IncidentFigures:
    """Incidents (Wet veiligheid op school) by kind and by zone; incidents and the students in
    them are things about students: 1 to 4 shows "<5"."""

    by_kind: dict[IncidentKind, Count]
    students_by_kind: dict[IncidentKind, Count]
    by_zone: list[tuple[str, Count]]  # zone name (across locations), incidents; most first
    total: Count
    students: Count


@dataclass
class StageDuration:
    stage: CaseStatus
    stays: int
    median_days: float | None  # None when fewer than MIN_STUDENTS stays

    @property
    def count(self) -> Count:
        return Count(self.stays)


@dataclass
class CaseFigures:
    by_status: dict[CaseStatus, Count]  # status on the last day of the period, cases active in it
    flow: dict[str, Count]  # geopend / opgeschaald / overgedragen / afgesloten in the period
    stages: list[StageDuration]
    active: Count


@dataclass
class CallFigures:
    calls: Count
    students: Count
    reached: Count
    reached_percent: int | None  # None when fewer than MIN_STUDENTS calls
    interpreter: Count
    attempts: int


@dataclass
class VisitFigures:
    by_status: dict[VisitStatus, Count]
    students: Count
    two_people: Count  # done visits with a second person
    mixed_pairs: Count  # done visits by a mixed pair


@dataclass
class DetentionFigures:
    sessions: int
    attendances: Count
    students: Count
    repeat_students: Count  # students present at two or more sessions in the period
    talks: Count  # reflection talks recorded


@dataclass
class AbsenceWeek:
    monday: date
    hours: float  # unauthorised hours of the scope's students in this school week
    per_100: float | None  # … per 100 students


@dataclass
class SignalBucket:
    label: str  # "wk 47" or "nov 2026"
    first: date
    last: date
    students: dict[AbsenceRule, Count]  # students with a new signal of that rule


@dataclass
class AbsenceFigures:
    weeks: list[AbsenceWeek]
    hours: float
    per_100_per_week: float | None  # the period's average
    buckets: list[SignalBucket]
    signal_students: dict[AbsenceRule, Count]  # students with a new signal in the period
    bucket_kind: str  # "week" or "maand"


@dataclass
class OutcomeFigures:
    """Unauthorised hours per 4 school weeks, 8 school weeks before a case opened and 8 after."""

    students: Count  # students whose windows are complete
    pending: Count  # opened in the period, but the 8 weeks after are not over yet
    outside_calendar: Count  # windows reach outside the school calendar
    before_median: float | None = None
    before_spread: tuple[float, float] | None = None  # first and third quartile
    after_median: float | None = None
    after_spread: tuple[float, float] | None = None
    change_median: float | None = None
    lower: Count = field(default_factory=lambda: Count(0))  # after < before
    same: Count = field(default_factory=lambda: Count(0))
    higher: Count = field(default_factory=lambda: Count(0))

    @property
    def shown(self) -> bool:
        return self.students.value >= rules.MIN_STUDENTS


@dataclass(frozen=True)
class Observation:
    day: date
    location: str  # code
    zone: str
    theme: Topic | EntryKind  # the topic when there is one (a conversation), else the kind
    note: str


@dataclass
class ObservationGroup:
    theme: Topic | EntryKind
    location: str
    items: list[Observation]  # the most recent ones (app.reports.sections.observations)
    total: int  # all marked observations of this theme and location in the period

    @property
    def earlier(self) -> int:
        """The older observations left out of ``items``."""
        return self.total - len(self.items)


@dataclass
class ComparisonRow:
    location: LocationRef
    students: int
    entries: int
    tensions: int
    flagged: Count
    cases_opened: Count
    calls: Count
    visits: Count
    unauthorised_hours: float
    school_weeks: int

    def rate(self, value: int | Count) -> float | str | None:
        """Per 100 students (a number for :func:`app.reports.numbers.number`); "<5" when the
        count behind it is a small count of students; None without students."""
        if isinstance(value, Count):
            if value.suppressed:
                return rules.SUPPRESSED
            value = value.value
        return rules.per_100(value, self.students)

    @property
    def absence_rate(self) -> float | None:
        """Unauthorised hours per 100 students per school week; None without either."""
        if not self.school_weeks:
            return None
        return rules.per_100(self.unauthorised_hours / self.school_weeks, self.students)


@dataclass
class PulseStatementRow:
    statement: Any  # the statement's short label (a lazy string, translated when shown)
    percent: int | None
    n: int


@dataclass
class PulseFigure:
    location: str
    starts_on: date
    ends_on: date
    shown: bool
    respondents_enough: bool
    rows: list[PulseStatementRow]


@dataclass
class ClimateFigure:
    location: str
    rustig: int
    wisselend: int
    onrustig: int

    @property
    def total(self) -> int:
        return self.rustig + self.wisselend + self.onrustig


@dataclass
class Summary:
    """The key figures of the period beside the previous period of equal length and the same
    period last year (:func:`app.reports.rules.previous_period`, ``last_year_period``)."""

    previous_start: date
    previous_end: date
    last_year_start: date
    last_year_end: date
    school_weeks: int
    previous_school_weeks: int
    last_year_school_weeks: int
    figures: list[rules.KeyFigure]
    # A running period: its days so far, compared with as many days of the other two.
    counted_through: date | None = None

    @property
    def moved(self) -> list[rules.KeyFigure]:
        return rules.moved_figures(self.figures)

    @property
    def has_previous(self) -> bool:
        return any(f.previous is not None for f in self.figures)

    @property
    def has_last_year(self) -> bool:
        return any(f.last_year is not None for f in self.figures)


@dataclass
class Report:
    scope: str  # ALL or codes
    locations: list[LocationRef]
    start: date
    end: date
    generated_at: datetime
    students: int
    school_weeks: list[date]
    floor: FloorFigures
    flags: FlagFigures
    cases: CaseFigures
    calls: CallFigures
    visits: VisitFigures
    detention: DetentionFigures
    absence: AbsenceFigures
    outcome: OutcomeFigures
    observations: list[ObservationGroup]
    comparison: list[ComparisonRow]
    pulse: list[PulseFigure]
    climate: list[ClimateFigure]
    incidents: IncidentFigures | None = None
    summary: Summary | None = None
    text: str = ""  # the edited qualitative text ("" when nobody wrote one)
    text_updated_at: datetime | None = None
    # The period runs past the day the report was made: its figures count up to this day.
    counted_through: date | None = None

    @property
    def whole_group(self) -> bool:
        return self.scope == ALL_SCOPE

    @property
    def scope_label(self) -> str:
        return ", ".join(loc.code for loc in self.locations)

    @property
    def observation_count(self) -> int:
        """All observations marked for the report in the period."""
        return sum(group.total for group in self.observations)

    @property
    def observation_shown(self) -> int:
        """The ones listed (the most recent of each theme and location)."""
        return sum(len(group.items) for group in self.observations)
