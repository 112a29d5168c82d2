"""The periodic report of a scope (one or more locations, or the whole group) and a period, as
plain data.

:func:`build_report` reads across the capabilities — floor, desk, absence, pulse and climate —
through their models and services, and returns a :class:`Report` that the page, the PDF, the CSV
files and the command line all render. Counts of students (and of things about students: cases,
parent calls, home visits, detention visits, signals) are :class:`~app.reports.rules.Count`
values that show as "<5" for 1 to 4; nothing downstream can print the number behind them
without asking for ``.value`` on purpose. No student name or number leaves the builder.

Days are local (Europe/Amsterdam) calendar days, both ends inclusive; stored times are aware
UTC. School weeks come from the school calendar (``app.core.calendar_store.load_calendar``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from app.absence.figures import figures_by_student
from app.absence.services import rule_settings
from app.audit import record
from app.core import roles
from app.core.calendar_store import load_calendar
from app.core.localtime import LOCAL_TZ, local_day_bounds, local_today
from app.core.schoolcalendar import SchoolCalendar, monday_of
from app.core.sql import epoch_bucket
from app.core.vocabulary import CallResult, CaseStatus, Role, VisitStatus
from app.desk import reporting as desk_reporting
from app.exceptions import DomainError
from app.extensions import db
from app.models import (
    AbsenceSignal,
    CallAttempt,
    CaseStatusChange,
    Casus,
    DetentionAttendance,
    DetentionSession,
    Flag,
    FloorEntry,
    HomeVisit,
    Location,
    ParentCall,
    ReportText,
    Student,
    User,
    Zone,
)
from app.models.report import REPORT_TEXT_MAX
from app.models.types import utcnow
from app.reports import rules
from app.reports.rules import Count

ALL_SCOPE = "ALL"

KIND_ORDER = ("contact", "gesprek", "groep", "spanning", "deescalatie", "vlag")
SEVERITY_ORDER = ("laag", "middel", "hoog")
OUTCOME_ORDER = ("opgelost", "deels", "doorverwezen")
FLAG_ORDER = ("zorg", "verzuimsignaal", "conflict", "thuissituatie", "veiligheid", "opvolgen")
STATUS_ORDER = tuple(status.value for status in CaseStatus)
STAGES = ("signaal", "preventief", "intensief", "overgedragen_copa")
STAGE_RANK = {"signaal": 0, "preventief": 1, "intensief": 2}
FLOW_ORDER = ("geopend", "opgeschaald", "overgedragen", "afgesloten")
VISIT_ORDER = tuple(status.value for status in VisitStatus)
RULE_ORDER = ("16uur", "lrv", "patroon", "frequent_ziek", "langdurig_ziek", "te_laat")
REACHED = (CallResult.GESPROKEN.value, CallResult.TERUGGEBELD.value)
WEEKDAYS = range(5)
# Floor work runs 08:00–11:00, but entries may be set back or made later: hours 7 to 15 show,
# anything else is counted under the nearest end.
HOURS = range(7, 16)
# The signal trend goes per school week for short periods, per month for longer ones.
WEEKLY_SIGNALS_MAX_WEEKS = 13


class ReportError(DomainError):
    """A report that cannot be made (unknown location, period that makes no sense)."""


# ---------------------------------------------------------------------------------------------
# The plain data


@dataclass(frozen=True)
class LocationRef:
    id: int
    code: str
    name: str


@dataclass
class FloorFigures:
    by_kind: dict[str, int]
    by_zone: list[tuple[str, int]]  # zone name (across locations), entries; most first
    by_hour: dict[int, int]  # local hour -> entries
    by_weekday: dict[int, int]  # 0 = Monday … 4 = Friday (weekend entries are left out)
    weekend: int
    severities: dict[str, int]  # tensions (spanning) by severity
    outcomes: dict[str, int]  # de-escalations by outcome
    group_students: int  # students reached in group moments (sum of head counts)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


@dataclass
class FlagFigures:
    flags: dict[str, int]  # flag type -> flags raised
    students: dict[str, Count]  # flag type -> students flagged
    students_total: Count


@dataclass
class StageDuration:
    stage: str
    stays: int
    median_days: float | None  # None when fewer than MIN_STUDENTS stays

    @property
    def count(self) -> Count:
        return Count(self.stays)


@dataclass
class CaseFigures:
    by_status: dict[str, Count]  # status on the last day of the period, cases active in it
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
    by_status: dict[str, Count]
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
    students: dict[str, Count]  # rule -> students with a new signal of that rule


@dataclass
class AbsenceFigures:
    weeks: list[AbsenceWeek]
    hours: float
    per_100_per_week: float | None  # the period's average
    buckets: list[SignalBucket]
    signal_students: dict[str, Count]  # rule -> students with a new signal in the period
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
    kind: str
    theme: str  # topic code when there is one, else the entry kind
    note: str


@dataclass
class ObservationGroup:
    theme: str
    location: str
    items: list[Observation]


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

    def rate(self, value: int | Count) -> str:
        """Per 100 students; "<5" when the count behind it is a small count of students."""
        if isinstance(value, Count):
            if value.suppressed:
                return rules.SUPPRESSED
            value = value.value
        rate = rules.per_100(value, self.students)
        return "–" if rate is None else f"{rate:.1f}"

    @property
    def absence_rate(self) -> str:
        if not self.school_weeks:
            return "–"
        rate = rules.per_100(self.unauthorised_hours / self.school_weeks, self.students)
        return "–" if rate is None else f"{rate:.1f}"


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
    text: str = ""  # the edited qualitative text ("" when nobody wrote one)
    text_updated_at: datetime | None = None

    @property
    def whole_group(self) -> bool:
        return self.scope == ALL_SCOPE

    @property
    def scope_label(self) -> str:
        return ", ".join(loc.code for loc in self.locations)

    @property
    def observation_count(self) -> int:
        return sum(len(group.items) for group in self.observations)


# ---------------------------------------------------------------------------------------------
# Scope


def all_locations() -> list[Location]:
    return list(db.session.scalars(select(Location).order_by(Location.code)))


def resolve_locations(codes: Iterable[str] | None) -> list[Location]:
    """Locations by code (case-blind), in code order; every location for None."""
    known = all_locations()
    if codes is None:
        return known
    by_code = {loc.code.lower(): loc for loc in known}
    chosen: dict[int, Location] = {}
    for code in codes:
        location = by_code.get(code.strip().lower())
        if location is None:
            raise ReportError(
                f"Onbekende locatie '{code.strip()[:16]}' "
                f"(bekend: {', '.join(loc.code for loc in known) or 'geen'}).",
                field="locatie",
            )
        chosen[location.id] = location
    if not chosen:
        raise ReportError("Kies een locatie of de hele groep.", field="locatie")
    return sorted(chosen.values(), key=lambda loc: loc.code)


def scope_key(locations: Sequence[Location], whole_group: bool) -> str:
    return ALL_SCOPE if whole_group else ",".join(sorted(loc.code for loc in locations))


def readable_locations(user: User) -> list[Location]:
    """The locations whose reports ``user`` may read: beheer every location, teamleider and
    locatieleider their own; nobody else any."""
    if user.role == Role.BEHEER:
        return all_locations()
    if user.role in roles.REPORT_READERS:
        return sorted(user.locations, key=lambda loc: loc.code)
    return []


# ---------------------------------------------------------------------------------------------
# The builder


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return local_day_bounds(start)[0], local_day_bounds(end)[1]


def _student_counts(location_ids: Sequence[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Student.location_id, func.count())
        .where(Student.location_id.in_(location_ids or [-1]), Student.active.is_(True))
        .group_by(Student.location_id)
    ).all()
    counts = dict.fromkeys(location_ids, 0)
    counts.update({location_id: count for location_id, count in rows})
    return counts


def _hour_bucket(column: Any) -> Any:
    """The UTC hour of a timestamp column as hours since 1970, in SQL."""
    return epoch_bucket(column, 3600)


def _floor(location_ids: Sequence[int], first: datetime, last: datetime) -> FloorFigures:
    """Three aggregate queries, whatever the number of entries."""
    where = (
        FloorEntry.location_id.in_(location_ids or [-1]),
        FloorEntry.occurred_at >= first,
        FloorEntry.occurred_at < last,
    )
    kinds: Counter[str] = Counter()
    severities: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    group_students = 0
    for kind, severity, outcome, count, heads in db.session.execute(
        select(
            FloorEntry.kind,
            FloorEntry.severity,
            FloorEntry.outcome,
            func.count(),
            func.coalesce(func.sum(FloorEntry.head_count), 0),
        )
        .where(*where)
        .group_by(FloorEntry.kind, FloorEntry.severity, FloorEntry.outcome)
    ):
        kinds[kind.value] += count
        if kind.value == "spanning" and severity is not None:
            severities[severity.value] += count
        if kind.value == "deescalatie" and outcome is not None:
            outcomes[outcome.value] += count
        if kind.value == "groep":
            group_students += int(heads or 0)
    zones = dict(
        db.session.execute(
            select(Zone.name, func.count())
            .join(FloorEntry, FloorEntry.zone_id == Zone.id)
            .where(*where)
            .group_by(Zone.name)
        ).all()
    )
    bucket = _hour_bucket(FloorEntry.occurred_at)
    hours: Counter[int] = Counter()
    weekdays: Counter[int] = Counter()
    weekend = 0
    for value, count in db.session.execute(
        select(bucket, func.count()).where(*where).group_by(bucket)
    ):
        local = datetime.fromtimestamp(int(value) * 3600, UTC).astimezone(LOCAL_TZ)
        hours[min(max(local.hour, HOURS.start), HOURS.stop - 1)] += count
        if local.weekday() < 5:
            weekdays[local.weekday()] += count
        else:
            weekend += count
    return FloorFigures(
        by_kind={k: kinds.get(k, 0) for k in KIND_ORDER},
        by_zone=sorted(zones.items(), key=lambda item: (-item[1], item[0])),
        by_hour={h: hours.get(h, 0) for h in HOURS},
        by_weekday={d: weekdays.get(d, 0) for d in WEEKDAYS},
        weekend=weekend,
        severities={s: severities.get(s, 0) for s in SEVERITY_ORDER},
        outcomes={o: outcomes.get(o, 0) for o in OUTCOME_ORDER},
        group_students=group_students,
    )


def _flags(location_ids: Sequence[int], first: datetime, last: datetime) -> FlagFigures:
    rows = db.session.execute(
        select(Flag.flag_type, Flag.student_id).where(
            Flag.location_id.in_(location_ids or [-1]),
            Flag.raised_at >= first,
            Flag.raised_at < last,
        )
    ).all()
    flags: Counter[str] = Counter()
    students: dict[str, set[int]] = defaultdict(set)
    for flag_type, student_id in rows:
        flags[flag_type.value] += 1
        students[flag_type.value].add(student_id)
    return FlagFigures(
        flags={t: flags.get(t, 0) for t in FLAG_ORDER},
        students={t: Count(len(students.get(t, ()))) for t in FLAG_ORDER},
        students_total=Count(len({s for _t, s in rows})),
    )


@dataclass
class _CaseRow:
    id: int
    student_id: int
    location_id: int
    opened_at: datetime
    changes: list[tuple[datetime, str | None, str]]  # (at, from, to), oldest first


def _case_rows(location_ids: Sequence[int], first: datetime, last: datetime) -> list[_CaseRow]:
    """Cases of the locations' students that were open at some time in [first, last)."""
    cases = db.session.execute(
        select(Casus.id, Casus.student_id, Student.location_id, Casus.opened_at)
        .join(Student, Student.id == Casus.student_id)
        .where(
            Student.location_id.in_(location_ids or [-1]),
            Casus.opened_at < last,
            (Casus.closed_at.is_(None)) | (Casus.closed_at >= first),
        )
    ).all()
    result = {row[0]: _CaseRow(row[0], row[1], row[2], row[3], []) for row in cases}
    if result:
        changes = db.session.execute(
            select(
                CaseStatusChange.case_id,
                CaseStatusChange.at,
                CaseStatusChange.from_status,
                CaseStatusChange.to_status,
            )
            .where(CaseStatusChange.case_id.in_(list(result)))
            .order_by(CaseStatusChange.at, CaseStatusChange.id)
        ).all()
        for case_id, at, from_status, to_status in changes:
            result[case_id].changes.append(
                (at, from_status.value if from_status else None, to_status.value)
            )
    return list(result.values())


def _cases(rows: Sequence[_CaseRow], first: datetime, last: datetime) -> CaseFigures:
    status_at_end: Counter[str] = Counter()
    flow: dict[str, set[int]] = defaultdict(set)
    stays: dict[str, list[float]] = defaultdict(list)
    for case in rows:
        before_end = [c for c in case.changes if c[0] < last]
        if before_end:
            status_at_end[before_end[-1][2]] += 1
        for at, from_status, to_status in case.changes:
            if not first <= at < last:
                continue
            if from_status is None:
                flow["geopend"].add(case.id)
            elif to_status == "afgesloten":
                flow["afgesloten"].add(case.id)
            elif to_status == "overgedragen_copa":
                flow["overgedragen"].add(case.id)
            elif to_status in STAGE_RANK and STAGE_RANK[to_status] > STAGE_RANK.get(
                from_status, 99
            ):
                flow["opgeschaald"].add(case.id)
        for (entered, _f, stage), (left, _f2, _t) in zip(
            case.changes, case.changes[1:], strict=False
        ):
            if first <= left < last and stage in STAGES:
                stays[stage].append((left - entered).total_seconds() / 86400)
    stages = []
    for stage in STAGES:
        values = stays.get(stage, [])
        middle = rules.median(values) if len(values) >= rules.MIN_STUDENTS else None
        stages.append(
            StageDuration(stage, len(values), round(middle, 1) if middle is not None else None)
        )
    return CaseFigures(
        by_status={s: Count(status_at_end.get(s, 0)) for s in STATUS_ORDER},
        flow={f: Count(len(flow.get(f, ()))) for f in FLOW_ORDER},
        stages=stages,
        active=Count(sum(status_at_end.values())),
    )


def _calls(location_ids: Sequence[int], first: datetime, last: datetime) -> CallFigures:
    calls = db.session.execute(
        select(ParentCall.id, ParentCall.student_id, ParentCall.interpreter_needed)
        .join(Student, Student.id == ParentCall.student_id)
        .where(
            Student.location_id.in_(location_ids or [-1]),
            ParentCall.created_at >= first,
            ParentCall.created_at < last,
        )
    ).all()
    ids = [row[0] for row in calls]
    reached: set[int] = set()
    attempts = 0
    if ids:
        for call_id, result in db.session.execute(
            select(CallAttempt.call_id, CallAttempt.result).where(CallAttempt.call_id.in_(ids))
        ):
            attempts += 1
            if result.value in REACHED:
                reached.add(call_id)
    total = len(calls)
    return CallFigures(
        calls=Count(total),
        students=Count(len({row[1] for row in calls})),
        reached=Count(len(reached)),
        reached_percent=rules.share(len(reached), total) if total >= rules.MIN_STUDENTS else None,
        interpreter=Count(sum(1 for row in calls if row[2])),
        attempts=attempts,
    )


def _visits(location_ids: Sequence[int], first: datetime, last: datetime) -> VisitFigures:
    visits = db.session.execute(
        select(
            HomeVisit.status,
            HomeVisit.student_id,
            HomeVisit.staff_two_id,
            HomeVisit.companion,
            HomeVisit.mixed_pair,
        )
        .join(Student, Student.id == HomeVisit.student_id)
        .where(
            Student.location_id.in_(location_ids or [-1]),
            HomeVisit.planned_at >= first,
            HomeVisit.planned_at < last,
        )
    ).all()
    statuses = Counter(row[0].value for row in visits)
    done = [row for row in visits if row[0] == VisitStatus.GEDAAN]
    return VisitFigures(
        by_status={s: Count(statuses.get(s, 0)) for s in VISIT_ORDER},
        students=Count(len({row[1] for row in visits})),
        two_people=Count(sum(1 for row in done if row[2] or row[3])),
        mixed_pairs=Count(sum(1 for row in done if row[4])),
    )


def _detention(location_ids: Sequence[int], start: date, end: date) -> DetentionFigures:
    sessions = db.session.scalar(
        select(func.count())
        .select_from(DetentionSession)
        .where(
            DetentionSession.location_id.in_(location_ids or [-1]),
            DetentionSession.held_on >= start,
            DetentionSession.held_on <= end,
        )
    )
    rows = db.session.execute(
        select(DetentionAttendance.student_id, DetentionAttendance.talk_at)
        .join(DetentionSession, DetentionSession.id == DetentionAttendance.session_id)
        .where(
            DetentionSession.location_id.in_(location_ids or [-1]),
            DetentionSession.held_on >= start,
            DetentionSession.held_on <= end,
        )
    ).all()
    visits = Counter(row[0] for row in rows)
    return DetentionFigures(
        sessions=int(sessions or 0),
        attendances=Count(len(rows)),
        students=Count(len(visits)),
        repeat_students=Count(sum(1 for n in visits.values() if n >= 2)),
        talks=Count(sum(1 for row in rows if row[1] is not None)),
    )


def _unauthorised_by_week(
    location_ids: Sequence[int], start: date, end: date, calendar: SchoolCalendar
) -> dict[int, dict[date, float]]:
    """Unauthorised hours per location per school week (Monday), from the day figures of every
    active student (the same figures the absence signals use)."""
    settings = rule_settings()
    result: dict[int, dict[date, float]] = {}
    for location_id in location_ids:
        weeks: dict[date, float] = defaultdict(float)
        per_student = figures_by_student(
            None, start, end, calendar, settings, location_id=location_id
        )
        for figures in per_student.values():
            for day, figure in figures.items():
                if figure.unauthorised:
                    weeks[monday_of(day)] += figure.unauthorised
        result[location_id] = dict(weeks)
    return result


def _signal_buckets(
    start: date, end: date, school_weeks: Sequence[date]
) -> tuple[str, list[tuple[str, date, date]]]:
    if len(school_weeks) <= WEEKLY_SIGNALS_MAX_WEEKS:
        return "week", [
            (f"wk {monday.isocalendar().week}", max(monday, start), min(monday + timedelta(6), end))
            for monday in school_weeks
        ]
    buckets = []
    current = date(start.year, start.month, 1)
    while current <= end:
        following = date(current.year + current.month // 12, current.month % 12 + 1, 1)
        buckets.append(
            (f"{current:%m-%Y}", max(current, start), min(following - timedelta(1), end))
        )
        current = following
    return "maand", buckets


def _absence(
    location_ids: Sequence[int],
    students: int,
    start: date,
    end: date,
    calendar: SchoolCalendar,
    hours_by_location: dict[int, dict[date, float]],
) -> AbsenceFigures:
    school_weeks = rules.school_weeks_between(calendar, start, end)
    weeks = []
    for monday in school_weeks:
        hours = round(sum(hours_by_location.get(i, {}).get(monday, 0.0) for i in location_ids), 2)
        weeks.append(AbsenceWeek(monday, hours, rules.per_100(hours, students)))
    total = round(sum(w.hours for w in weeks), 2)
    average = rules.per_100(total / len(weeks), students) if weeks else None

    signals = db.session.execute(
        select(AbsenceSignal.rule, AbsenceSignal.student_id, AbsenceSignal.triggered_on)
        .join(Student, Student.id == AbsenceSignal.student_id)
        .where(
            Student.location_id.in_(location_ids or [-1]),
            AbsenceSignal.triggered_on >= start,
            AbsenceSignal.triggered_on <= end,
        )
    ).all()
    kind, spans = _signal_buckets(start, end, school_weeks)
    buckets = []
    for label, first, last in spans:
        per_rule: dict[str, set[int]] = defaultdict(set)
        for rule, student_id, triggered_on in signals:
            if first <= triggered_on <= last:
                per_rule[rule].add(student_id)
        buckets.append(
            SignalBucket(
                label, first, last, {r: Count(len(per_rule.get(r, ()))) for r in RULE_ORDER}
            )
        )
    overall: dict[str, set[int]] = defaultdict(set)
    for rule, student_id, _day in signals:
        overall[rule].add(student_id)
    return AbsenceFigures(
        weeks=weeks,
        hours=total,
        per_100_per_week=average,
        buckets=buckets,
        signal_students={r: Count(len(overall.get(r, ()))) for r in RULE_ORDER},
        bucket_kind=kind,
    )


def _outcome(
    rows: Sequence[_CaseRow],
    first: datetime,
    last: datetime,
    calendar: SchoolCalendar,
    today: date,
) -> OutcomeFigures:
    """Students whose case opened in the period (their first case in it): unauthorised hours
    per 4 school weeks in the 8 school weeks before the week of opening and the 8 after."""
    opened: dict[int, date] = {}
    for case in sorted(rows, key=lambda c: c.opened_at):
        if first <= case.opened_at < last and case.student_id not in opened:
            opened[case.student_id] = case.opened_at.astimezone(LOCAL_TZ).date()
    windows = {}
    pending = outside = 0
    for student_id, day in opened.items():
        window = rules.outcome_windows(calendar, day)
        if window is None:
            outside += 1
        elif window.after_last >= today:
            pending += 1
        else:
            windows[student_id] = window
    result = OutcomeFigures(Count(len(windows)), Count(pending), Count(outside))
    if not windows:
        return result
    settings = rule_settings()
    earliest = min(w.before_first for w in windows.values())
    latest = max(w.after_last for w in windows.values())
    per_student = figures_by_student(
        list(windows), earliest, latest, calendar, settings, active_only=False
    )
    befores, afters, changes = [], [], []
    for student_id, window in windows.items():
        figures = per_student.get(student_id, {})
        before = sum(
            f.unauthorised
            for d, f in figures.items()
            if window.before_first <= d <= window.before_last
        )
        after = sum(
            f.unauthorised
            for d, f in figures.items()
            if window.after_first <= d <= window.after_last
        )
        # Per 4 school weeks: the 8-week windows count twice over.
        per_four_before = round(before * 4 / rules.OUTCOME_WEEKS, 2)
        per_four_after = round(after * 4 / rules.OUTCOME_WEEKS, 2)
        befores.append(per_four_before)
        afters.append(per_four_after)
        changes.append(round(per_four_after - per_four_before, 2))
    result.lower = Count(sum(1 for c in changes if c < 0))
    result.same = Count(sum(1 for c in changes if c == 0))
    result.higher = Count(sum(1 for c in changes if c > 0))
    if result.shown:
        result.before_median = rules.median(befores)
        result.before_spread = rules.quartiles(befores)
        result.after_median = rules.median(afters)
        result.after_spread = rules.quartiles(afters)
        result.change_median = rules.median(changes)
    return result


def _observations(locations: Sequence[Location], start: date, end: date) -> list[ObservationGroup]:
    codes = {loc.id: loc.code for loc in locations}
    groups: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for item in desk_reporting.observations_for_report(list(codes), start, end):
        # The topic when there is one (a conversation), else the entry's kind.
        theme = item.topic.value if item.topic is not None else item.kind.value
        location = codes[item.location_id]
        groups[(theme, location)].append(
            Observation(
                day=item.occurred_at.astimezone(LOCAL_TZ).date(),
                location=location,
                zone=item.zone,
                kind=item.kind.value,
                theme=theme,
                note=item.note,
            )
        )
    return [
        ObservationGroup(theme, location, items)
        for (theme, location), items in sorted(groups.items())
    ]


def _comparison(
    locations: Sequence[Location],
    first: datetime,
    last: datetime,
    school_weeks: int,
    students: dict[int, int],
    hours_by_location: dict[int, dict[date, float]],
) -> list[ComparisonRow]:
    ids = [loc.id for loc in locations]
    entries: Counter[int] = Counter()
    tensions: Counter[int] = Counter()
    for location_id, kind, count in db.session.execute(
        select(FloorEntry.location_id, FloorEntry.kind, func.count())
        .where(
            FloorEntry.location_id.in_(ids or [-1]),
            FloorEntry.occurred_at >= first,
            FloorEntry.occurred_at < last,
        )
        .group_by(FloorEntry.location_id, FloorEntry.kind)
    ):
        entries[location_id] += count
        if kind.value == "spanning":
            tensions[location_id] += count

    def per_location(query) -> Counter[int]:  # type: ignore[no-untyped-def]
        return Counter(dict(db.session.execute(query).all()))

    flagged = per_location(
        select(Flag.location_id, func.count(func.distinct(Flag.student_id)))
        .where(Flag.location_id.in_(ids or [-1]), Flag.raised_at >= first, Flag.raised_at < last)
        .group_by(Flag.location_id)
    )
    opened = per_location(
        select(Student.location_id, func.count(Casus.id))
        .join(Student, Student.id == Casus.student_id)
        .where(
            Student.location_id.in_(ids or [-1]), Casus.opened_at >= first, Casus.opened_at < last
        )
        .group_by(Student.location_id)
    )
    calls = per_location(
        select(Student.location_id, func.count(ParentCall.id))
        .join(Student, Student.id == ParentCall.student_id)
        .where(
            Student.location_id.in_(ids or [-1]),
            ParentCall.created_at >= first,
            ParentCall.created_at < last,
        )
        .group_by(Student.location_id)
    )
    visits = per_location(
        select(Student.location_id, func.count(HomeVisit.id))
        .join(Student, Student.id == HomeVisit.student_id)
        .where(
            Student.location_id.in_(ids or [-1]),
            HomeVisit.planned_at >= first,
            HomeVisit.planned_at < last,
        )
        .group_by(Student.location_id)
    )
    return [
        ComparisonRow(
            location=LocationRef(loc.id, loc.code, loc.name),
            students=students.get(loc.id, 0),
            entries=entries.get(loc.id, 0),
            tensions=tensions.get(loc.id, 0),
            flagged=Count(flagged.get(loc.id, 0)),
            cases_opened=Count(opened.get(loc.id, 0)),
            calls=Count(calls.get(loc.id, 0)),
            visits=Count(visits.get(loc.id, 0)),
            unauthorised_hours=round(sum(hours_by_location.get(loc.id, {}).values()), 2),
            school_weeks=school_weeks,
        )
        for loc in locations
    ]


def _pulse_and_climate(
    locations: Sequence[Location], start: date, end: date, calendar: SchoolCalendar, today: date
) -> tuple[list[PulseFigure], list[ClimateFigure]]:
    # Imported here: the pulse capability's services pull in its own labels.
    from app.pulse.rules import MIN_GROUP_SIZE
    from app.pulse.services import climate_trend, pulse_results

    pulse: list[PulseFigure] = []
    climate: list[ClimateFigure] = []
    school_days = calendar.school_days_between(start, end)
    for location in locations:
        for result in pulse_results(location, start, end, today=today):
            pulse.append(
                PulseFigure(
                    location=location.code,
                    starts_on=result.peiling.starts_on,
                    ends_on=result.peiling.ends_on,
                    shown=result.shown,
                    respondents_enough=result.respondents >= MIN_GROUP_SIZE,
                    rows=[
                        PulseStatementRow(statement.short, tally.percent_agreeing, tally.n)
                        for statement, tally in result.rows()
                    ],
                )
            )
        trend = climate_trend(location, start, end, school_weeks=school_days or None)
        total = trend.total
        climate.append(ClimateFigure(location.code, total.rustig, total.wisselend, total.onrustig))
    return pulse, climate


def build_report(
    location_codes: list[str] | None,
    start: date,
    end: date,
    *,
    comparison_codes: list[str] | None = None,
    today: date | None = None,
    calendar: SchoolCalendar | None = None,
) -> Report:
    """The report of the locations with these codes (None: the whole group) for the local days
    ``start`` to ``end`` inclusive.

    ``comparison_codes`` chooses the locations of the side-by-side comparison (default: every
    location for the whole group, else the scope's own). ``today`` decides which outcome
    windows are complete (default: today). Raises :class:`ReportError` (Dutch message) for an
    unknown location or a period that makes no sense.
    """
    try:
        rules.check_period(start, end)
    except rules.PeriodError as error:
        raise ReportError(str(error), field="periode") from None
    today = today or local_today()
    calendar = calendar or load_calendar()
    locations = resolve_locations(location_codes)
    compared = resolve_locations(comparison_codes) if comparison_codes else locations
    ids = [loc.id for loc in locations]
    first, last = _bounds(start, end)
    union = sorted({loc.id for loc in locations} | {loc.id for loc in compared})
    students = _student_counts(union)
    scope_students = sum(students[i] for i in ids)
    hours = _unauthorised_by_week(union, start, end, calendar)
    school_weeks = rules.school_weeks_between(calendar, start, end)
    case_rows = _case_rows(ids, first, last)
    pulse, climate = _pulse_and_climate(locations, start, end, calendar, today)
    report = Report(
        scope=scope_key(locations, location_codes is None),
        locations=[LocationRef(loc.id, loc.code, loc.name) for loc in locations],
        start=start,
        end=end,
        generated_at=utcnow(),
        students=scope_students,
        school_weeks=school_weeks,
        floor=_floor(ids, first, last),
        flags=_flags(ids, first, last),
        cases=_cases(case_rows, first, last),
        calls=_calls(ids, first, last),
        visits=_visits(ids, first, last),
        detention=_detention(ids, start, end),
        absence=_absence(ids, scope_students, start, end, calendar, hours),
        outcome=_outcome(case_rows, first, last, calendar, today),
        observations=_observations(locations, start, end),
        comparison=_comparison(compared, first, last, len(school_weeks), students, hours),
        pulse=pulse,
        climate=climate,
    )
    saved = find_text(report.scope, start, end)
    if saved is not None:
        report.text = saved.body
        report.text_updated_at = saved.updated_at
    return report


# ---------------------------------------------------------------------------------------------
# The qualitative text


def find_text(scope: str, start: date, end: date) -> ReportText | None:
    return db.session.scalar(
        select(ReportText).where(
            ReportText.scope == scope, ReportText.starts_on == start, ReportText.ends_on == end
        )
    )


def save_text(user: User | None, scope: str, start: date, end: date, body: str) -> ReportText:
    """Store the edited qualitative text of a report (add and flush; the caller commits)."""
    body = (body or "").replace("\r\n", "\n").strip()
    if len(body) > REPORT_TEXT_MAX:
        raise ReportError(f"De tekst is te lang: hoogstens {REPORT_TEXT_MAX} tekens.", field="body")
    row = find_text(scope, start, end)
    if row is None:
        row = ReportText(scope=scope, starts_on=start, ends_on=end)
        db.session.add(row)
    row.body = body
    row.updated_by_id = user.id if user is not None else None
    row.updated_at = utcnow()
    db.session.flush()
    return row


def draft_text(report: Report, theme_labels: dict[str, object] | None = None) -> str:
    """A first draft of the qualitative part from the observations, grouped by theme and
    location, for the reader to rewrite (names typed in a floor note must go before export)."""
    labels = theme_labels or {}
    lines: list[str] = []
    for group in report.observations:
        lines.append(f"{labels.get(group.theme, group.theme)} — {group.location}")
        for item in group.items:
            note = item.note.strip() or "(geen notitie)"
            lines.append(f"- {item.day:%d-%m-%Y}, {item.zone}: {note}")
        lines.append("")
    return "\n".join(lines).strip()


# ---------------------------------------------------------------------------------------------
# Audit


def audit_report(user: User | None, report: Report, action: str, detail: str = "") -> None:
    """One audit row per view or export of a report (who, what scope and period, how)."""
    text = f"{report.scope} {report.start.isoformat()}..{report.end.isoformat()}"
    record(user, action, "report", text, detail=detail or text)
