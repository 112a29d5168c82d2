"""Demo data for safeguarding (issue 23): the demo's own VAPID key pair (when none is set), the
chain partners, one Meldcode traject, one incident with three students, two referrals (one
with late feedback) and a safety flag this morning that alerts the team leader. Fictitious,
idempotent (nothing is added when a traject exists)."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

from flask import current_app
from sqlalchemy import select

from app.alerts.keys import ensure_demo_keys
from app.auth.services import find_user_by_email
from app.core.localtime import local_today
from app.core.vocabulary import IncidentKind, IncidentRole, MeldcodeStep, PartnerKind
from app.desk.incidents.services import IncidentInput, Involved, create_incident
from app.desk.meldcode.services import open_traject, record_step
from app.desk.referrals.services import create_referral, ensure_default_partners
from app.extensions import db
from app.floor.services import accept_entries
from app.models import ChainPartner, Location, MeldcodeTraject, Student
from app.models.types import utcnow

STAFF_EMAIL = "medewerker@demo.schoolfit.nl"
TEAMLEIDER_EMAIL = "teamleider@demo.schoolfit.nl"
COORDINATOR_EMAIL = "aandachtsfunctionaris@demo.schoolfit.nl"


def _partner(kind: PartnerKind) -> ChainPartner | None:
    return db.session.scalar(select(ChainPartner).where(ChainPartner.kind == kind).limit(1))


def seed_safeguarding_demo() -> dict[str, int]:
    if not current_app.config.get("VAPID_PRIVATE_KEY"):
        ensure_demo_keys(current_app.instance_path)
    ensure_default_partners()
    if db.session.scalar(select(MeldcodeTraject.id).limit(1)):
        return {"trajecten": 0}
    staff = find_user_by_email(STAFF_EMAIL)
    teamleider = find_user_by_email(TEAMLEIDER_EMAIL)
    coordinator = find_user_by_email(COORDINATOR_EMAIL)
    zs = db.session.scalar(select(Location).where(Location.code == "ZS"))
    if staff is None or teamleider is None or coordinator is None or zs is None:
        return {"trajecten": 0}
    students = list(
        db.session.scalars(
            select(Student)
            .where(Student.location_id == zs.id, Student.active.is_(True))
            .order_by(Student.leerlingnummer)
            .offset(6)
            .limit(5)
        )
    )
    if len(students) < 5:
        return {"trajecten": 0}
    today = local_today()

    # A Meldcode traject: the signal of the medewerker, steps 1 and 2 by the coordinator.
    traject = open_traject(
        staff,
        students[0],
        signal="Blauwe plekken op de bovenarm; zegt dat ze thuis 'weer ruzie' hadden. Wil niet "
        "naar huis na school.",
        owner=coordinator,
    )
    record_step(
        coordinator,
        traject,
        step=MeldcodeStep.SIGNALEN,
        held_on=today,
        participants="Samira Bakker (SchoolFit)",
        notes="Signalen feitelijk vastgelegd; mentor meldt dat ze sinds twee weken stil is.",
    )
    record_step(
        coordinator,
        traject,
        step=MeldcodeStep.CONSULTATIE,
        held_on=today,
        participants="Anouk Jansen (COPA); Veilig Thuis (advies, anoniem)",
        notes="Advies Veilig Thuis: gesprek met leerling voeren, daarna met moeder.",
    )

    # An incident from yesterday's big break with three students.
    kantine = next(z for z in zs.zones if z.name == "kantine")
    create_incident(
        staff,
        IncidentInput(
            location=zs,
            zone_id=kantine.id,
            kind=IncidentKind.PESTEN,
            day=today - timedelta(days=1),
            at=time(12, 10),
            description="Telefoon afgepakt en filmpje rondgestuurd; omstander haalde hulp.",
            involved=[
                Involved(students[1].leerlingnummer, IncidentRole.DADER),
                Involved(students[2].leerlingnummer, IncidentRole.SLACHTOFFER),
                Involved(students[3].leerlingnummer, IncidentRole.OMSTANDER),
            ],
        ),
    )

    # Two referrals: schoolmaatschappelijk werk (waiting) and leerplicht (feedback late).
    smw, leerplicht = _partner(PartnerKind.SMW), _partner(PartnerKind.LEERPLICHT)
    if smw is not None:
        create_referral(
            staff,
            students[2],
            partner=smw,
            referred_on=today - timedelta(days=2),
            contact_person="Fatma Yilmaz",
            reason="Na het pesten in de kantine: somber, slaapt slecht.",
            consent="ouders_en_leerling",
            consent_note="",
            feedback_due=today + timedelta(days=12),
        )
    if leerplicht is not None:
        create_referral(
            teamleider,
            students[4],
            partner=leerplicht,
            referred_on=today - timedelta(days=21),
            contact_person="R. de Graaf (leerplichtambtenaar)",
            reason="Structureel verzuim op maandag en vrijdag ondanks gesprekken.",
            consent="geen",
            consent_note="Leerplicht: geen toestemming nodig (wettelijke taak); ouders ingelicht.",
            feedback_due=today - timedelta(days=3),
        )

    # This morning: a safety flag on the floor, which alerts the team leader at once.
    accept_entries(
        staff,
        [
            {
                "uuid": str(uuid.uuid4()),
                "kind": "vlag",
                "zone_id": next(z.id for z in zs.zones if z.name == "fietsenstalling"),
                "occurred_at": (utcnow() - timedelta(minutes=5)).isoformat(),
                "students": [students[2].leerlingnummer],
                "flag_type": "veiligheid",
                "note": "Weer opgewacht bij de fietsenstalling.",
            }
        ],
    )
    db.session.flush()
    return {"trajecten": 1, "incidents": 1, "referrals": 2}
