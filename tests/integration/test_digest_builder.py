"""The digest builder on a seeded scenario: one location-day with floor, flag, absence, desk,
quarantine and climate data around it; the expected figures are worked out in the test from the
scenario itself, not read back from the builder.

The helpers here (``at``, ``log``, ``Scenario``, ``build_scenario``) are shared by the other
digest tests (page, e-mail, browser).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select

from app.core.calendar_store import load_calendar
from app.core.vocabulary import CallResult, CaseStatus, Role
from app.desk.calls.services import create_call, log_attempt
from app.desk.cases.services import change_status, open_case
from app.desk.handover.services import HandoverInput, accept_handover, submit_handover
from app.desk.handover.slots import upcoming_moments
from app.desk.inbox.services import toggle_mark
from app.desk.visits.services import plan_visit, record_visit
from app.digest import rules
from app.digest.builder import build_digest
from app.digest.sections.hotspots import quarter_hour_bucket
from app.extensions import db
from app.floor.services import accept_climate_checks, accept_entries
from app.models import (
    AbsenceSignal,
    CallAttempt,
    EntryTriage,
    FloorEntry,
    HandoverSlot,
    Location,
    ParentCall,
    Student,
    User,
)
from tests.absence_helpers import school_calendar
from tests.floor_helpers import entry

LOCAL = ZoneInfo("Europe/Amsterdam")
# A Tuesday two weeks after the autumn holiday (17–25 October 2026 in the demo calendar): the
# last four school weeks are the weeks of 12 October, 26 October, 2 and 9 November.
DAY = date(2026, 11, 10)
WINDOW_FIRST = date(2026, 10, 12)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time on ``day``, as aware UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL).astimezone(UTC)


def log(
    user: User,
    location: Location,
    kind: str,
    when: datetime,
    *,
    zone: str = "aula",
    students: tuple[Student, ...] = (),
    **fields: Any,
) -> FloorEntry | None:
    """Log one floor entry the way the phone does, at ``when`` (the server's clock just after)."""
    item = entry(location, kind, zone=zone, students=[s.leerlingnummer for s in students], **fields)
    item["occurred_at"] = when.isoformat()
    result = accept_entries(user, [item], now=when + timedelta(minutes=1))[0]
    if result.status != "stored":
        return None
    return db.session.scalar(select(FloorEntry).where(FloorEntry.uuid == item["uuid"]))


def quarantine(user: User, payload: dict[str, Any], when: datetime) -> None:
    result = accept_entries(user, [{"uuid": str(uuid.uuid4()), **payload}], now=when)[0]
    assert result.status == "quarantined", result


def slot(when: datetime) -> int | None:
    """The grid slot of a moment, worked out by hand: quarter hours from 08:00 local."""
    local = when.astimezone(LOCAL)
    minutes = local.hour * 60 + local.minute - 8 * 60
    return minutes // 15 if 0 <= minutes < 6 * 60 else None


@dataclass
class Logged:
    kind: str
    when: datetime
    zone: str
    location: str
    fields: dict[str, Any]
    students: tuple[Student, ...] = ()


@dataclass
class Scenario:
    location: Location
    teamleider: User
    staff: User
    students: dict[str, Student]
    logged: list[Logged] = field(default_factory=list)
    case_new: Any = None
    case_changed: Any = None


@contextmanager
def count_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def build_scenario(
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> Scenario:
    """ZS on DAY, with history in the window, noise before it and at other locations."""
    school_calendar()
    zs, hk = locations["ZS"], locations["HK"]
    teamleider = make_user(Role.TEAMLEIDER, ("ZS",), name="Tessa Leider")
    staff = make_user(Role.MEDEWERKER, ("ZS", "HK"), name="Mo Medewerker")
    colleague = make_user(Role.MEDEWERKER, ("ZS",), name="Cas Collega")
    names = {
        "A": ("Anouk", "Visser", "2B"),
        "B": ("Bram", "de Jong", "3C"),
        "C": ("Chris", "Bakker", "1A"),
        "D1": ("Daan", "Smit", "4D"),
        "D2": ("Eva", "Mulder", "2B"),
        "D3": ("Fleur", "Bos", "3C"),
        "D4": ("Gijs", "Vos", "1A"),
        "E": ("Hanna", "Peters", "2A"),
        "F": ("Ilse", "Hendriks", "2A"),
    }
    students = {
        key: make_student("ZS", first_name=first, last_name=last, class_name=cls)
        for key, (first, last, cls) in names.items()
    }
    students["GL"] = make_student("GL", first_name="Jan", last_name="Gelder", class_name="2B")
    students["HK"] = make_student("HK", first_name="Kim", last_name="Hoek", class_name="2B")
    s = Scenario(zs, teamleider, staff, students)

    def floor(
        user: User, location: Location, kind: str, when: datetime, zone: str, **fields: Any
    ) -> FloorEntry:
        picked = fields.pop("students", ())
        stored = log(user, location, kind, when, zone=zone, students=picked, **fields)
        assert stored is not None
        s.logged.append(Logged(kind, when, zone, location.code, fields, picked))
        return stored

    A, B, C = students["A"], students["B"], students["C"]
    # The day itself at ZS.
    floor(staff, zs, "contact", at(DAY, 9, 0), "aula")
    floor(staff, zs, "contact", at(DAY, 9, 5), "aula")
    floor(colleague, zs, "contact", at(DAY, 10, 5), "aula")
    floor(staff, zs, "contact", at(DAY, 12, 20), "kantine")
    floor(staff, zs, "gesprek", at(DAY, 9, 10), "gang", topic="motivatie")
    floor(staff, zs, "gesprek", at(DAY, 9, 12), "gang", topic="gedrag")
    floor(staff, zs, "groep", at(DAY, 10, 2), "schoolplein", head_count=12)
    floor(colleague, zs, "groep", at(DAY, 12, 3), "schoolplein", head_count=8)
    floor(staff, zs, "spanning", at(DAY, 12, 5), "kantine", severity="hoog", students=(A,))
    floor(colleague, zs, "spanning", at(DAY, 12, 10), "kantine", severity="middel")
    floor(staff, zs, "spanning", at(DAY, 9, 30), "gang", severity="laag")
    floor(
        staff,
        zs,
        "deescalatie",
        at(DAY, 12, 15),
        "kantine",
        outcome="doorverwezen",
        students=(A,),
        note="Ruzie bij de kassa, morgen gesprek",
    )
    floor(staff, zs, "deescalatie", at(DAY, 9, 35), "gang", outcome="opgelost")
    floor(staff, zs, "vlag", at(DAY, 10, 10), "aula", flag_type="veiligheid", students=(B,))
    floor(staff, zs, "vlag", at(DAY, 10, 12), "aula", flag_type="zorg", students=(C,))
    marked = floor(
        staff,
        zs,
        "gesprek",
        at(DAY, 9, 40),
        "entree",
        topic="thuissituatie",
        students=(C,),
        note="Wil de teamleider spreken",
    )
    # Early and late: outside the grid (before 08:00, from 14:00).
    floor(staff, zs, "spanning", at(DAY, 7, 50), "fietsenstalling", severity="laag")
    # History inside the window (including the week before the autumn holiday).
    floor(staff, zs, "spanning", at(date(2026, 10, 13), 12, 5), "kantine", severity="middel")
    floor(staff, zs, "deescalatie", at(date(2026, 10, 27), 12, 20), "kantine", outcome="deels")
    floor(staff, zs, "spanning", at(date(2026, 11, 3), 10, 5), "schoolplein", severity="laag")
    floor(staff, zs, "spanning", at(date(2026, 11, 9), 12, 7), "kantine", severity="hoog")
    floor(staff, zs, "contact", at(date(2026, 11, 9), 9, 0), "kantine")
    floor(staff, zs, "contact", at(date(2026, 11, 2), 9, 0), "kantine")
    # Before the window: not counted anywhere.
    floor(staff, zs, "spanning", at(date(2026, 10, 9), 12, 5), "kantine", severity="hoog")
    floor(staff, zs, "contact", at(date(2026, 10, 9), 9, 0), "aula")
    # Another location the same day: not counted at ZS.
    floor(staff, hk, "spanning", at(DAY, 12, 5), "kantine", severity="hoog")
    floor(staff, hk, "contact", at(DAY, 9, 0), "aula")
    floor(
        staff, hk, "vlag", at(DAY, 9, 1), "aula", flag_type="veiligheid", students=(students["HK"],)
    )
    # Tomorrow: not counted.
    floor(staff, zs, "contact", at(DAY + timedelta(days=1), 9, 0), "aula")

    # Marked "voor teamleider" at the desk in the afternoon.
    toggle_mark(staff, marked, "teamleider")
    triage = db.session.scalar(select(EntryTriage).where(EntryTriage.entry_id == marked.id))
    triage.for_teamleider_at = at(DAY, 12, 40)

    # Quarantine: a GL student at a ZS zone counts at ZS; at an HK zone it counts at HK; an
    # unknown zone counts at every location of the sender.
    zone_id = {z.name: z.id for z in zs.zones}["aula"]
    hk_zone = {z.name: z.id for z in hk.zones}["aula"]
    base = {"kind": "contact", "occurred_at": at(DAY, 9, 0).isoformat(), "note": ""}
    quarantine(staff, {**base, "zone_id": zone_id, "students": ["GLX"]}, at(DAY, 9, 1))
    quarantine(staff, {**base, "zone_id": hk_zone, "students": ["GLX"]}, at(DAY, 9, 2))
    quarantine(staff, {**base, "zone_id": 999_999, "students": []}, at(DAY, 9, 3))
    quarantine(staff, {**base, "zone_id": zone_id, "students": ["GLX"]}, at(DAY - timedelta(1), 9))

    # Klimaatcheck at the end of the shift.
    def check(user: User, zone: str, rating: str) -> None:
        zone_ids = {z.name: z.id for z in zs.zones}
        item = {
            "uuid": str(uuid.uuid4()),
            "zone_id": zone_ids[zone],
            "rating": rating,
            "checked_at": at(DAY, 10, 55).isoformat(),
            "day": DAY.isoformat(),
        }
        result = accept_climate_checks(user, [item], now=at(DAY, 10, 56))[0]
        assert result.status == "stored", result

    check(staff, "kantine", "onrustig")
    check(colleague, "kantine", "wisselend")
    check(staff, "aula", "rustig")

    # Absence signals as the absence module stores them.
    def signal(key: str, rule: str, first_seen: datetime, **values: Any) -> None:
        db.session.add(
            AbsenceSignal(
                student_id=students[key].id,
                rule=rule,
                variant="",
                window_start=DAY - timedelta(days=20),
                window_end=DAY,
                triggered_on=first_seen.astimezone(LOCAL).date(),
                evaluated_on=DAY,
                first_seen_at=first_seen,
                active=values.pop("active", True),
                **values,
            )
        )

    signal("D1", "16uur", at(DAY, 8, 0), hours=17.0, due_on=DAY + timedelta(days=5))
    signal("D1", "patroon", at(DAY, 8, 0), count=3)
    signal("D2", "patroon", at(DAY - timedelta(days=20), 8), count=3)
    signal("D3", "frequent_ziek", at(DAY - timedelta(days=1), 9), episodes=3)
    signal("D4", "lrv", at(DAY, 8, 0), active=False)
    signal("GL", "16uur", at(DAY, 8, 0), due_on=DAY + timedelta(days=5))
    signal("E", "16uur", at(DAY + timedelta(days=1), 8), due_on=DAY + timedelta(days=6))
    db.session.flush()

    # Desk: cases, calls, visits, handover.
    earlier = DAY - timedelta(days=7)
    s.case_new = open_case(
        staff,
        C,
        reason="Zorgen thuis",
        status=CaseStatus.SIGNAAL,
        owner=staff,
        teamleider=teamleider,
        today=DAY,
    )
    s.case_new.opened_at = at(DAY, 13, 0)
    s.case_changed = open_case(
        staff,
        students["D1"],
        reason="Verzuim",
        status=CaseStatus.PREVENTIEF,
        owner=staff,
        teamleider=teamleider,
        today=earlier,
    )
    s.case_changed.opened_at = at(earlier, 13, 0)
    for change in s.case_changed.status_changes:
        change.at = at(earlier, 13, 0)
    db.session.flush()
    change = change_status(staff, s.case_changed, CaseStatus.INTENSIEF, "16 uur", today=DAY)
    change.at = at(DAY, 12, 30)
    db.session.add(
        HandoverSlot(
            location_id=zs.id, weekday=3, starts_at=time(13), place="kamer 12", active=True
        )
    )
    db.session.flush()
    moments = upcoming_moments(zs.id, now=at(DAY, 11, 30))
    submit_handover(
        staff,
        s.case_changed,
        HandoverInput(
            criteria=["verzuim_structureel", "complex"],
            summary="s",
            help_questions="h",
            proposed_next_step="p",
            moment=moments[0].value,
            teamleider=teamleider,
        ),
        now=at(DAY, 11, 30),
    )

    def call(student: Student, created: date, due: date, **values: Any) -> ParentCall:
        made = create_call(
            staff, student, due=due, assignee=staff, subject="verzuim", today=created, **values
        )
        made.created_at = at(created, 12, 0)
        return made

    overdue = call(
        students["E"],
        DAY - timedelta(days=5),
        DAY - timedelta(days=3),
        interpreter_needed=True,
        language="Arabisch",
    )
    due_today = call(students["F"], DAY - timedelta(days=1), DAY)
    reached = call(students["D2"], DAY - timedelta(days=1), DAY)
    call(students["D3"], DAY + timedelta(days=1), DAY + timedelta(days=2))  # made later
    db.session.flush()
    log_attempt(staff, due_today, CallResult.GEEN_GEHOOR, "", today=DAY)
    log_attempt(staff, reached, CallResult.GESPROKEN, "Moeder gesproken", today=DAY)
    reached.closed_at = at(DAY, 13, 10)
    for attempt in db.session.scalars(select(CallAttempt)):
        attempt.at = at(DAY, 12, 50)
    assert overdue.id

    visit, _warnings = plan_visit(
        staff,
        students["D2"],
        planned_on=DAY,
        planned_time=time(13),
        staff_one=staff,
        staff_two=colleague,
        companion="",
        mixed_pair=True,
        reason="verzuim",
        today=DAY - timedelta(days=2),
    )
    record_visit(staff, visit, "Goed gesprek", now=at(DAY, 13, 45))
    plan_visit(
        staff,
        students["E"],
        planned_on=DAY + timedelta(days=2),
        planned_time=time(9),
        staff_one=staff,
        staff_two=None,
        companion="",
        mixed_pair=False,
        reason="r",
        today=DAY,
    )
    db.session.commit()
    return s


@pytest.fixture
def scenario(
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> Scenario:
    return build_scenario(locations, make_user, make_student)


def _at_zs_on(s: Scenario, day: date) -> list[Logged]:
    return [x for x in s.logged if x.location == "ZS" and x.when.astimezone(LOCAL).date() == day]


def test_floor_counts_by_kind_zone_severity_and_outcome(scenario: Scenario) -> None:
    digest = build_digest(scenario.location, DAY, now=at(DAY, 14))
    today = _at_zs_on(scenario, DAY)
    kinds = Counter(x.kind for x in today)
    assert digest.floor.totals == {k: kinds[k] for k in rules_kinds()}
    assert digest.floor.group_students == sum(
        x.fields["head_count"] for x in today if x.kind == "groep"
    )
    expected_zones = Counter((x.zone, x.kind) for x in today)
    for row in digest.floor.zones:
        assert row.counts == {k: expected_zones[(row.zone, k)] for k in rules_kinds()}
        assert row.total == sum(row.counts.values())
    assert {row.zone for row in digest.floor.zones} == {x.zone for x in today}
    severities = Counter(x.fields["severity"] for x in today if x.kind == "spanning")
    assert digest.floor.severities == {k: severities[k] for k in ("hoog", "middel", "laag")}
    outcomes = Counter(x.fields["outcome"] for x in today if x.kind == "deescalatie")
    assert digest.floor.outcomes == {k: outcomes[k] for k in ("doorverwezen", "deels", "opgelost")}
    topics = Counter(x.fields["topic"] for x in today if x.kind == "gesprek")
    assert digest.floor.topics == dict(topics)


def rules_kinds() -> tuple[str, ...]:
    return ("contact", "gesprek", "groep", "spanning", "deescalatie", "vlag")


def test_flags_absence_and_action_items(scenario: Scenario) -> None:
    digest = build_digest(scenario.location, DAY, now=at(DAY, 14))
    st = scenario.students
    flags = Counter(x.fields["flag_type"] for x in _at_zs_on(scenario, DAY) if x.kind == "vlag")
    assert {k: v for k, v in digest.flags.by_type.items() if v} == dict(flags)
    assert {(i.flag_type, i.student.id) for i in digest.flags.items} == {
        ("veiligheid", st["B"].id),
        ("zorg", st["C"].id),
    }
    # New: first seen since the start of the previous school day (Monday); D1 has two rules.
    # By class: 3C before 4D; the signal first seen after the day (E) and the inactive one (D4)
    # are left out, and so is the student of another location.
    assert [(i.student.id, set(i.rules)) for i in digest.absence.new] == [
        (st["D3"].id, {"frequent_ziek"}),
        (st["D1"].id, {"16uur", "patroon"}),
    ]
    assert {i.student.id for i in digest.absence.still_active} == {st["D2"].id}
    d1 = next(i for i in digest.absence.new if i.student.id == st["D1"].id)
    assert d1.duo_due == DAY + timedelta(days=5)
    assert d1.student.label == "D.S. · 4D"

    kinds = [a.kind for a in digest.actions]
    assert kinds == [
        "doorverwezen",
        "veiligheid",
        "gemarkeerd",
        "duo",
        "verzuim",
        "verzuim",
        "overdracht",
    ]
    referred = digest.actions[0]
    assert referred.zone == "kantine" and [s.id for s in referred.students] == [st["A"].id]
    assert referred.note == "Ruzie bij de kassa, morgen gesprek"
    assert referred.staff == "Mo Medewerker"
    marked = digest.actions[2]
    assert marked.note == "Wil de teamleider spreken" and marked.detail == "gesprek"
    assert [s.id for s in marked.students] == [st["C"].id]
    handover = digest.actions[-1]
    assert set(handover.details) == {"verzuim_structureel", "complex"}
    assert handover.moment.astimezone(LOCAL) == datetime(2026, 11, 12, 13, tzinfo=LOCAL)


def test_desk_figures(scenario: Scenario) -> None:
    digest = build_digest(scenario.location, DAY, now=at(DAY, 14))
    st = scenario.students
    calls = digest.calls
    assert (calls.done, calls.attempts, calls.open, calls.due_today, calls.overdue) == (
        1,
        2,
        2,
        1,
        1,
    )
    assert calls.interpreter == 1
    assert [(c.student.id, c.days_late, c.interpreter_language) for c in calls.overdue_items] == [
        (st["E"].id, 3, "Arabisch")
    ]
    visits = digest.visits
    assert (visits.done, visits.planned_today, visits.upcoming, visits.unreported) == (1, 0, 1, 0)
    assert [s.id for s in visits.students] == [st["D2"].id]
    assert [(c.case_id, c.status) for c in digest.cases.new] == [(scenario.case_new.id, "signaal")]
    assert [(c.case_id, c.from_status, c.status) for c in digest.cases.changes] == [
        (scenario.case_changed.id, "preventief", "intensief")
    ]
    assert digest.cases.open_by_status == {
        "signaal": 1,
        "preventief": 0,
        "intensief": 1,
        "overgedragen_copa": 0,
    }
    assert [h.case_id for h in digest.handovers.waiting] == [scenario.case_changed.id]
    assert digest.handovers.next_moment.astimezone(LOCAL).date() == date(2026, 11, 12)
    assert digest.handovers.next_place == "kamer 12"
    assert len(digest.marked) == 1
    assert (digest.quarantine.received, digest.quarantine.unresolved) == (2, 2)
    # Students get a case link only through their open case.
    assert digest.students[st["C"].id].case_id == scenario.case_new.id
    assert digest.students[st["B"].id].case_id is None


def test_climate_per_zone_over_four_school_weeks(scenario: Scenario) -> None:
    digest = build_digest(scenario.location, DAY, now=at(DAY, 14))
    assert digest.window == rules.Window(WINDOW_FIRST, DAY, 17)
    in_window = [
        x
        for x in scenario.logged
        if x.location == "ZS" and WINDOW_FIRST <= x.when.astimezone(LOCAL).date() <= DAY
    ]
    positive = Counter(x.zone for x in in_window if x.kind in ("contact", "gesprek", "groep"))
    tensions = Counter(x.zone for x in in_window if x.kind == "spanning")
    by_zone = {z.zone: z for z in digest.climate.zones}
    assert set(by_zone) == set(positive) | set(tensions)
    for zone, figure in ((z, by_zone[z].figure) for z in by_zone):
        assert (figure.positive, figure.tensions) == (positive[zone], tensions[zone])
    kantine = by_zone["kantine"].figure
    assert kantine.ratio == pytest.approx(positive["kantine"] / tensions["kantine"])
    assert kantine.status == "laag"
    assert by_zone["aula"].figure.status == "goed" and by_zone["aula"].figure.ratio is None
    assert by_zone["kantine"].ratings == {"wisselend": 1, "onrustig": 1}
    assert by_zone["aula"].ratings == {"rustig": 1}
    assert digest.climate.overall.positive == sum(positive.values())
    assert digest.climate.overall.tensions == sum(tensions.values())


def test_hotspots_and_presence_plan(scenario: Scenario) -> None:
    digest = build_digest(scenario.location, DAY, now=at(DAY, 14))
    grid = digest.hotspots
    events = [
        x
        for x in scenario.logged
        if x.location == "ZS"
        and x.kind in ("spanning", "deescalatie")
        and WINDOW_FIRST <= x.when.astimezone(LOCAL).date() <= DAY
    ]
    expected: Counter[tuple[str, int, str]] = Counter()
    expected_today: Counter[tuple[str, int, str]] = Counter()
    outside = 0
    for x in events:
        index = slot(x.when)
        if index is None:
            outside += 1
            continue
        expected[(x.zone, index, x.kind)] += 1
        if x.when.astimezone(LOCAL).date() == DAY:
            expected_today[(x.zone, index, x.kind)] += 1
    assert grid.outside.total == outside == 1
    assert [c.name for c in grid.columns] == [
        z.name
        for z in scenario.location.zones
        if z.name in {x.zone for x in events if slot(x.when) is not None}
    ]
    assert len(grid.rows) == 24
    for row in grid.rows:
        for cell in row.cells:
            key = (cell.zone, row.slot.index)
            assert cell.window == rules.Counts(
                expected[(*key, "spanning")], expected[(*key, "deescalatie")]
            )
            assert cell.today == rules.Counts(
                expected_today[(*key, "spanning")], expected_today[(*key, "deescalatie")]
            )
    # 12:00–12:15 at the kantine: today's two tensions and one from each of 13 October and
    # 9 November; the busiest cell of the grid.
    noon = grid.rows[16]
    assert noon.slot.label == "12:00" and noon.break_label == "grote pauze"
    kantine = next(c for c in noon.cells if c.zone == "kantine")
    assert kantine.window == rules.Counts(4, 0) and kantine.today == rules.Counts(2, 0)
    assert kantine.level == rules.HEAT_LEVELS
    assert [r.break_label for r in grid.rows if r.in_break] == [
        "kleine pauze",
        "grote pauze",
        "grote pauze",
    ]

    plan = {p.label: p for p in digest.presence_plan}
    # grote pauze (12:00–12:30): kantine 4 + 1 (de-escalation 12:15 today) + 1 (27 Oct 12:20).
    assert [(z.zone, z.window, z.today) for z in plan["grote pauze"].zones] == [("kantine", 6, 3)]
    # kleine pauze (10:00–10:15): the 3 November tension on the schoolplein.
    assert [(z.zone, z.window, z.today) for z in plan["kleine pauze"].zones] == [
        ("schoolplein", 1, 0)
    ]


def test_days_and_window_around_holidays(scenario: Scenario) -> None:
    digest = build_digest(scenario.location, DAY, now=at(DAY, 14))
    assert digest.info.school_day and not digest.info.calendar_missing
    assert digest.previous_day == date(2026, 11, 9) and digest.next_day == date(2026, 11, 11)
    monday_after = build_digest(scenario.location, date(2026, 10, 26), now=at(DAY, 14))
    assert monday_after.previous_day == date(2026, 10, 16)  # the Friday before the holiday
    holiday = build_digest(scenario.location, date(2026, 10, 21), now=at(DAY, 14))
    assert not holiday.info.school_day and holiday.info.holiday == "Herfstvakantie"
    saturday = build_digest(scenario.location, date(2026, 11, 14), now=at(DAY, 14))
    assert saturday.info.reason == "weekend" and saturday.next_day == date(2026, 11, 16)


def test_an_empty_day_builds_with_zeros(
    locations: dict[str, Location], make_user: Callable[..., User]
) -> None:
    digest = build_digest(locations["GL"], DAY, now=at(DAY, 14))
    assert digest.actions == [] and not any(digest.floor.totals.values())
    assert not digest.hotspots.columns
    assert digest.climate.zones == [] and digest.climate.overall.status == "geen"
    assert digest.info.calendar_missing  # no school year known: weekdays count
    assert [p.zones for p in digest.presence_plan] == [[], []]


def test_a_fixed_number_of_queries_whatever_the_data(
    scenario: Scenario, make_student: Callable[..., Student]
) -> None:
    """No N+1: more entries, students and signals do not add queries."""
    with count_queries() as first:
        build_digest(scenario.location, DAY, now=at(DAY, 14))
    extra = [make_student("ZS", class_name="4A") for _ in range(5)]
    for n, student in enumerate(extra):
        for day in (DAY, DAY - timedelta(days=1), DAY - timedelta(days=14)):
            log(
                scenario.staff,
                scenario.location,
                "spanning",
                at(day, 9 + n, 5),
                zone="gang",
                severity="laag",
                students=(student,),
            )
            log(
                scenario.staff,
                scenario.location,
                "vlag",
                at(day, 9 + n, 6),
                zone="gang",
                flag_type="zorg",
                students=(student,),
            )
            log(
                scenario.staff,
                scenario.location,
                "deescalatie",
                at(day, 9 + n, 7),
                zone="gang",
                outcome="doorverwezen",
                students=(student,),
            )
    db.session.commit()
    with count_queries() as second:
        digest = build_digest(scenario.location, DAY, now=at(DAY, 14))
    assert len(second) == len(first) <= 30
    before = sum(1 for x in _at_zs_on(scenario, DAY) if x.kind == "spanning")
    assert digest.floor.totals["spanning"] == before + 5
    assert sum(1 for a in digest.actions if a.kind == "doorverwezen") == 1 + 5


def test_quarter_hour_buckets_group_in_the_database(scenario: Scenario) -> None:
    """12:05 and 12:10 on the day fall in one bucket (an integer), on SQLite and PostgreSQL."""
    bucket = quarter_hour_bucket(FloorEntry.occurred_at).label("bucket")
    rows = db.session.execute(
        select(bucket, func.count())
        .where(
            FloorEntry.location_id == scenario.location.id,
            FloorEntry.kind == "spanning",
            FloorEntry.occurred_at >= at(DAY, 12, 0),
            FloorEntry.occurred_at < at(DAY, 12, 15),
        )
        .group_by(bucket)
    ).all()
    assert [(int(b), n) for b, n in rows] == [(int(at(DAY, 12, 0).timestamp()) // 900, 2)]
    assert float(rows[0][0]).is_integer()


def test_marks_after_the_email_went_out_reach_the_next_school_day(scenario: Scenario) -> None:
    """Marked "voor teamleider" at 15:30, after the 14:00 e-mail: on that day's page and in the
    next school day's digest; marked before 14:00 the day before: not again."""
    triage = db.session.scalar(select(EntryTriage).where(EntryTriage.for_teamleider.is_(True)))
    zs = scenario.location
    calendar = load_calendar()
    next_day = date(2026, 11, 11)

    triage.for_teamleider_at = at(DAY, 15, 30)
    db.session.flush()
    assert len(build_digest(zs, DAY, calendar=calendar).marked) == 1
    assert len(build_digest(zs, next_day, calendar=calendar).marked) == 1

    triage.for_teamleider_at = at(DAY, 13, 10)
    db.session.flush()
    assert len(build_digest(zs, DAY, calendar=calendar).marked) == 1
    assert build_digest(zs, next_day, calendar=calendar).marked == []

    # Marked on Saturday: in Monday's digest (the previous school day is Friday).
    triage.for_teamleider_at = at(date(2026, 11, 14), 11, 0)
    db.session.flush()
    assert len(build_digest(zs, date(2026, 11, 16), calendar=calendar).marked) == 1


def test_trajectories_due_for_review_are_an_action(scenario: Scenario) -> None:
    """The weekly check: a preventive trajectory whose review date has come is listed for the
    team leader until it is reviewed; one not yet due, or a signal, is not."""
    student = scenario.students["A"]
    case = open_case(
        scenario.staff,
        student,
        reason="zorgen",
        status=CaseStatus.PREVENTIEF,
        owner=scenario.staff,
        teamleider=scenario.teamleider,
        review_date=DAY + timedelta(days=14),
        today=DAY - timedelta(days=30),
    )
    db.session.flush()
    assert [a for a in build_digest(scenario.location, DAY).actions if a.kind == "evaluatie"] == []
    case.review_date = DAY - timedelta(days=2)
    db.session.flush()
    (item,) = [a for a in build_digest(scenario.location, DAY).actions if a.kind == "evaluatie"]
    assert item.due == DAY - timedelta(days=2) and item.case_id == case.id
    assert item.students[0].id == student.id


def test_an_earlier_day_shows_the_handovers_that_were_waiting_then(
    scenario: Scenario, make_user: Callable[..., User]
) -> None:
    """COPA accepts two days later: that day's digest counts the acceptance; the digest of the
    day itself still lists the handover as waiting, as the team leader saw it then."""
    from app.models import Handover

    copa = make_user(Role.COPA, ("ZS",))
    handover = db.session.scalar(select(Handover))
    assert handover is not None
    accept_handover(copa, handover, "")
    later = date(2026, 11, 12)
    handover.decided_at = at(later, 15, 0)
    db.session.flush()
    then = build_digest(scenario.location, DAY, now=at(DAY, 14))
    assert [h.case_id for h in then.handovers.waiting] == [scenario.case_changed.id]
    decided = build_digest(scenario.location, later, now=at(later, 16))
    assert decided.handovers.waiting == [] and decided.handovers.accepted_today == 1
