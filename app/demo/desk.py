"""Demo data for desk mode: handover moments, this morning's floor entries of the demo staff
member, a few cases at ZS (one handed over to COPA), parent calls, a home visit and a
detention-class session. Fictitious, idempotent (nothing is added when cases exist)."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from app.auth.services import find_user_by_email
from app.core.localtime import local_day_bounds, local_today
from app.core.vocabulary import CallResult, CaseStatus
from app.desk.calls.services import create_call, log_attempt
from app.desk.cases.services import open_case
from app.desk.conversations.services import ReportInput, create_report
from app.desk.detention.services import add_to_session, create_session, record_talk
from app.desk.handover.services import HandoverInput, handover_prefill, submit_handover
from app.desk.handover.slots import upcoming_moments
from app.desk.visits.services import plan_visit
from app.extensions import db
from app.floor.services import accept_entries
from app.models import Casus, HandoverSlot, Location, Student
from app.models.types import utcnow

STAFF_EMAIL = "medewerker@demo.schoolfit.nl"
TEAMLEIDER_EMAIL = "teamleider@demo.schoolfit.nl"
COPA_EMAIL = "copa@demo.schoolfit.nl"

SLOTS = [("ZS", 1, time(13, 0), "kamer COPA, 1e verdieping"), ("HK", 3, time(13, 15), "")]


def _this_morning(minutes_ago: int) -> datetime:
    """``minutes_ago`` before now, but never before today's local midnight (just after it, in
    the same order, when the demo is made shortly after midnight): always today, never ahead."""
    now = utcnow()
    moment = now - timedelta(minutes=minutes_ago)
    midnight = local_day_bounds(local_today(now))[0]
    if moment < midnight:
        moment = min(midnight + timedelta(seconds=max(60 - minutes_ago, 0)), now)
    return moment


def _floor_item(
    location: Location, kind: str, zone: str, minutes_ago: int, **fields: Any
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "kind": kind,
        "zone_id": next(z.id for z in location.zones if z.name == zone),
        "occurred_at": _this_morning(minutes_ago).isoformat(),
        "students": [],
        "note": "",
    }
    item.update(fields)
    return item


def seed_desk_demo() -> dict[str, int]:
    """Add the desk demo once (skipped when any case exists or the demo accounts are missing)."""
    if db.session.scalar(select(func.count()).select_from(Casus)):
        return {"cases": 0}
    staff = find_user_by_email(STAFF_EMAIL)
    teamleider = find_user_by_email(TEAMLEIDER_EMAIL)
    copa = find_user_by_email(COPA_EMAIL)
    locations = {loc.code: loc for loc in db.session.scalars(select(Location))}
    if staff is None or teamleider is None or copa is None or "ZS" not in locations:
        return {"cases": 0}
    for code, weekday, starts_at, place in SLOTS:
        if code in locations and not db.session.scalar(
            select(HandoverSlot).where(HandoverSlot.location_id == locations[code].id)
        ):
            db.session.add(
                HandoverSlot(
                    location_id=locations[code].id,
                    weekday=weekday,
                    starts_at=starts_at,
                    place=place,
                    active=True,
                )
            )
    db.session.flush()

    zs = locations["ZS"]
    students = list(
        db.session.scalars(
            select(Student)
            .where(Student.location_id == zs.id, Student.active.is_(True))
            .order_by(Student.leerlingnummer)
            .limit(6)
        )
    )
    if len(students) < 6:
        return {"cases": 0}
    today = local_today()

    # This morning on the floor (minutes ago, always today and never in the future).
    accept_entries(
        staff,
        [
            _floor_item(
                zs,
                "vlag",
                "kantine",
                50,
                students=[students[0].leerlingnummer],
                flag_type="zorg",
                note="zat alleen in de kantine, wilde niet praten",
            ),
            _floor_item(
                zs,
                "gesprek",
                "gang",
                40,
                students=[students[1].leerlingnummer],
                topic="motivatie",
                note="baalt van wiskunde, wil van niveau wisselen",
            ),
            _floor_item(
                zs,
                "spanning",
                "aula",
                30,
                severity="middel",
                students=[students[2].leerlingnummer, students[3].leerlingnummer],
                note="duwen bij de trap na de pauze",
            ),
            _floor_item(zs, "contact", "kantine", 25),
            _floor_item(zs, "contact", "kantine", 20),
            _floor_item(zs, "groep", "schoolplein", 15, head_count=14),
            _floor_item(
                zs,
                "vlag",
                "entree",
                10,
                students=[students[4].leerlingnummer],
                flag_type="verzuimsignaal",
                note="weer te laat, derde keer deze week",
            ),
        ],
    )

    # A preventive case with a report, a parent call due today and one overdue.
    open_case(
        staff,
        students[4],
        reason="vaak te laat, mist eerste uren",
        status=CaseStatus.PREVENTIEF,
        owner=staff,
        teamleider=teamleider,
    )
    create_report(
        staff,
        students[4],
        ReportInput(
            held_on=today,
            with_whom=["leerling"],
            with_other="",
            topics=["verzuim", "thuissituatie"],
            summary="Vertelt dat ze 's ochtends voor haar broertje zorgt; moeder werkt vroeg.",
            agreements="Ze meldt zich bij de mentor als ze te laat is.",
            next_step="Met moeder bellen over de ochtenden",
            next_step_due=today + timedelta(days=2),
        ),
    )
    call = create_call(
        staff,
        students[4],
        due=today,
        assignee=staff,
        subject="ochtenden en te laat komen",
        preferred_time="na 16:00",
        contact_person="moeder",
        interpreter_needed=True,
        language="Arabisch",
    )
    log_attempt(staff, call, CallResult.GEEN_GEHOOR, "")
    overdue = create_call(
        staff,
        students[5],
        due=today,
        assignee=staff,
        subject="terugkoppeling na gesprek",
        contact_person="vader",
    )
    overdue.due = today - timedelta(days=2)  # planned earlier, not yet done

    # An intensive case handed over to COPA (pending), and a signal.
    intensive = open_case(
        staff,
        students[5],
        reason="hoog verzuim, somber",
        status=CaseStatus.INTENSIEF,
        owner=staff,
        teamleider=teamleider,
    )
    db.session.flush()
    moments = upcoming_moments(zs.id)
    if moments:
        submit_handover(
            staff,
            intensive,
            HandoverInput(
                criteria=["verzuim_structureel", "complex"],
                summary=handover_prefill(intensive),
                help_questions="Somberheid; verzuim blijft ondanks gesprekken.",
                proposed_next_step="Bespreken in het zorgoverleg; huisarts of wijkteam betrekken.",
                moment=moments[0].value,
                teamleider=teamleider,
            ),
        )
    open_case(
        staff,
        students[1],
        reason="motivatie wiskunde",
        status=CaseStatus.SIGNAAL,
        owner=staff,
        teamleider=None,
    )

    # A home visit next week (with the team leader; pair not confirmed as mixed).
    plan_visit(
        staff,
        students[5],
        planned_on=today + timedelta(days=7),
        planned_time=time(15, 30),
        staff_one=staff,
        staff_two=teamleider,
        companion="",
        mixed_pair=False,
        reason="kennismaken en ochtendritme bespreken",
    )

    # Today's detention class at ZS.
    session = create_session(
        staff, location=zs, held_on=today, starts_at=time(14, 0), supervisor=staff, note="onderbouw"
    )
    first = add_to_session(staff, session, students[2], "duwen bij de trap")
    add_to_session(staff, session, students[3], "duwen bij de trap")
    record_talk(
        staff,
        first,
        what_happened="duwen bij de trap na de pauze",
        reflection="snapt dat het gevaarlijk was",
        agreement="excuses aangeboden aan de medeleerling",
    )
    db.session.flush()
    return {"cases": 3}
