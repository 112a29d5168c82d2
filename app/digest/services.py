"""The team leader's daily digest of one location and one school day, as plain data.

:func:`build_digest` runs a fixed number of small aggregate queries (GROUP BY per kind, zone,
type, 15-minute bucket …) whatever the amount of data, and returns dataclasses that the page,
the e-mail and a later PDF render. Students appear only as initials and class (``StudentRef``);
no name leaves the builder, so nothing downstream (page, e-mail) can leak one.

Days are local (Europe/Amsterdam) calendar days; times are aware UTC. "School day" and "the last
four school weeks" come from the absence module's school calendar (``load_calendar``).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.access.case_rules import case_access
from app.core import roles
from app.core.calendar_store import load_calendar
from app.core.localtime import LOCAL_TZ, local_day_bounds, local_today
from app.core.schoolcalendar import SchoolCalendar
from app.core.sql import epoch_bucket
from app.core.vocabulary import (
    CallStatus,
    CaseStatus,
    EntryKind,
    FlagType,
    HandoverStatus,
    Outcome,
    VisitStatus,
)
from app.desk import reporting as desk_reporting
from app.desk import rules as desk_rules
from app.desk.common import open_cases_by_student
from app.desk.handover.slots import upcoming_moments
from app.extensions import db
from app.models import (
    AbsenceSignal,
    CallAttempt,
    CaseStatusChange,
    Casus,
    ClimateCheck,
    Flag,
    FloorEntry,
    Handover,
    HomeVisit,
    Location,
    ParentCall,
    QuarantinedEntry,
    Student,
    User,
    Zone,
    user_location,
)
from app.models.desk import split_codes
from app.models.student import initials_for
from app.models.types import utcnow

from . import rules

KIND_ORDER = ("contact", "gesprek", "groep", "spanning", "deescalatie", "vlag")
POSITIVE_KINDS = (EntryKind.CONTACT, EntryKind.GESPREK, EntryKind.GROEP)
HOTSPOT_KINDS = (EntryKind.SPANNING, EntryKind.DEESCALATIE)
SEVERITY_ORDER = ("hoog", "middel", "laag")
OUTCOME_ORDER = ("doorverwezen", "deels", "opgelost")
FLAG_ORDER = ("veiligheid", "zorg", "thuissituatie", "conflict", "verzuimsignaal", "opvolgen")
OPEN_CASE_STATUSES = ("signaal", "preventief", "intensief", "overgedragen_copa")
OVERDUE_CALLS_SHOWN = 10
UPCOMING_VISIT_DAYS = 7
# The UTC bucket the hotspot query groups by. Amsterdam is a whole number of hours off UTC, so
# 15-minute buckets in UTC are 15-minute slots in local time as well.
BUCKET_SECONDS = rules.SLOT_MINUTES * 60


# ---------------------------------------------------------------------------------------------
# The plain data


@dataclass
class StudentRef:
    """A student as the digest shows them: initials and class, never a name."""

    id: int
    initials: str
    class_name: str
    # The student's open case, for a link where the reader may open cases.
    case_id: int | None = None

    @property
    def label(self) -> str:
        return f"{self.initials} · {self.class_name}" if self.class_name else self.initials


@dataclass(frozen=True)
class ActionItem:
    """Something that needs the team leader's action (listed first, in ``labels.ACTION_LABELS``
    order). ``note`` is free text typed by staff and may hold anything: the page shows it, the
    e-mail never does."""

    kind: str  # doorverwezen | veiligheid | gemarkeerd | duo | verzuim | overdracht | evaluatie
    students: list[StudentRef]
    at: datetime | None = None  # when it happened (aware UTC)
    zone: str = ""
    detail: str = ""  # a code the templates translate (entry kind, absence rule …)
    details: tuple[str, ...] = ()  # several codes (absence rules, handover criteria)
    due: date | None = None  # DUO report deadline; review date
    moment: datetime | None = None  # the COPA handover moment (aware UTC)
    place: str = ""
    note: str = ""
    staff: str = ""  # who logged or marked it (staff name)
    case_id: int | None = None


@dataclass
class ZoneRow:
    zone: str
    counts: dict[str, int]
    total: int


@dataclass
class FloorSection:
    totals: dict[str, int]  # kind -> entries
    group_students: int  # students reached in group moments (sum of head counts)
    zones: list[ZoneRow]  # zones with entries today, in zone order
    severities: dict[str, int]
    outcomes: dict[str, int]
    topics: dict[str, int]

    @property
    def entries(self) -> int:
        return sum(self.totals.values())


@dataclass(frozen=True)
class FlagItem:
    flag_type: str
    student: StudentRef
    open: bool


@dataclass
class FlagSection:
    by_type: dict[str, int]
    items: list[FlagItem]

    @property
    def total(self) -> int:
        return sum(self.by_type.values())


@dataclass(frozen=True)
class AbsenceItem:
    student: StudentRef
    rules: tuple[str, ...]
    first_seen_at: datetime
    duo_due: date | None  # an unacknowledged 16-hour signal: report to DUO by this day


@dataclass
class AbsenceSection:
    new: list[AbsenceItem]
    still_active: list[AbsenceItem]


@dataclass(frozen=True)
class CallItem:
    call_id: int
    student: StudentRef
    due: date
    days_late: int
    interpreter_language: str  # "" when no interpreter is needed


@dataclass
class CallSection:
    done: int  # parent reached today (task finished)
    attempts: int  # attempts logged today (reached or not)
    open: int
    due_today: int
    overdue: int
    interpreter: int  # open calls that need an interpreter
    overdue_items: list[CallItem]


@dataclass
class VisitSection:
    done: int  # report recorded today
    planned_today: int  # planned for today, not (yet) reported
    upcoming: int  # planned in the coming week
    unreported: int  # planned before today, still without report
    students: list[StudentRef]  # today's visits (done or planned)


@dataclass(frozen=True)
class CaseItem:
    case_id: int
    student: StudentRef
    status: str
    from_status: str = ""
    at: datetime | None = None


@dataclass
class CaseSection:
    new: list[CaseItem]
    changes: list[CaseItem]
    open_by_status: dict[str, int]


@dataclass(frozen=True)
class HandoverItem:
    handover_id: int
    case_id: int
    student: StudentRef
    moment: datetime
    place: str
    submitted_at: datetime
    criteria: tuple[str, ...]


@dataclass
class HandoverSection:
    waiting: list[HandoverItem]
    next_moment: datetime | None
    next_place: str
    accepted_today: int
    returned_today: int


@dataclass(frozen=True)
class MarkedItem:
    entry_id: int
    kind: str
    at: datetime
    zone: str
    students: list[StudentRef]
    note: str
    staff: str


@dataclass(frozen=True)
class QuarantineFigures:
    received: int
    unresolved: int


@dataclass(frozen=True)
class ZoneClimate:
    zone: str
    figure: rules.ClimateFigure
    ratings: dict[str, int]  # today's klimaatcheck taps per rating


@dataclass
class ClimateSection:
    zones: list[ZoneClimate]
    overall: rules.ClimateFigure
    target: float = rules.CLIMATE_TARGET

    @property
    def below_target(self) -> list[ZoneClimate]:
        return [z for z in self.zones if z.figure.status == "laag"]

    @property
    def rated_today(self) -> bool:
        return any(z.ratings for z in self.zones)


@dataclass
class Digest:
    location_id: int
    location_code: str
    location_name: str
    day: date
    info: rules.DayInfo
    previous_day: date | None
    next_day: date | None
    window: rules.Window
    generated_at: datetime
    actions: list[ActionItem]
    floor: FloorSection
    flags: FlagSection
    absence: AbsenceSection
    calls: CallSection
    visits: VisitSection
    cases: CaseSection
    handovers: HandoverSection
    marked: list[MarkedItem]
    quarantine: QuarantineFigures
    climate: ClimateSection
    hotspots: rules.HotspotGrid
    presence_plan: list[rules.BreakPlan]
    top_hotspots: list[rules.Hotspot]
    students: dict[int, StudentRef] = field(default_factory=dict)

    @property
    def action_students(self) -> list[StudentRef]:
        seen: dict[int, StudentRef] = {}
        for item in self.actions:
            for student in item.students:
                seen.setdefault(student.id, student)
        return list(seen.values())


# ---------------------------------------------------------------------------------------------
# Access


def may_read_digest(user: User, location: Location) -> bool:
    """Team leaders, location management and functional management, of their own locations."""
    return user.role in roles.DIGEST_READERS and location.id in user.location_ids


def can_open_cases(user: User, location_id: int) -> bool:
    """Whether the page may link students to their cases: the desk's access rule for an open
    case of this location (team leaders yes; location management and beheer see no cases)."""
    access = case_access(
        user.role,
        same_location=location_id in user.location_ids,
        handover_visible=False,
        status=CaseStatus.SIGNAAL,
    )
    return access.view


def find_location(code: str) -> Location | None:
    """A location by its code, case-blind (``wind`` finds ``Wind``)."""
    return db.session.scalar(
        select(Location).where(func.lower(Location.code) == code.strip().lower())
    )


# ---------------------------------------------------------------------------------------------
# Helpers


class _Students:
    """One StudentRef per student, shared by every section (so case links are set once)."""

    def __init__(self) -> None:
        self.refs: dict[int, StudentRef] = {}

    def ref(self, student_id: int, first_name: str, last_name: str, class_name: str) -> StudentRef:
        existing = self.refs.get(student_id)
        if existing is None:
            existing = StudentRef(student_id, initials_for(first_name, last_name), class_name)
            self.refs[student_id] = existing
        return existing

    def of(self, student: Student) -> StudentRef:
        return self.ref(student.id, student.first_name, student.last_name, student.class_name)


STUDENT_COLUMNS = (Student.id, Student.first_name, Student.last_name, Student.class_name)


def _value(enum_or_str: Any) -> str:
    return "" if enum_or_str is None else str(getattr(enum_or_str, "value", enum_or_str))


def _quarter_hour_bucket(column: Any) -> Any:
    """The UTC 15-minute bucket of a timestamp column (seconds since 1970 // 900), in SQL."""
    return epoch_bucket(column, BUCKET_SECONDS)


def _between(column: Any, start: datetime, end: datetime) -> Any:
    return and_(column >= start, column < end)


def _ordered(counts: dict[str, int], order: Iterable[str]) -> dict[str, int]:
    return {key: counts.get(key, 0) for key in order}


# ---------------------------------------------------------------------------------------------
# The builder


def build_digest(
    location: Location,
    day: date,
    *,
    calendar: SchoolCalendar | None = None,
    now: datetime | None = None,
) -> Digest:
    """The digest of ``location`` for the local ``day``. Read-only: adds nothing to the session.

    ``calendar`` can be passed when building several digests in one go (the e-mail command);
    ``now`` fixes "now" for the next handover moment (tests)."""
    calendar = calendar if calendar is not None else load_calendar()
    now = now or utcnow()
    start, end = local_day_bounds(day)
    window = rules.window_for(calendar, day)
    window_start, _ = local_day_bounds(window.first)
    zones = sorted(location.zones, key=lambda z: (z.position, z.id))
    zone_names = {z.id: z.name for z in zones}
    breaks = [rules.Break(b.label, b.starts_at, b.ends_at) for b in location.break_times]
    students = _Students()
    previous = rules.previous_school_day(calendar, day)

    floor = _floor_section(location.id, start, end, zones)
    referred = _referred_entries(location.id, start, end, students)
    flags = _flag_section(location.id, start, end, students)
    absence = _absence_section(location.id, day, previous, end, students)
    calls = _call_section(location.id, day, start, end, students)
    visits = _visit_section(location.id, start, end, students)
    cases = _case_section(location.id, start, end, students)
    handovers = _handover_section(location.id, start, end, min(now, end), students)
    marked = _marked_items(location, day, previous, students)
    quarantine = _quarantine_figures(location.id, start, end, set(zone_names))
    climate = _climate_section(location.id, day, window_start, end, zones)
    grid = _hotspot_grid(location.id, day, window_start, end, zones, breaks)

    open_cases = open_cases_by_student(students.refs)
    for student_id, ref in students.refs.items():
        case_row = open_cases.get(student_id)
        ref.case_id = case_row.id if case_row is not None else None

    reviews = _reviews_due(location.id, day, students)
    actions = _actions(referred, flags, marked, absence, handovers, reviews)
    return Digest(
        location_id=location.id,
        location_code=location.code,
        location_name=location.name,
        day=day,
        info=rules.day_info(calendar, day),
        previous_day=previous,
        next_day=rules.next_school_day(calendar, day),
        window=window,
        generated_at=now,
        actions=actions,
        floor=floor,
        flags=flags,
        absence=absence,
        calls=calls,
        visits=visits,
        cases=cases,
        handovers=handovers,
        marked=marked,
        quarantine=quarantine,
        climate=climate,
        hotspots=grid,
        presence_plan=rules.presence_plan(grid, breaks),
        top_hotspots=rules.top_hotspots(grid),
        students=students.refs,
    )


def _actions(
    referred: list[ActionItem],
    flags: FlagSection,
    marked: list[MarkedItem],
    absence: AbsenceSection,
    handovers: HandoverSection,
    reviews: list[ActionItem],
) -> list[ActionItem]:
    """What needs the team leader: referred to them today, safety flags, entries marked for
    them, DUO reports due, new absence signals, handovers waiting for the COPA moment, and
    trajectories whose review date has come."""
    actions = list(referred)
    actions += [
        ActionItem("veiligheid", [item.student], detail=item.flag_type)
        for item in flags.items
        if item.flag_type == FlagType.VEILIGHEID.value
    ]
    actions += [
        ActionItem(
            "gemarkeerd",
            m.students,
            at=m.at,
            zone=m.zone,
            detail=m.kind,
            note=m.note,
            staff=m.staff,
        )
        for m in marked
    ]
    duo = sorted(
        (item for item in (*absence.new, *absence.still_active) if item.duo_due is not None),
        key=lambda item: (item.duo_due, item.student.class_name, item.student.initials),
    )
    actions += [ActionItem("duo", [item.student], due=item.duo_due) for item in duo]
    actions += [
        ActionItem("verzuim", [item.student], at=item.first_seen_at, details=item.rules)
        for item in absence.new
    ]
    actions += [
        ActionItem(
            "overdracht",
            [item.student],
            at=item.submitted_at,
            moment=item.moment,
            place=item.place,
            details=item.criteria,
            case_id=item.case_id,
        )
        for item in handovers.waiting
    ]
    return actions + reviews


def _reviews_due(location_id: int, day: date, students: _Students) -> list[ActionItem]:
    """Preventive and intensive trajectories of the location whose review date is this day or
    has passed, oldest first: the weekly check, so that no trajectory drifts."""
    rows = db.session.execute(
        select(Casus.id, Casus.review_date, *STUDENT_COLUMNS)
        .join(Student, Student.id == Casus.student_id)
        .where(
            Student.location_id == location_id,
            Casus.status.in_(list(desk_rules.TRAJECTORY_STATUSES)),
            Casus.review_date.is_not(None),
            Casus.review_date <= day,
        )
        .order_by(Casus.review_date, Casus.id)
    ).all()
    return [
        ActionItem("evaluatie", [students.ref(sid, first, last, cls)], due=review, case_id=case_id)
        for case_id, review, sid, first, last, cls in rows
    ]


def _floor_section(
    location_id: int, start: datetime, end: datetime, zones: list[Zone]
) -> FloorSection:
    rows = db.session.execute(
        select(
            FloorEntry.kind,
            FloorEntry.zone_id,
            FloorEntry.severity,
            FloorEntry.outcome,
            FloorEntry.topic,
            func.count(),
            func.coalesce(func.sum(FloorEntry.head_count), 0),
        )
        .where(FloorEntry.location_id == location_id, _between(FloorEntry.occurred_at, start, end))
        .group_by(
            FloorEntry.kind,
            FloorEntry.zone_id,
            FloorEntry.severity,
            FloorEntry.outcome,
            FloorEntry.topic,
        )
    ).all()
    totals: Counter[str] = Counter()
    by_zone: dict[int, Counter[str]] = defaultdict(Counter)
    severities: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    group_students = 0
    for kind, zone_id, severity, outcome, topic, count, heads in rows:
        kind = _value(kind)
        totals[kind] += count
        by_zone[zone_id][kind] += count
        if kind == "spanning" and severity is not None:
            severities[_value(severity)] += count
        if kind == "deescalatie" and outcome is not None:
            outcomes[_value(outcome)] += count
        if kind == "gesprek" and topic is not None:
            topics[_value(topic)] += count
        if kind == "groep":
            group_students += int(heads or 0)
    zone_rows = [
        ZoneRow(z.name, _ordered(by_zone[z.id], KIND_ORDER), sum(by_zone[z.id].values()))
        for z in zones
        if by_zone.get(z.id)
    ]
    return FloorSection(
        totals=_ordered(totals, KIND_ORDER),
        group_students=group_students,
        zones=zone_rows,
        severities=_ordered(severities, SEVERITY_ORDER),
        outcomes=_ordered(outcomes, OUTCOME_ORDER),
        topics={key: count for key, count in topics.most_common()},
    )


def _referred_entries(
    location_id: int, start: datetime, end: datetime, students: _Students
) -> list[ActionItem]:
    """De-escalations of the day whose outcome was "doorverwezen naar teamleider"."""
    entries = db.session.scalars(
        select(FloorEntry)
        .where(
            FloorEntry.location_id == location_id,
            FloorEntry.kind == EntryKind.DEESCALATIE,
            FloorEntry.outcome == Outcome.DOORVERWEZEN,
            _between(FloorEntry.occurred_at, start, end),
        )
        .options(
            selectinload(FloorEntry.students),
            joinedload(FloorEntry.zone),
            joinedload(FloorEntry.staff),
        )
        .order_by(FloorEntry.occurred_at, FloorEntry.id)
    ).all()
    return [
        ActionItem(
            "doorverwezen",
            [students.of(s) for s in entry.students],
            at=entry.occurred_at,
            zone=entry.zone.name,
            detail="deescalatie",
            note=entry.note,
            staff=entry.staff.name,
        )
        for entry in entries
    ]


def _flag_section(
    location_id: int, start: datetime, end: datetime, students: _Students
) -> FlagSection:
    rows = db.session.execute(
        select(Flag.flag_type, Flag.status, *STUDENT_COLUMNS)
        .join(Student, Student.id == Flag.student_id)
        .where(Flag.location_id == location_id, _between(Flag.raised_at, start, end))
        .order_by(Flag.raised_at, Flag.id)
    ).all()
    by_type: Counter[str] = Counter()
    items: list[FlagItem] = []
    for flag_type, status, student_id, first, last, class_name in rows:
        by_type[_value(flag_type)] += 1
        items.append(
            FlagItem(
                _value(flag_type),
                students.ref(student_id, first, last, class_name),
                _value(status) == "open",
            )
        )
    order = {code: i for i, code in enumerate(FLAG_ORDER)}
    items.sort(key=lambda item: order.get(item.flag_type, len(order)))
    return FlagSection(by_type=_ordered(by_type, FLAG_ORDER), items=items)


def _absence_section(
    location_id: int, day: date, previous: date | None, end: datetime, students: _Students
) -> AbsenceSection:
    """Active signals of the location's students. New: first seen since the start of the
    previous school day (the absence list's own "nieuw"), so a signal found after one digest
    went out is still new in the next."""
    new_since, _ = local_day_bounds(previous or day)
    rows = db.session.execute(
        select(
            AbsenceSignal.rule,
            AbsenceSignal.first_seen_at,
            AbsenceSignal.due_on,
            AbsenceSignal.acknowledged_at,
            *STUDENT_COLUMNS,
        )
        .join(Student, Student.id == AbsenceSignal.student_id)
        .where(
            Student.location_id == location_id,
            Student.active.is_(True),
            AbsenceSignal.active.is_(True),
            AbsenceSignal.first_seen_at < end,
        )
        .order_by(Student.class_name, AbsenceSignal.first_seen_at, AbsenceSignal.id)
    ).all()
    per_student: dict[int, dict[str, Any]] = {}
    for rule, first_seen, due_on, acknowledged_at, student_id, first, last, class_name in rows:
        item = per_student.setdefault(
            student_id,
            {
                "student": students.ref(student_id, first, last, class_name),
                "rules": [],
                "first_seen": first_seen,
                "new": False,
                "duo_due": None,
            },
        )
        if rule not in item["rules"]:
            item["rules"].append(rule)
        item["first_seen"] = min(item["first_seen"], first_seen)
        if first_seen >= new_since:
            item["new"] = True
        if rule == "16uur" and due_on is not None and acknowledged_at is None:
            current = item["duo_due"]
            item["duo_due"] = due_on if current is None else min(current, due_on)
    new: list[AbsenceItem] = []
    still: list[AbsenceItem] = []
    for item in per_student.values():
        entry = AbsenceItem(
            item["student"], tuple(item["rules"]), item["first_seen"], item["duo_due"]
        )
        (new if item["new"] else still).append(entry)
    return AbsenceSection(new=new, still_active=still)


def _call_section(
    location_id: int, day: date, start: datetime, end: datetime, students: _Students
) -> CallSection:
    is_open = ParentCall.status == CallStatus.OPEN

    def count_when(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    attempts = (
        select(func.count(CallAttempt.id))
        .join(ParentCall, ParentCall.id == CallAttempt.call_id)
        .join(Student, Student.id == ParentCall.student_id)
        .where(Student.location_id == location_id, _between(CallAttempt.at, start, end))
        .scalar_subquery()
    )
    figures = db.session.execute(
        select(
            count_when(
                and_(
                    ParentCall.status == CallStatus.AFGEROND,
                    _between(ParentCall.closed_at, start, end),
                )
            ),
            count_when(is_open),
            count_when(and_(is_open, ParentCall.due == day)),
            count_when(and_(is_open, ParentCall.due < day)),
            count_when(and_(is_open, ParentCall.interpreter_needed.is_(True))),
            attempts,
        )
        .select_from(ParentCall)
        .join(Student, Student.id == ParentCall.student_id)
        .where(Student.location_id == location_id, ParentCall.created_at < end)
    ).one()
    overdue_rows = db.session.execute(
        select(
            ParentCall.id,
            ParentCall.due,
            ParentCall.interpreter_needed,
            ParentCall.language,
            *STUDENT_COLUMNS,
        )
        .join(Student, Student.id == ParentCall.student_id)
        .where(Student.location_id == location_id, is_open, ParentCall.due < day)
        .order_by(ParentCall.due, ParentCall.id)
        .limit(OVERDUE_CALLS_SHOWN)
    ).all()
    done, open_, due_today, overdue, interpreter, attempt_count = (int(v or 0) for v in figures)
    return CallSection(
        done=done,
        attempts=attempt_count,
        open=open_,
        due_today=due_today,
        overdue=overdue,
        interpreter=interpreter,
        overdue_items=[
            CallItem(
                call_id,
                students.ref(sid, first, last, cls),
                due,
                rules.overdue_days(due, day),
                (language or "?") if interpreter else "",
            )
            for call_id, due, interpreter, language, sid, first, last, cls in overdue_rows
        ],
    )


def _visit_section(
    location_id: int, start: datetime, end: datetime, students: _Students
) -> VisitSection:
    planned = HomeVisit.status == VisitStatus.GEPLAND
    done_today = and_(
        HomeVisit.status == VisitStatus.GEDAAN, _between(HomeVisit.done_at, start, end)
    )
    planned_today = and_(planned, _between(HomeVisit.planned_at, start, end))
    week_end = end + timedelta(days=UPCOMING_VISIT_DAYS)
    rows = db.session.execute(
        select(
            case((done_today, "done"), (planned_today, "today"), else_="other"),
            HomeVisit.planned_at,
            HomeVisit.status,
            *STUDENT_COLUMNS,
        )
        .join(Student, Student.id == HomeVisit.student_id)
        .where(
            Student.location_id == location_id,
            or_(done_today, and_(planned, HomeVisit.planned_at < week_end)),
        )
        .order_by(HomeVisit.planned_at, HomeVisit.id)
    ).all()
    done = today = upcoming = unreported = 0
    shown: list[StudentRef] = []
    for which, planned_at, _status, student_id, first, last, class_name in rows:
        if which in ("done", "today"):
            if which == "done":
                done += 1
            else:
                today += 1
            shown.append(students.ref(student_id, first, last, class_name))
        elif planned_at >= end:
            upcoming += 1
        elif planned_at < start:
            unreported += 1
    return VisitSection(
        done=done, planned_today=today, upcoming=upcoming, unreported=unreported, students=shown
    )


def _case_section(
    location_id: int, start: datetime, end: datetime, students: _Students
) -> CaseSection:
    new_rows = db.session.execute(
        select(Casus.id, Casus.status, *STUDENT_COLUMNS)
        .join(Student, Student.id == Casus.student_id)
        .where(Student.location_id == location_id, _between(Casus.opened_at, start, end))
        .order_by(Casus.opened_at, Casus.id)
    ).all()
    change_rows = db.session.execute(
        select(
            CaseStatusChange.case_id,
            CaseStatusChange.from_status,
            CaseStatusChange.to_status,
            CaseStatusChange.at,
            *STUDENT_COLUMNS,
        )
        .join(Casus, Casus.id == CaseStatusChange.case_id)
        .join(Student, Student.id == Casus.student_id)
        .where(
            Student.location_id == location_id,
            CaseStatusChange.from_status.is_not(None),
            _between(CaseStatusChange.at, start, end),
        )
        .order_by(CaseStatusChange.at, CaseStatusChange.id)
    ).all()
    counts = desk_reporting.case_counts_by_status([location_id])
    return CaseSection(
        new=[
            CaseItem(case_id, students.ref(sid, first, last, cls), _value(status))
            for case_id, status, sid, first, last, cls in new_rows
        ],
        changes=[
            CaseItem(case_id, students.ref(sid, first, last, cls), _value(to), _value(from_), at)
            for case_id, from_, to, at, sid, first, last, cls in change_rows
        ],
        open_by_status={code: counts.get(CaseStatus(code), 0) for code in OPEN_CASE_STATUSES},
    )


def _handover_section(
    location_id: int, start: datetime, end: datetime, reference: datetime, students: _Students
) -> HandoverSection:
    """Handovers waiting for the weekly COPA moment at the end of the day (submitted, not yet
    decided then), and how many COPA decided that day."""
    rows = db.session.execute(
        select(
            Handover.id,
            Handover.case_id,
            Handover.status,
            Handover.moment_at,
            Handover.place,
            Handover.submitted_at,
            Handover.decided_at,
            Handover.criteria,
            *STUDENT_COLUMNS,
        )
        .join(Casus, Casus.id == Handover.case_id)
        .join(Student, Student.id == Casus.student_id)
        .where(
            Student.location_id == location_id,
            or_(
                # Waiting at the end of the day, as it was then: an earlier day's digest still
                # shows a handover that COPA has decided on since.
                and_(
                    Handover.submitted_at < end,
                    or_(Handover.decided_at.is_(None), Handover.decided_at >= end),
                ),
                _between(Handover.decided_at, start, end),
            ),
        )
        .order_by(Handover.moment_at, Handover.id)
    ).all()
    waiting: list[HandoverItem] = []
    accepted = returned = 0
    for (
        handover_id,
        case_id,
        status,
        moment_at,
        place,
        submitted_at,
        decided_at,
        criteria,
        sid,
        first,
        last,
        cls,
    ) in rows:
        status = _value(status)
        if submitted_at < end and (decided_at is None or decided_at >= end):
            waiting.append(
                HandoverItem(
                    handover_id,
                    case_id,
                    students.ref(sid, first, last, cls),
                    moment_at,
                    place,
                    submitted_at,
                    tuple(split_codes(criteria)),
                )
            )
        elif decided_at is not None and start <= decided_at < end:
            if status == HandoverStatus.GEACCEPTEERD.value:
                accepted += 1
            elif status == HandoverStatus.TERUGGEGEVEN.value:
                returned += 1
    moments = upcoming_moments(location_id, now=reference, weeks=1)
    return HandoverSection(
        waiting=waiting,
        next_moment=moments[0].at if moments else None,
        next_place=moments[0].place if moments else "",
        accepted_today=accepted,
        returned_today=returned,
    )


def _marked_items(
    location: Location, day: date, previous: date | None, students: _Students
) -> list[MarkedItem]:
    """Entries staff marked "voor teamleider" since the previous school day's 14:00 e-mail, up
    to the end of this day (the desk's query). What is marked after the e-mail went out, or on
    a day without school, is in the next school day's digest too, so it is never missed."""
    since = None
    if previous is not None:
        since = datetime.combine(previous, rules.DAY_END, tzinfo=LOCAL_TZ).astimezone(UTC)
    return [
        MarkedItem(
            entry_id=m.entry.id,
            kind=_value(m.entry.kind),
            at=m.entry.occurred_at,
            zone=m.entry.zone.name,
            students=[students.of(s) for s in m.students],
            note=m.note,
            staff=m.entry.staff.name,
        )
        for m in desk_reporting.entries_marked_for_teamleider(location, day, since=since)
    ]


def _payload_zone_id(payload: str) -> int | None:
    """The zone a quarantined payload names, when it names one (climate taps are wrapped)."""
    try:
        data = json.loads(payload)
    except (TypeError, ValueError):
        return None
    if isinstance(data, dict) and isinstance(data.get("climate"), dict):
        data = data["climate"]
    if not isinstance(data, dict):
        return None
    value = data.get("zone_id")
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _quarantine_figures(
    location_id: int, start: datetime, end: datetime, own_zone_ids: set[int]
) -> QuarantineFigures:
    """Sync entries quarantined today, sent by staff of this location. A quarantined entry has
    no location of its own: one that names a zone of another location counts there, not here;
    one without a usable zone counts for each of its sender's locations."""
    rows = db.session.execute(
        select(QuarantinedEntry.payload, QuarantinedEntry.resolved_at)
        .join(user_location, user_location.c.user_id == QuarantinedEntry.staff_id)
        .where(
            user_location.c.location_id == location_id,
            _between(QuarantinedEntry.received_at, start, end),
        )
    ).all()
    zone_of = [(_payload_zone_id(payload), resolved_at) for payload, resolved_at in rows]
    foreign = {z for z, _ in zone_of if z is not None and z not in own_zone_ids}
    if foreign:
        existing = set(db.session.scalars(select(Zone.id).where(Zone.id.in_(foreign))))
        foreign &= existing
    counted = [resolved for zone_id, resolved in zone_of if zone_id not in foreign]
    return QuarantineFigures(
        received=len(counted), unresolved=sum(1 for resolved in counted if resolved is None)
    )


def _climate_section(
    location_id: int, day: date, window_start: datetime, end: datetime, zones: list[Zone]
) -> ClimateSection:
    rows = db.session.execute(
        select(FloorEntry.zone_id, FloorEntry.kind, func.count())
        .where(
            FloorEntry.location_id == location_id,
            FloorEntry.kind.in_([*POSITIVE_KINDS, EntryKind.SPANNING]),
            _between(FloorEntry.occurred_at, window_start, end),
        )
        .group_by(FloorEntry.zone_id, FloorEntry.kind)
    ).all()
    positive: Counter[int] = Counter()
    tensions: Counter[int] = Counter()
    for zone_id, kind, count in rows:
        if _value(kind) == "spanning":
            tensions[zone_id] += count
        else:
            positive[zone_id] += count
    ratings: dict[int, Counter[str]] = defaultdict(Counter)
    for zone_id, rating, count in db.session.execute(
        select(ClimateCheck.zone_id, ClimateCheck.rating, func.count())
        .where(ClimateCheck.location_id == location_id, ClimateCheck.day == day)
        .group_by(ClimateCheck.zone_id, ClimateCheck.rating)
    ).all():
        ratings[zone_id][_value(rating)] += count
    figures = [
        ZoneClimate(
            z.name,
            rules.climate_figure(positive[z.id], tensions[z.id]),
            {r: ratings[z.id][r] for r in ("rustig", "wisselend", "onrustig") if ratings[z.id][r]},
        )
        for z in zones
        if positive[z.id] or tensions[z.id] or ratings.get(z.id)
    ]
    return ClimateSection(
        zones=figures,
        overall=rules.climate_figure(sum(positive.values()), sum(tensions.values())),
    )


def _hotspot_grid(
    location_id: int,
    day: date,
    window_start: datetime,
    end: datetime,
    zones: list[Zone],
    breaks: list[rules.Break],
) -> rules.HotspotGrid:
    bucket = _quarter_hour_bucket(FloorEntry.occurred_at).label("bucket")
    rows = db.session.execute(
        select(FloorEntry.zone_id, FloorEntry.kind, bucket, func.count())
        .where(
            FloorEntry.location_id == location_id,
            FloorEntry.kind.in_(HOTSPOT_KINDS),
            _between(FloorEntry.occurred_at, window_start, end),
        )
        .group_by(FloorEntry.zone_id, FloorEntry.kind, bucket)
    ).all()
    window: dict[tuple[int, int], rules.Counts] = defaultdict(rules.Counts)
    today: dict[tuple[int, int], rules.Counts] = defaultdict(rules.Counts)
    outside = rules.NO_COUNTS
    for zone_id, kind, bucket_value, count in rows:
        moment = datetime.fromtimestamp(int(bucket_value) * BUCKET_SECONDS, UTC).astimezone(
            LOCAL_TZ
        )
        local_day, slot = rules.local_slot_and_day(moment)
        counts = (
            rules.Counts(tensions=count)
            if _value(kind) == "spanning"
            else rules.Counts(deescalations=count)
        )
        if slot is None:
            outside = outside + counts
            continue
        window[(zone_id, slot)] = window[(zone_id, slot)] + counts
        if local_day == day:
            today[(zone_id, slot)] = today[(zone_id, slot)] + counts
    return rules.build_grid(
        [(z.id, z.name) for z in zones], dict(window), dict(today), breaks, outside=outside
    )


# ---------------------------------------------------------------------------------------------
# Days and locations for the page


def default_day(calendar: SchoolCalendar | None = None, today: date | None = None) -> date:
    """Today when it is a school day, else the last school day before it."""
    calendar = calendar if calendar is not None else load_calendar()
    return rules.school_day_on_or_before(calendar, today or local_today())


def audit_digest(
    user: User | None,
    digest: Digest,
    *,
    action: str = "view",
    detail: str = "",
    student_ids: Iterable[int] | None = None,
    address: str | None = None,
) -> None:
    """One audit event for the digest, and one per student it shows (so a student's audit
    trail names who saw them in a digest). ``student_ids`` limits the students (the e-mail
    shows fewer than the page)."""
    from app.audit import record_many

    object_id = f"{digest.location_code}/{digest.day.isoformat()}"
    shown = digest.students if student_ids is None else student_ids
    events = [(object_id, None), *((object_id, student_id) for student_id in shown)]
    record_many(user, action, "digest", events, detail=detail, address=address)
