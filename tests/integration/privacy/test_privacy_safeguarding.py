"""Subject access, erasure and retention cover the safeguarding tables (issue 23): Meldcode
trajecten, incidents, referrals, DUO meldingen, alerts and push subscriptions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta

from sqlalchemy import select

from app.absence.duo import record_melding
from app.alerts.services import raise_alert, subscribe
from app.core.localtime import local_today
from app.core.vocabulary import AlertKind, MeldcodeStatus, ReferralStatus, Role
from app.desk.incidents.services import IncidentInput, Involved, create_incident
from app.desk.meldcode.services import open_traject, record_step
from app.desk.referrals.services import create_referral, ensure_default_partners
from app.extensions import db
from app.models import (
    Alert,
    ChainPartner,
    DuoMelding,
    Incident,
    IncidentStudent,
    MeldcodeTraject,
    PushSubscription,
    Referral,
    Student,
    User,
)
from app.models.types import utcnow
from app.privacy.retention import purge
from app.privacy.subject import as_json, erase_student, subject_access
from tests.absence_helpers import add_sixteen_hour_signal
from tests.alert_helpers import FakeBrowser
from tests.db_helpers import count
from tests.retention_helpers import DAYS


def everything_about(
    student: Student, other: Student, staff: User, coordinator: User
) -> dict[str, int]:
    traject = open_traject(staff, student, signal="blauwe plekken", owner=coordinator)
    record_step(
        coordinator,
        traject,
        step="consultatie",
        held_on=local_today(),
        participants="COPA",
        notes="advies Veilig Thuis gevraagd",
    )
    zone = next(z.id for z in student.location.zones if z.name == "kantine")
    shared = create_incident(
        staff,
        IncidentInput(
            student.location,
            zone,
            "pesten",
            local_today(),
            time(0, 5),
            "samen",
            [
                Involved(student.leerlingnummer, "slachtoffer"),
                Involved(other.leerlingnummer, "dader"),
            ],
        ),
    )
    alone = create_incident(
        staff,
        IncidentInput(
            student.location,
            zone,
            "vernieling",
            local_today(),
            time(0, 5),
            "alleen",
            [Involved(student.leerlingnummer, "dader")],
        ),
    )
    ensure_default_partners()
    create_referral(
        staff,
        student,
        partner=db.session.scalars(select(ChainPartner)).first(),
        referred_on=local_today(),
        contact_person="F. Yilmaz",
        reason="somber",
        consent="ouders",
        consent_note="",
        feedback_due=local_today() + timedelta(days=7),
    )
    signal = add_sixteen_hour_signal(student.id)
    db.session.flush()
    record_melding(staff, signal, reported_on=date(2026, 9, 29), reference="DUO-7")
    db.session.commit()
    return {"shared": shared.id, "alone": alone.id}


def test_subject_access_and_erasure(
    make_user: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",))
    coordinator = make_user(Role.AANDACHTSFUNCTIONARIS, ("ZS",), name="Karin Bosman")
    beheer = make_user(Role.BEHEER, ("ZS",))
    student, other = make_student("ZS"), make_student("ZS")
    ids = everything_about(student, other, staff, coordinator)
    sections = as_json(student, subject_access(student))["secties"]
    [traject] = sections["meldcode"]["rijen"]
    assert (
        traject["signaal"] == "blauwe plekken"
        and traject["aandachtsfunctionaris"] == "Karin Bosman"
    )
    assert traject["stappen"][0]["notities"] == "advies Veilig Thuis gevraagd"
    roles = sorted(r["rol"] for r in sections["incidenten"]["rijen"])
    assert roles == ["dader", "slachtoffer"]
    assert sections["verwijzingen"]["rijen"][0]["contactpersoon"] == "F. Yilmaz"
    assert sections["duo_meldingen"]["rijen"][0]["kenmerk"] == "DUO-7"

    erase_student(student, beheer, "verzoek ouders")
    db.session.commit()
    assert count(MeldcodeTraject) == 0 and count(Referral) == 0 and count(DuoMelding) == 0
    # The shared incident stays with the other student; the one about this student alone goes.
    assert db.session.get(Incident, ids["alone"]) is None
    shared = db.session.get(Incident, ids["shared"])
    assert shared is not None and [i.student_id for i in shared.involved] == [other.id]
    assert count(Alert) == 1  # the Meldcode alert is contentless; it loses its traject link
    assert db.session.scalars(select(Alert.traject_id)).one() is None


def test_retention_of_the_safeguarding_tables(
    make_user: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",))
    coordinator = make_user(Role.AANDACHTSFUNCTIONARIS, ("ZS",))
    leader = make_user(Role.TEAMLEIDER, ("ZS",))
    student, other = make_student("ZS"), make_student("ZS")
    everything_about(student, other, staff, coordinator)
    now = utcnow()
    traject = db.session.scalars(select(MeldcodeTraject)).one()
    traject.status = MeldcodeStatus.AFGESLOTEN
    traject.closed_at = now - timedelta(days=1826)
    referral = db.session.scalars(select(Referral)).one()
    referral.status = ReferralStatus.AFGEROND
    referral.outcome_on = (now - timedelta(days=731)).date()
    incidents = db.session.scalars(select(Incident).order_by(Incident.id)).all()
    incidents[0].occurred_at = now - timedelta(days=400)  # anonymised
    incidents[1].occurred_at = now - timedelta(days=800)  # deleted
    old_alert = raise_alert(AlertKind.VEILIGHEID, student.location_id, now=now - timedelta(days=91))
    old_alert_id = old_alert.id
    device = subscribe(leader, FakeBrowser().subscription("https://push.example/1"))
    device.created_at = now - timedelta(days=366)
    db.session.commit()
    lines = {line.key: line.count for line in purge(DAYS, now=now)}
    db.session.commit()
    assert lines["closed_meldcode_trajecten"] == 1 and count(MeldcodeTraject) == 0
    assert lines["closed_referrals"] == 1 and count(Referral) == 0
    assert lines["named_incidents"] == 2  # both are older than a year
    assert lines["anonymous_incidents"] == 1
    [kept] = db.session.scalars(select(Incident)).all()
    assert kept.description == "" and count(IncidentStudent) == 0
    assert lines["alerts"] == 1 and db.session.get(Alert, old_alert_id) is None
    assert lines["push_subscriptions"] == 1 and count(PushSubscription) == 0
    again = {line.key: line.count for line in purge(DAYS, now=now)}
    assert set(again.values()) == {0}
