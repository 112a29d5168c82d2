"""The digest tests' scenario: one location-day (ZS on ``DAY``) with floor, flag, absence, desk,
quarantine and climate data around it, shared by the builder, page, e-mail and browser tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.core.vocabulary import CallResult, CaseStatus, Role
from app.desk.calls.services import create_call, log_attempt
from app.desk.cases.services import change_status, open_case
from app.desk.handover.services import HandoverInput, submit_handover
from app.desk.handover.slots import upcoming_moments
from app.desk.inbox.services import set_mark
from app.desk.visits.services import plan_visit, record_visit
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
    set_mark(staff, marked, "teamleider")
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


@pytest.fixture(name="scenario")
def scenario_fixture(
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> Scenario:
    """The scenario as the fixture ``scenario`` (the digest's and the browser tests' conftest
    make it available)."""
    return build_scenario(locations, make_user, make_student)
