"""A synthetic school-group year for the benchmarks, written with bulk inserts.

At scale 1: 6 locations, 2,400 students, 12 staff, the school year 2026-2027 (about 200 school
days), about 150,000 floor entries (with their students, flags and desk triage), 3,000 cases
(status history, notes, conversation reports, parent calls with attempts, home visits,
handovers to COPA), detention sessions, climate checks and audit events. Absence rows (600,000
at scale 1) are not written here: the benchmark imports them (that is one of the figures), from
:func:`absence_export`.

Deterministic (``random.Random(seed)``), made up, and fast: rows are built as dicts and written
with ``insert(Model)`` in chunks, never through the per-row services.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select

STAFF_PASSWORD = "bench-wachtwoord-2026"  # noqa: S105 - a throw-away benchmark database
# Cheap scrypt cost for the throw-away accounts: login is not what is measured.
PASSWORD_METHOD = "scrypt:1024:8:1"  # noqa: S105 - a method name
FIRST_DAY = date(2026, 8, 1)
AS_OF = date(2027, 7, 16)  # the last school day of 2026-2027
CHUNK = 5_000

FIRST_NAMES = "Sanne Daan Noah Emma Liam Julia Milan Sara Sem Tess Lucas Zoë Finn Nora Levi Yara"
LAST_NAMES = "Jansen Bakker Visser Smit Meijer Mulder Bos Vos Peters Hendriks Dekker Kaya Yilmaz"
CLASSES = [f"{year}{letter}" for year in range(1, 7) for letter in "ABCD"]


@dataclass
class Group:
    """What the benchmark needs to know about the generated data."""

    scale: float
    students: int = 0
    staff: dict[str, int] = field(default_factory=dict)  # role key -> user id
    staff_emails: dict[str, str] = field(default_factory=dict)
    locations: dict[str, int] = field(default_factory=dict)  # code -> id
    zones: dict[str, list[int]] = field(default_factory=dict)  # code -> zone ids
    student_numbers: dict[str, list[str]] = field(default_factory=dict)  # code -> numbers
    counts: dict[str, int] = field(default_factory=dict)
    school_days: list[date] = field(default_factory=list)
    busiest_day: tuple[str, date] | None = None
    heavy_case_id: int = 0
    heavy_student_id: int = 0
    heavy_location: str = "ZS"


def _write(model: Any, rows: Sequence[dict[str, Any]]) -> None:
    from app.extensions import db

    table = getattr(model, "__table__", model)  # Core executemany: no ORM bookkeeping
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), list(rows[start : start + CHUNK]))


def _utc(day: date, clock: time) -> datetime:
    from app.core.localtime import LOCAL_TZ

    return datetime.combine(day, clock, tzinfo=LOCAL_TZ).astimezone(UTC)


def _next_ids(model: Any, count: int) -> list[int]:
    """Ids for rows we insert with explicit ids (so children can refer to them in bulk)."""
    from sqlalchemy import func

    from app.extensions import db

    start = (db.session.scalar(select(func.max(model.id))) or 0) + 1
    return list(range(start, start + count))


def _fix_sequences() -> None:
    """Rows were written with explicit ids: move PostgreSQL's sequences past them."""
    from sqlalchemy import text

    from app.extensions import db

    if db.session.get_bind().dialect.name != "postgresql":
        return
    # Every table with an integer id (the tables were renamed since a list was written by hand).
    tables = [t.name for t in db.metadata.sorted_tables if "id" in t.c]
    for table in (t for t in tables if db.metadata.tables[t].c.id.type.python_type is int):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
            )
        )


STAFF = [
    # key, role, locations
    ("mw_zs", "medewerker", ("ZS", "HK")),
    ("mw_hk", "medewerker", ("HK",)),
    ("mw_gl", "medewerker", ("GL",)),
    ("mw_cs", "medewerker", ("CS",)),
    ("mw_vm", "medewerker", ("VM",)),
    ("mw_wind", "medewerker", ("Wind",)),
    ("tl_zs", "teamleider", ("ZS",)),
    ("tl_gl", "teamleider", ("GL", "CS")),
    ("copa", "copa", ("ZS", "HK", "GL", "CS", "VM", "Wind")),
    ("ll_zs", "locatieleider", ("ZS",)),
    ("ll_vm", "locatieleider", ("VM", "Wind")),
    ("beheer", "beheer", ("ZS", "HK", "GL", "CS", "VM", "Wind")),
]
# Which medewerker works the floor of each location.
FLOOR_STAFF = {
    "ZS": "mw_zs",
    "HK": "mw_hk",
    "GL": "mw_gl",
    "CS": "mw_cs",
    "VM": "mw_vm",
    "Wind": "mw_wind",
}


def generate(scale: float, *, seed: int = 2026) -> Group:
    """Write the group's year into the current app's database (schema already migrated)."""
    from werkzeug.security import generate_password_hash

    from app.core.calendar_store import load_calendar
    from app.demo.absence import seed_school_year
    from app.demo.organisation import seed_locations
    from app.extensions import db
    from app.models import Student, User, user_location

    rng = random.Random(seed)
    group = Group(scale=scale)
    locations = seed_locations()
    seed_school_year("2026-2027")
    db.session.flush()
    group.locations = {code: loc.id for code, loc in locations.items()}
    group.zones = {code: [z.id for z in loc.zones] for code, loc in locations.items()}
    codes = list(group.locations)

    # Staff: 12 accounts, one cheap hash shared (login is not measured).
    password_hash = generate_password_hash(STAFF_PASSWORD, method=PASSWORD_METHOD)
    user_ids = _next_ids(User, len(STAFF))
    now = datetime.now(UTC)
    users, links = [], []
    for user_id, (key, role, user_codes) in zip(user_ids, STAFF, strict=True):
        email = f"{key.replace('_', '.')}@bench.schoolfit.nl"
        users.append(
            {
                "id": user_id,
                "email": email,
                "name": f"Bench {key}",
                "password_hash": password_hash,
                "role": role,
                "active": True,
                "created_at": now,
                "totp_enabled": False,
            }
        )
        links += [{"user_id": user_id, "location_id": group.locations[c]} for c in user_codes]
        group.staff[key] = user_id
        group.staff_emails[key] = email
    _write(User, users)
    _write(user_location, links)

    # Students, spread over the locations.
    count = max(60, round(2_400 * scale))
    student_ids = _next_ids(Student, count)
    first, last = FIRST_NAMES.split(), LAST_NAMES.split()
    students = []
    for index, student_id in enumerate(student_ids):
        code = codes[index % len(codes)]
        number = str(800_001 + index)
        students.append(
            {
                "id": student_id,
                "leerlingnummer": number,
                "first_name": first[index % len(first)],
                "tussenvoegsel": "",
                "last_name": f"{last[index % len(last)]} {index}",
                "class_name": CLASSES[(index // len(codes)) % len(CLASSES)],
                "location_id": group.locations[code],
                "mentor": "",
                "active": True,
                "updated_at": now,
            }
        )
        group.student_numbers.setdefault(code, []).append(number)
    _write(Student, students)
    group.students = count
    student_location = {s["id"]: s["location_id"] for s in students}
    by_location: dict[int, list[int]] = {}
    for s in students:
        by_location.setdefault(s["location_id"], []).append(s["id"])

    calendar = load_calendar()
    group.school_days = calendar.school_days_between(FIRST_DAY, AS_OF)
    heavy_student = by_location[group.locations[group.heavy_location]][0]
    group.heavy_student_id = heavy_student

    _floor(group, rng, scale, by_location, codes)
    _desk(group, rng, scale, by_location, student_location, heavy_student)
    _climate_and_audit(group, rng, scale, codes, by_location)
    _fix_sequences()
    db.session.commit()
    return group


ENTRY_KINDS = [
    ("contact", 50),
    ("gesprek", 15),
    ("groep", 8),
    ("spanning", 10),
    ("deescalatie", 7),
    ("vlag", 10),
]
TOPICS = ["motivatie", "schoolbinding", "praktische_belemmeringen", "thuissituatie", "gedrag"]
FLAG_TYPES = ["zorg", "verzuimsignaal", "conflict", "thuissituatie", "veiligheid", "opvolgen"]


def _floor(
    group: Group,
    rng: random.Random,
    scale: float,
    by_location: dict[int, list[int]],
    codes: list[str],
) -> None:
    from app.core.localtime import local_today
    from app.models import EntryTriage, Flag, FloorEntry, floor_entry_student

    today = local_today()
    total = round(150_000 * scale)
    days = group.school_days
    per_location_day = total / (len(days) * len(codes))
    kinds = [k for k, w in ENTRY_KINDS for _ in range(w)]
    entry_ids = iter(_next_ids(FloorEntry, total + 10))
    entries, links, flags, triage = [], [], [], []
    busiest = (0, group.heavy_location, days[0])  # the team leader's (ZS) busiest day
    made = 0
    for day_index, day in enumerate(days):
        for code_index, code in enumerate(codes):
            # A deterministic spread of the total over the location-days.
            target = round(per_location_day * (day_index * len(codes) + code_index + 1)) - made
            if target <= 0:
                continue
            made += target
            if code == group.heavy_location and target > busiest[0]:
                busiest = (target, code, day)
            location_id = group.locations[code]
            staff_id = group.staff[FLOOR_STAFF[code]]
            pool = by_location[location_id]
            for _ in range(target):
                entry_id = next(entry_ids)
                kind = rng.choice(kinds)
                minute = rng.randrange(180)
                occurred = _utc(day, time(8 + minute // 60, minute % 60, rng.randrange(60)))
                named = kind in ("gesprek", "vlag", "deescalatie") or (
                    kind in ("contact", "spanning") and rng.random() < 0.3
                )
                chosen = rng.sample(pool, 2 if rng.random() < 0.15 else 1) if named else []
                flag_type = rng.choice(FLAG_TYPES) if kind == "vlag" else None
                entries.append(
                    {
                        "id": entry_id,
                        "uuid": f"{entry_id:08x}-0000-4000-8000-{rng.getrandbits(48):012x}",
                        "staff_id": staff_id,
                        "location_id": location_id,
                        "zone_id": rng.choice(group.zones[code]),
                        "kind": kind,
                        "topic": rng.choice(TOPICS) if kind == "gesprek" else None,
                        "severity": rng.choice(["laag", "middel", "hoog"])
                        if kind == "spanning"
                        else None,
                        "outcome": rng.choice(["opgelost", "deels", "doorverwezen"])
                        if kind == "deescalatie"
                        else None,
                        "flag_type": flag_type,
                        "head_count": rng.randrange(3, 30) if kind == "groep" else None,
                        "note": "korte notitie" if rng.random() < 0.3 else "",
                        "occurred_at": occurred,
                        "received_at": occurred,
                        "made_offline": rng.random() < 0.1,
                    }
                )
                links += [{"entry_id": entry_id, "student_id": s} for s in chosen]
                # The year runs past today's date: only the last two weeks' flags are open.
                handled = not today - timedelta(days=14) <= day <= today
                for student_id in chosen if flag_type else ():
                    flags.append(
                        {
                            "student_id": student_id,
                            "location_id": location_id,
                            "flag_type": flag_type,
                            "status": "afgehandeld" if handled else "open",
                            "raised_by_id": staff_id,
                            "entry_id": entry_id,
                            "raised_at": occurred,
                            "handled_at": occurred + timedelta(hours=4) if handled else None,
                            "handled_by_id": staff_id if handled else None,
                            "handled_note": "",
                        }
                    )
                if day != today:  # today's entries wait in the inbox
                    triage.append(
                        {
                            "entry_id": entry_id,
                            "outcome": "afgesloten",
                            "done_at": occurred + timedelta(hours=3),
                            "done_by_id": staff_id,
                            "close_reason": "",
                            "for_report": rng.random() < 0.05,
                            "for_report_at": None,
                            "for_teamleider": rng.random() < 0.02,
                            "for_teamleider_at": None,
                        }
                    )
                    mark = triage[-1]
                    if mark["for_report"]:
                        mark["for_report_at"] = mark["done_at"]
                    if mark["for_teamleider"]:
                        mark["for_teamleider_at"] = mark["done_at"]
    _write(FloorEntry, entries)
    _write(floor_entry_student, links)
    _write(Flag, flags)
    _write(EntryTriage, triage)
    group.counts.update(
        floor_entries=len(entries),
        floor_entry_students=len(links),
        flags=len(flags),
        triage=len(triage),
    )
    group.busiest_day = (busiest[1], busiest[2])


def _desk(
    group: Group,
    rng: random.Random,
    scale: float,
    by_location: dict[int, list[int]],
    student_location: dict[int, int],
    heavy_student: int,
) -> None:
    from app.core.localtime import local_today
    from app.models import (
        CallAttempt,
        CaseNote,
        CaseStatusChange,
        Casus,
        ConversationReport,
        DetentionAttendance,
        DetentionSession,
        Handover,
        HomeVisit,
        ParentCall,
    )

    today = local_today()
    days = group.school_days
    code_of = {v: k for k, v in group.locations.items()}
    total = max(30, round(3_000 * scale))
    all_students = list(student_location)
    # A third of the cases are open, each of a different student; the rest are closed.
    open_students = [s for s in all_students if s != heavy_student]
    rng.shuffle(open_students)
    open_count = min(total // 3, len(open_students))
    plan: list[tuple[int, str]] = [(heavy_student, "preventief")]
    open_statuses = ["signaal", "preventief", "preventief", "intensief", "overgedragen_copa"]
    plan += [(s, rng.choice(open_statuses)) for s in open_students[: open_count - 1]]
    plan += [(rng.choice(all_students), "afgesloten") for _ in range(total - len(plan))]

    case_ids = _next_ids(Casus, len(plan))
    report_ids = iter(_next_ids(ConversationReport, 3 * len(plan) + 200))
    call_ids = iter(_next_ids(ParentCall, len(plan) + 100))
    cases, changes, notes, reports, calls, attempts, visits, handovers = ([] for _ in range(8))
    for case_id, (student_id, status) in zip(case_ids, plan, strict=True):
        location_id = student_location[student_id]
        code = code_of[location_id]
        owner = group.staff[FLOOR_STAFF[code]]
        teamleider = group.staff["tl_zs"] if code == "ZS" else None
        opened_day = rng.choice(days[: max(1, len(days) * 2 // 3)])
        opened = _utc(opened_day, time(12, rng.randrange(60)))
        closed = opened + timedelta(days=rng.randrange(10, 60)) if status == "afgesloten" else None
        cases.append(
            {
                "id": case_id,
                "student_id": student_id,
                "status": status,
                "reason": "zorgen over verzuim en welbevinden",
                "owner_id": owner,
                "teamleider_id": teamleider,
                "opened_by_id": owner,
                "opened_at": opened,
                "review_date": opened_day + timedelta(days=42) if status != "afgesloten" else None,
                "closed_at": closed,
                "updated_at": closed or opened,
            }
        )
        changes.append(
            {
                "case_id": case_id,
                "from_status": None,
                "to_status": "signaal",
                "at": opened,
                "by_id": owner,
                "reason": "geopend",
            }
        )
        if status != "signaal":
            changes.append(
                {
                    "case_id": case_id,
                    "from_status": "signaal",
                    "to_status": status,
                    "at": closed or opened + timedelta(days=3),
                    "by_id": owner,
                    "reason": "besproken",
                }
            )
        for n in range(rng.randrange(1, 3)):
            notes.append(
                {
                    "case_id": case_id,
                    "author_id": owner,
                    "at": opened + timedelta(days=n + 1),
                    "text": "gesprek met mentor gehad",
                    "is_review": False,
                    "next_review_date": None,
                }
            )
        reports.append(_report(next(report_ids), student_id, case_id, owner, opened_day))
        if rng.random() < 0.6:
            calls.append(
                _call(next(call_ids), student_id, case_id, owner, opened_day, today, rng, attempts)
            )
        if rng.random() < 0.1:
            visits.append(_visit(student_id, case_id, owner, opened, status))
        if status == "overgedragen_copa":
            handovers.append(_handover(case_id, owner, opened, rng))

    # The heavy student: a long history (the chronology page's 500 events are topped up with
    # floor entries later, see top_up_chronology).
    heavy_case = case_ids[0]
    heavy_code = code_of[student_location[heavy_student]]
    owner = group.staff[FLOOR_STAFF[heavy_code]]
    for n in range(40):
        day = days[(n * 4) % len(days)]
        notes.append(
            {
                "case_id": heavy_case,
                "author_id": owner,
                "at": _utc(day, time(13, n % 60)),
                "text": f"notitie {n}: afspraken nagelopen met de leerling en de mentor",
                "is_review": n % 8 == 0,
                "next_review_date": day + timedelta(days=42) if n % 8 == 0 else None,
            }
        )
    for n in range(60):
        day = days[(n * 3) % len(days)]
        reports.append(_report(next(report_ids), heavy_student, heavy_case, owner, day))
    for n in range(30):
        day = days[(n * 6) % len(days)]
        calls.append(
            _call(next(call_ids), heavy_student, heavy_case, owner, day, today, rng, attempts)
        )
    for n in range(10):
        visits.append(_visit(heavy_student, heavy_case, owner, _utc(days[n * 15], time(15)), ""))

    # Detention class: one session a week per location, five students each.
    sessions, attendances = [], []
    session_ids = iter(_next_ids(DetentionSession, len(days) * len(group.locations)))
    for code, location_id in group.locations.items():
        pool = by_location[location_id]
        supervisor = group.staff[FLOOR_STAFF[code]]
        for day in days[::5]:
            session_id = next(session_ids)
            sessions.append(
                {
                    "id": session_id,
                    "location_id": location_id,
                    "held_on": day,
                    "starts_at": time(15, 0),
                    "supervisor_id": supervisor,
                    "note": "",
                    "created_by_id": supervisor,
                    "created_at": _utc(day, time(9)),
                }
            )
            chosen = rng.sample(pool, min(5, len(pool)))
            if code == heavy_code and len(attendances) < 15 * 5 and heavy_student not in chosen:
                chosen[0] = heavy_student
            for student_id in chosen:
                attendances.append(
                    {
                        "session_id": session_id,
                        "student_id": student_id,
                        "what_happened": "te laat na de pauze",
                        "reflection": "",
                        "agreement": "",
                        "talk_by_id": supervisor,
                        "talk_at": _utc(day, time(15, 30)),
                    }
                )

    _write(Casus, cases)
    _write(CaseStatusChange, changes)
    _write(CaseNote, notes)
    _write(ConversationReport, reports)
    _write(ParentCall, calls)
    _write(CallAttempt, attempts)
    _write(HomeVisit, visits)
    _write(Handover, handovers)
    _write(DetentionSession, sessions)
    _write(DetentionAttendance, attendances)
    group.heavy_case_id = heavy_case
    group.counts.update(
        cases=len(cases),
        case_status_changes=len(changes),
        case_notes=len(notes),
        reports=len(reports),
        parent_calls=len(calls),
        call_attempts=len(attempts),
        home_visits=len(visits),
        handovers=len(handovers),
        detention_sessions=len(sessions),
        detention_attendances=len(attendances),
    )


def _report(report_id: int, student: int, case: int, author: int, day: date) -> dict[str, Any]:
    return {
        "id": report_id,
        "student_id": student,
        "case_id": case,
        "author_id": author,
        "held_on": day,
        "with_whom": "leerling",
        "with_other": "",
        "topics": "motivatie,verzuim",
        "summary": "Besproken hoe het gaat met de lessen en het verzuim van de laatste weken.",
        "agreements": "Volgende week weer een kort gesprek.",
        "next_step": "",
        "next_step_due": None,
        "next_step_done_at": None,
        "internal_note": "",
        "entry_id": None,
        "created_at": _utc(day, time(12, 30)),
    }


def _call(
    call_id: int,
    student: int,
    case: int,
    owner: int,
    day: date,
    today: date,
    rng: random.Random,
    attempts: list[dict[str, Any]],
) -> dict[str, Any]:
    open_call = rng.random() < 0.2
    due = today + timedelta(days=rng.randrange(0, 5)) if open_call else day + timedelta(days=1)
    for n in range(rng.randrange(1, 3)):
        attempts.append(
            {
                "call_id": call_id,
                "at": _utc(day, time(13, 10 * n)),
                "by_id": owner,
                "result": "geen_gehoor" if n == 0 else "gesproken",
                "note": "",
            }
        )
    return {
        "id": call_id,
        "student_id": student,
        "case_id": case,
        "created_by_id": owner,
        "assignee_id": owner,
        "due": due,
        "preferred_time": "",
        "contact_person": "moeder",
        "subject": "verzuim bespreken",
        "interpreter_needed": rng.random() < 0.1,
        "language": "",
        "status": "open" if open_call else "afgerond",
        "outcome": "",
        "closed_at": None if open_call else _utc(day, time(14)),
        "entry_id": None,
        "created_at": _utc(day, time(12)),
    }


def _visit(student: int, case: int, owner: int, opened: datetime, status: str) -> dict[str, Any]:
    done = status == "afgesloten" or status == ""
    return {
        "student_id": student,
        "case_id": case,
        "planned_at": opened + timedelta(days=7),
        "staff_one_id": owner,
        "staff_two_id": None,
        "companion": "mentor",
        "mixed_pair": True,
        "reason": "contact met het gezin",
        "status": "gedaan" if done else "gepland",
        "report": "Thuis gesproken." if done else "",
        "done_at": opened + timedelta(days=7) if done else None,
        "cancel_reason": "",
        "created_by_id": owner,
        "created_at": opened,
    }


def _handover(case: int, owner: int, opened: datetime, rng: random.Random) -> dict[str, Any]:
    accepted = rng.random() < 0.7
    return {
        "case_id": case,
        "status": "geaccepteerd" if accepted else "ingediend",
        "criteria": "complex",
        "summary": "Samenvatting van de casus.",
        "help_questions": "Wat is er thuis nodig?",
        "proposed_next_step": "Bespreken in het zorgteam.",
        "moment_at": opened + timedelta(days=10),
        "place": "",
        "teamleider_id": None,
        "submitted_by_id": owner,
        "submitted_at": opened + timedelta(days=8),
        "decided_by_id": None,
        "decided_at": opened + timedelta(days=11) if accepted else None,
        "decision_note": "",
        "return_seen_at": None,
    }


def _climate_and_audit(
    group: Group,
    rng: random.Random,
    scale: float,
    codes: list[str],
    by_location: dict[int, list[int]],
) -> None:
    from app.models import AuditEvent, ClimateCheck

    checks = []
    ratings = ["rustig", "rustig", "wisselend", "onrustig"]
    for code in codes:
        staff_id = group.staff[FLOOR_STAFF[code]]
        for day in group.school_days:
            for zone_id in group.zones[code][:3]:
                checks.append(
                    {
                        "staff_id": staff_id,
                        "location_id": group.locations[code],
                        "zone_id": zone_id,
                        "day": day,
                        "rating": rng.choice(ratings),
                        "note": "",
                        "checked_at": _utc(day, time(10, 55)),
                        "received_at": _utc(day, time(10, 55)),
                    }
                )
    events = []
    all_students = [s for pool in by_location.values() for s in pool]
    for n in range(round(30_000 * scale)):
        day = group.school_days[n % len(group.school_days)]
        events.append(
            {
                "at": _utc(day, time(12, n % 60)),
                "user_id": group.staff[FLOOR_STAFF[codes[n % len(codes)]]],
                "client_address": "127.0.0.1",
                "action": "view",
                "object_type": "student",
                "object_id": str(n),
                "student_id": all_students[n % len(all_students)],
                "detail": "",
            }
        )
    _write(ClimateCheck, checks)
    _write(AuditEvent, events)
    group.counts.update(climate_checks=len(checks), audit_events=len(events))


def absence_export(numbers: Iterable[str], rows: int, *, seed: int = 2026) -> tuple[bytes, int]:
    """A Magister export of exactly ``rows`` absence rows for these students.

    The synthetic year (app/demo/synthetic_absence.py) gives about 56 rows per student; to reach the
    issue's 600,000 rows for 2,400 students, years drawn with further seeds are merged (one row
    per student, day and lesson hour). So students are absent more than in the one-seed year."""
    from app.core.calendar_store import load_calendar
    from app.demo.synthetic_absence import generate as generate_year
    from app.demo.synthetic_absence import magister_csv

    numbers = list(numbers)
    calendar = load_calendar()
    merged: dict[tuple[str, date, int], Any] = {}
    extra = 0
    while len(merged) < rows and extra < 40:
        for row in generate_year(numbers, calendar, FIRST_DAY, AS_OF, seed=seed + extra):
            merged.setdefault((row.leerlingnummer, row.day, row.lesson), row)
        extra += 1
    if len(merged) < rows:
        raise SystemExit(f"only {len(merged)} synthetic absence rows (< {rows})")
    chosen = sorted(merged.values(), key=lambda r: (r.day, r.leerlingnummer, r.lesson))
    # Cut by student, not by date, so every student keeps a whole year of rows.
    chosen = chosen[:rows] if len(chosen) == rows else _cut(chosen, rows)
    return magister_csv(chosen), len(chosen)


def _cut(rows: list[Any], wanted: int) -> list[Any]:
    step = len(rows) / wanted
    return [rows[int(i * step)] for i in range(wanted)]


def top_up_chronology(group: Group, wanted: int = 500) -> int:
    """Add floor entries about the heavy student until the case page's chronology holds
    ``wanted`` items; answers the count."""
    from app.desk.chronology.timeline import build_chronology
    from app.extensions import db
    from app.models import FloorEntry, floor_entry_student

    have = len(build_chronology(group.heavy_student_id))
    missing = wanted - have
    if missing > 0:
        code = group.heavy_location
        ids = _next_ids(FloorEntry, missing)
        days = group.school_days
        entries = [
            {
                "id": entry_id,
                "uuid": f"{entry_id:08x}-1111-4000-8000-{n:012x}",
                "staff_id": group.staff[FLOOR_STAFF[code]],
                "location_id": group.locations[code],
                "zone_id": group.zones[code][n % len(group.zones[code])],
                "kind": ["gesprek", "contact", "spanning"][n % 3],
                "topic": "motivatie" if n % 3 == 0 else None,
                "severity": "middel" if n % 3 == 2 else None,
                "outcome": None,
                "flag_type": None,
                "head_count": None,
                "note": "even bijgepraat in de pauze" if n % 2 else "",
                "occurred_at": _utc(days[n % len(days)], time(9, n % 60)),
                "received_at": _utc(days[n % len(days)], time(9, n % 60)),
                "made_offline": False,
            }
            for n, entry_id in enumerate(ids)
        ]
        _write(FloorEntry, entries)
        _write(
            floor_entry_student,
            [{"entry_id": e["id"], "student_id": group.heavy_student_id} for e in entries],
        )
        _fix_sequences()
        db.session.commit()
    return len(build_chronology(group.heavy_student_id))
