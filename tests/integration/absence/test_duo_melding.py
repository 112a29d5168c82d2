"""The DUO melding itself (issue 23): recorded from a 16-hour signal (date, by whom,
reference), it closes the DUO reminder; the leerplichtambtenaar's follow-up (contact,
verzuimgesprek); new 16 hours after a melding is a follow-up, not a new first melding."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.absence.duo import record_melding
from app.core.vocabulary import Role
from app.extensions import db
from app.models import AbsenceSignal, DuoMelding, Student, User
from tests.absence_helpers import add_sixteen_hour_signal
from tests.client_helpers import hidden_fields, login


def client_for(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def signal_of(student: Student, start: date = date(2026, 9, 14)) -> AbsenceSignal:
    signal = add_sixteen_hour_signal(student.id, start)
    db.session.commit()
    return signal


def test_recording_the_melding_closes_the_reminder(
    app: Flask, make_user: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",), name="Samira Bakker")
    student = make_student("ZS")
    signal = signal_of(student)
    client = client_for(app, staff)
    page = client.get(f"/leerlingen/{student.leerlingnummer}").get_data(as_text=True)
    path = f"/verzuim/signalen/{signal.id}/duo-melding"
    assert "Meldplicht verzuim" in page and path in page
    html = client.get(path).get_data(as_text=True)
    assert "vervolgmelding" not in html.lower()
    form = {
        **hidden_fields(html, path),
        "reported_on": "2026-09-29",
        "reference": "DUO-2026-123",
        "leerplicht_contact": "R. de Graaf, Rotterdam",
    }
    response = client.post(path, data=form)
    assert response.status_code == 302
    melding = db.session.scalars(select(DuoMelding)).one()
    assert (melding.reference, melding.follow_up, melding.reported_by_id) == (
        "DUO-2026-123",
        False,
        staff.id,
    )
    db.session.refresh(signal)
    assert signal.acknowledged_at is not None and "DUO-2026-123" in signal.acknowledgement_note
    page = client.get(f"/leerlingen/{student.leerlingnummer}").get_data(as_text=True)
    assert "Meldplicht verzuim" not in page and "DUO-2026-123" in page
    # A second melding for the same signal goes to the first one.
    assert client.get(path).headers["Location"].endswith(f"/verzuim/duo-meldingen/{melding.id}")
    # The leerplichtambtenaar's follow-up.
    detail = f"/verzuim/duo-meldingen/{melding.id}"
    html = client.get(detail).get_data(as_text=True)
    follow = {
        **hidden_fields(html, detail),
        "leerplicht_contact": "R. de Graaf",
        "contacted_on": "2026-10-01",
        "conversation_on": "2026-10-06",
        "conversation_note": "afspraak: elke maandag melden bij de mentor",
    }
    assert client.post(detail, data=follow).status_code == 302
    db.session.refresh(melding)
    assert melding.conversation_on == date(2026, 10, 6) and melding.contacted_on


def test_new_16_hours_after_a_melding_is_a_follow_up(
    app: Flask, make_user: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",))
    student = make_student("ZS")
    first = signal_of(student)
    record_melding(staff, first, reported_on=date(2026, 9, 29), reference="DUO-1")
    first.active = False
    second = signal_of(student, date(2026, 10, 5))
    page = client_for(app, staff).get(f"/leerlingen/{student.leerlingnummer}")
    assert "Vervolgmelding" in page.get_data(as_text=True)
    melding = record_melding(staff, second, reported_on=date(2026, 10, 20), reference="DUO-2")
    assert melding.follow_up is True
    db.session.commit()


def test_only_16_hour_signals_of_own_students(
    app: Flask, make_user: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    signal = signal_of(make_student("ZS"))
    assert (
        client_for(app, make_user(Role.MEDEWERKER, ("GL",)))
        .get(f"/verzuim/signalen/{signal.id}/duo-melding")
        .status_code
        == 404
    )
    assert (
        client_for(app, make_user(Role.COPA, ("ZS",)))
        .get(f"/verzuim/signalen/{signal.id}/duo-melding")
        .status_code
        == 403
    )
    signal.rule = "te_laat"
    db.session.commit()
    assert (
        client_for(app, make_user(Role.MEDEWERKER, ("ZS",)))
        .get(f"/verzuim/signalen/{signal.id}/duo-melding")
        .status_code
        == 404
    )
