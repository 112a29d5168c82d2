"""A school-year world for the report tests, built through the app's own services.

Everything the world contains is also kept as a plain *spec* (lists of tuples), so the tests
compute what each figure should be from the spec — independently of the report's queries.
Times the services stamp with "now" (case openings, status changes, parent calls) are set back
to the dates of the spec afterwards: that is the only thing written around the services.

Absence: the synthetic generator (app/demo/synthetic_absence.py) over school year 2026-2027 up to
26 February 2027, imported through the real importer (which also evaluates the signals).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from app.absence.importer import import_absence
from app.core.calendar_store import load_calendar
from app.core.localtime import LOCAL_TZ
from app.core.vocabulary import CallResult, CaseStatus, Role
from app.demo.synthetic_absence import SyntheticRow, generate, magister_csv
from app.desk.calls.services import create_call, log_attempt
from app.desk.cases.services import change_status, open_case
from app.desk.detention.services import add_to_session, create_session, record_talk
from app.desk.handover.services import HandoverInput, accept_handover, submit_handover
from app.desk.handover.slots import add_slot, upcoming_moments
from app.desk.inbox.services import set_mark
from app.desk.visits.services import cancel_visit, plan_visit, record_visit
from app.extensions import db
from app.floor.services import accept_climate_checks, accept_entries
from app.models import (
    CallAttempt,
    CaseStatusChange,
    Casus,
    FloorEntry,
    HandoverSlot,
    Location,
    ParentCall,
    Student,
    User,
)
from tests import absence_helpers, pulse_helpers

PERIOD = (date(2026, 11, 1), date(2026, 11, 30))
TODAY = date(2027, 3, 1)
ABSENCE_FIRST = date(2026, 8, 24)
ABSENCE_LAST = date(2027, 2, 26)
ZONES = ("aula", "gang", "kantine", "schoolplein")
KINDS = ("contact", "contact", "gesprek", "groep", "spanning", "deescalatie", "vlag", "contact")
TOPICS = ("motivatie", "schoolbinding", "thuissituatie", "gedrag", "welbevinden")
FLAG_TYPES = ("zorg", "verzuimsignaal", "conflict", "veiligheid")
STUDENTS = {"ZS": 20, "GL": 12}


def random_kind_fields(
    rng: random.Random, kind: str, head_counts: tuple[int, int] = (1, 30)
) -> dict[str, Any]:
    """The field a floor entry of ``kind`` carries (topic, head count, severity, outcome or
    flag type), drawn at random; none for a contact."""
    if kind == "gesprek":
        return {"topic": rng.choice(TOPICS)}
    if kind == "groep":
        return {"head_count": rng.randint(*head_counts)}
    if kind == "spanning":
        return {"severity": rng.choice(("laag", "middel", "hoog"))}
    if kind == "deescalatie":
        return {"outcome": rng.choice(("opgelost", "deels", "doorverwezen"))}
    if kind == "vlag":
        return {"flag_type": rng.choice(FLAG_TYPES)}
    return {}


# Case timelines: (key, location, student index, [(local day, status), …]); the first step
# opens the case.
CASES: list[tuple[str, str, int, list[tuple[date, str]]]] = [
    (
        "c1",
        "ZS",
        0,
        [
            (date(2026, 11, 3), "signaal"),
            (date(2026, 11, 10), "preventief"),
            (date(2026, 11, 24), "afgesloten"),
        ],
    ),
    ("c2", "ZS", 1, [(date(2026, 11, 4), "preventief"), (date(2026, 11, 18), "intensief")]),
    (
        "c3",
        "ZS",
        2,
        [
            (date(2026, 11, 5), "signaal"),
            (date(2026, 11, 12), "intensief"),
            (date(2026, 11, 26), "afgesloten"),
        ],
    ),
    ("c4", "ZS", 3, [(date(2026, 11, 9), "signaal"), (date(2026, 11, 16), "preventief")]),
    ("c5", "ZS", 4, [(date(2026, 11, 11), "signaal"), (date(2026, 11, 13), "preventief")]),
    ("c6", "ZS", 5, [(date(2026, 11, 12), "intensief"), (date(2026, 11, 20), "overgedragen_copa")]),
    (
        "c7",
        "ZS",
        6,
        [
            (date(2026, 10, 5), "signaal"),
            (date(2026, 11, 2), "preventief"),
            (date(2026, 11, 23), "intensief"),
        ],
    ),
    ("c8", "ZS", 7, [(date(2026, 9, 14), "signaal"), (date(2026, 10, 1), "afgesloten")]),
    ("c9", "ZS", 8, [(date(2026, 12, 2), "signaal")]),
    ("c10", "GL", 0, [(date(2026, 11, 6), "signaal")]),
]
# Students with a case get a profile with unauthorised absence, so the outcome has numbers.
PROFILES = {
    ("ZS", 0): "spijbelaar",
    ("ZS", 1): "maandag",
    ("ZS", 2): "thuiszitter",
    ("ZS", 3): "spijbelaar",
    ("ZS", 5): "spijbelaar",
    ("GL", 1): "spijbelaar",
}
# Parent calls at ZS: (student index, day, interpreter, [results of the attempts]).
CALLS = [
    (10, date(2026, 11, 3), True, ["geen_gehoor", "gesproken"]),
    (11, date(2026, 11, 4), False, ["voicemail"]),
    (12, date(2026, 11, 5), False, ["gesproken"]),
    (13, date(2026, 11, 10), True, ["teruggebeld"]),
    (14, date(2026, 11, 17), False, ["geen_gehoor"]),
    (15, date(2026, 11, 24), False, ["gesproken"]),
    (16, date(2026, 12, 3), False, ["gesproken"]),  # after the period
]
# Home visits at ZS: (student index, day, second staff member, mixed pair, outcome).
VISITS = [
    (10, date(2026, 11, 5), True, True, "gedaan"),
    (11, date(2026, 11, 12), True, False, "gedaan"),
    (12, date(2026, 11, 19), False, False, "gedaan"),
    (13, date(2026, 11, 20), True, False, "geannuleerd"),
    (14, date(2026, 11, 27), False, False, "gepland"),
]
# Detention class at ZS: (day, [student indexes], students who had the talk).
DETENTION = [
    (date(2026, 11, 4), [0, 1, 2], [0, 1]),
    (date(2026, 11, 11), [0, 3], [0, 3]),
    (date(2026, 11, 25), [0, 1, 4, 5], [4]),
    (date(2026, 12, 2), [6], []),  # after the period
]


@dataclass
class FloorSpec:
    location: str
    kind: str
    zone: str
    at: datetime  # aware, local
    fields: dict[str, Any]
    students: list[int] = field(default_factory=list)  # indexes at the location
    marked: bool = False


@dataclass
class World:
    locations: dict[str, Location]
    students: dict[str, list[Student]]
    staff: dict[str, User]
    floor: list[FloorSpec]
    synthetic: list[SyntheticRow]
    cases: dict[str, Casus]
    readers: dict[str, User] = field(default_factory=dict)

    def number(self, code: str, index: int) -> str:
        return self.students[code][index].leerlingnummer


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def floor_spec(calendar_days: list[date]) -> list[FloorSpec]:
    rng = random.Random(11)
    spec: list[FloorSpec] = []
    for day in calendar_days:
        for code, per_day in (("ZS", 3), ("GL", 1)):
            for _ in range(per_day):
                kind = rng.choice(KINDS)
                at = local(day, rng.randint(8, 10), rng.choice((0, 15, 30, 45)))
                fields = random_kind_fields(rng, kind, head_counts=(2, 8))
                students = [rng.randrange(STUDENTS[code])] if kind == "vlag" else []
                spec.append(FloorSpec(code, kind, rng.choice(ZONES), at, fields, students))
    # Outside the period on both sides, and one in the afternoon and one early.
    spec.append(FloorSpec("ZS", "contact", "aula", local(date(2026, 10, 30), 10), {}))
    spec.append(FloorSpec("ZS", "contact", "aula", local(date(2026, 12, 1), 8, 30), {}))
    spec.append(FloorSpec("ZS", "contact", "gang", local(date(2026, 11, 6), 16, 5), {}))
    spec.append(FloorSpec("ZS", "contact", "gang", local(date(2026, 11, 6), 6, 50), {}))
    # Marked "voor rapportage": the conversations and tensions of the first week at ZS.
    for item in spec:
        if (
            item.location == "ZS"
            and item.kind in ("gesprek", "spanning")
            and item.at.date() <= date(2026, 11, 13)
        ):
            item.marked = True
            item.fields["note"] = f"observatie {item.kind} {item.at:%d-%m}"
    return spec


def build_world(
    app: Flask,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> World:
    absence_helpers.school_calendar()
    calendar = load_calendar()
    students = {
        code: [make_student(code, first_name=f"Leerling{i}") for i in range(count)]
        for code, count in STUDENTS.items()
    }
    staff = {
        "ZS": make_user(Role.MEDEWERKER, ("ZS",)),
        "ZS2": make_user(Role.MEDEWERKER, ("ZS",)),
        "GL": make_user(Role.MEDEWERKER, ("GL",)),
    }
    world = World(locations, students, staff, [], [], {})
    world.readers["copa"] = make_user(Role.COPA, ("ZS",))

    # Floor entries, one batch per entry with "now" just after it.
    world.floor = floor_spec(calendar.school_days_between(*PERIOD))
    for item in world.floor:
        raw: dict[str, Any] = {
            "uuid": str(uuid.uuid4()),
            "kind": item.kind,
            "zone_id": next(z.id for z in locations[item.location].zones if z.name == item.zone),
            "occurred_at": item.at.astimezone(UTC).isoformat(),
            "students": [world.number(item.location, i) for i in item.students],
            "note": item.fields.get("note", ""),
            **{k: v for k, v in item.fields.items() if k != "note"},
        }
        user = staff[item.location]
        results = accept_entries(user, [raw], now=item.at.astimezone(UTC) + timedelta(minutes=5))
        assert results[0].status == "stored", results
        if item.marked:
            entry = db.session.scalar(select(FloorEntry).where(FloorEntry.uuid == raw["uuid"]))
            assert entry is not None
            set_mark(user, entry, "rapportage")
    db.session.commit()

    # Climate checks at ZS: two zones on three days.
    for day, zone, rating in (
        (date(2026, 11, 3), "aula", "rustig"),
        (date(2026, 11, 3), "gang", "onrustig"),
        (date(2026, 11, 10), "aula", "rustig"),
        (date(2026, 11, 17), "aula", "wisselend"),
    ):
        at = local(day, 11)
        zone_id = next(z.id for z in locations["ZS"].zones if z.name == zone)
        accept_climate_checks(
            staff["ZS"],
            [
                {
                    "uuid": str(uuid.uuid4()),
                    "zone_id": zone_id,
                    "rating": rating,
                    "day": day.isoformat(),
                    "checked_at": at.astimezone(UTC).isoformat(),
                }
            ],
            now=at.astimezone(UTC) + timedelta(minutes=1),
        )
    db.session.commit()

    # Absence: the synthetic year, with fixed profiles for the students with a case.
    profiles = {world.number(code, i): p for (code, i), p in PROFILES.items()}
    numbers = [s.leerlingnummer for group in students.values() for s in group]
    world.synthetic = generate(
        numbers, calendar, ABSENCE_FIRST, ABSENCE_LAST, seed=7, profiles=profiles
    )
    import_absence(magister_csv(world.synthetic), "synthetisch.csv", as_of=ABSENCE_LAST)
    db.session.commit()

    # Leerlingpeiling: enough answers at ZS (9 agree, 3 disagree), too few at GL.
    opener = world.readers["teamleider"] = make_user(Role.TEAMLEIDER, ("ZS", "GL"))
    for code, agree, disagree in (("ZS", 9, 3), ("GL", 3, 0)):
        peiling = pulse_helpers.make_peiling(
            app, opener, locations[code], starts_on=date(2026, 11, 2), days=12
        )
        pulse_helpers.add_answers(app, peiling, agree, pulse_helpers.full_answers(4))
        if disagree:
            pulse_helpers.add_answers(app, peiling, disagree, pulse_helpers.full_answers(2))

    _cases(world)
    _calls(world)
    _visits(world)
    _detention(world)
    return world


def _set_time(model: Any, row_id: int, **values: datetime) -> None:
    db.session.execute(update(model).where(model.id == row_id).values(**values))


def _cases(world: World) -> None:
    for key, code, index, steps in CASES:
        student = world.students[code][index]
        user = world.staff[code]
        first_day, first_status = steps[0]
        case = open_case(
            user,
            student,
            reason="aanleiding",
            status=CaseStatus(first_status)
            if first_status != "overgedragen_copa"
            else CaseStatus.SIGNAAL,
            owner=user,
            teamleider=None,
            today=first_day,
        )
        opened = local(first_day, 10).astimezone(UTC)
        db.session.flush()
        _set_time(Casus, case.id, opened_at=opened)
        for change in db.session.scalars(
            select(CaseStatusChange).where(CaseStatusChange.case_id == case.id)
        ):
            _set_time(CaseStatusChange, change.id, at=opened)
        for day, status in steps[1:]:
            at = local(day, 10).astimezone(UTC)
            if status == "overgedragen_copa":
                _hand_over(world, case, day)
                continue
            change = change_status(user, case, CaseStatus(status), "verder", today=day)
            db.session.flush()
            _set_time(CaseStatusChange, change.id, at=at)
            if status == "afgesloten":
                _set_time(Casus, case.id, closed_at=at)
        db.session.commit()
        world.cases[key] = case


def _hand_over(world: World, case: Casus, day: date) -> None:
    """Through the desk's handover: submitted for the weekly moment, accepted by COPA."""
    user = world.staff["ZS"]
    if not db.session.scalar(select(HandoverSlot)):
        world.staff["copa"] = copa = world.readers["copa"]
        add_slot(
            copa,
            location=world.locations["ZS"],
            weekday=day.weekday(),
            starts_at=time(13, 0),
            place="kamer COPA",
        )
    submitted = rh_local(day, 9)
    moment = upcoming_moments(world.locations["ZS"].id, now=submitted)[0]
    handover = submit_handover(
        user,
        case,
        HandoverInput(
            criteria=["verzuim_structureel"],
            summary="gesprekken en oudercontact",
            help_questions="verzuim blijft",
            proposed_next_step="overleg leerplicht",
            moment=moment.value,
            teamleider=world.readers["teamleider"],
        ),
        now=submitted,
    )
    accept_handover(world.staff["copa"], handover, "akkoord")
    db.session.flush()
    change = db.session.scalars(
        select(CaseStatusChange)
        .where(CaseStatusChange.case_id == case.id)
        .order_by(CaseStatusChange.id.desc())
    ).first()
    assert change is not None and change.to_status == CaseStatus.OVERGEDRAGEN_COPA
    _set_time(CaseStatusChange, change.id, at=rh_local(day, 10))


def rh_local(day: date, hour: int) -> datetime:
    return local(day, hour).astimezone(UTC)


def _calls(world: World) -> None:
    user = world.staff["ZS"]
    for index, day, interpreter, results in CALLS:
        call = create_call(
            user,
            world.students["ZS"][index],
            due=day,
            assignee=user,
            subject="verzuim bespreken",
            interpreter_needed=interpreter,
            language="Arabisch" if interpreter else "",
            today=day,
        )
        for result in results:
            log_attempt(user, call, CallResult(result), "besproken", today=day)
        db.session.flush()
        _set_time(ParentCall, call.id, created_at=local(day, 12).astimezone(UTC))
        for attempt in db.session.scalars(
            select(CallAttempt).where(CallAttempt.call_id == call.id)
        ):
            _set_time(CallAttempt, attempt.id, at=local(day, 12, 30).astimezone(UTC))
    db.session.commit()


def _visits(world: World) -> None:
    user, second = world.staff["ZS"], world.staff["ZS2"]
    for index, day, two, mixed, outcome in VISITS:
        visit, _warnings = plan_visit(
            user,
            world.students["ZS"][index],
            planned_on=day,
            planned_time=time(13, 0),
            staff_one=user,
            staff_two=second if two else None,
            companion="",
            mixed_pair=mixed,
            reason="kennismaken",
            today=day,
        )
        if outcome == "gedaan":
            record_visit(user, visit, "verslag", now=local(day, 15).astimezone(UTC))
        elif outcome == "geannuleerd":
            cancel_visit(user, visit, "ziek")
    db.session.commit()


def _detention(world: World) -> None:
    user = world.staff["ZS"]
    for day, indexes, talked in DETENTION:
        session = create_session(
            user,
            location=world.locations["ZS"],
            held_on=day,
            starts_at=time(14, 0),
            supervisor=user,
            note="",
            today=day,
        )
        for index in indexes:
            attendance = add_to_session(user, session, world.students["ZS"][index])
            if index in talked:
                record_talk(
                    user, attendance, what_happened="te laat", reflection="ok", agreement="op tijd"
                )
    db.session.commit()


def students_of(world: World, code: str) -> dict[int, int]:
    """Student id -> index at the location."""
    return {s.id: i for i, s in enumerate(world.students[code])}


def find_student(number: str) -> Student:
    student = db.session.scalar(select(Student).where(Student.leerlingnummer == number))
    assert student is not None
    return student


@pytest.fixture(name="world")
def world_fixture(
    app: Flask,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> World:
    """The world as the fixture ``world`` (the report tests' and the browser tests' conftest make
    it available)."""
    return build_world(app, locations, make_user, make_student)
