"""The Meldcode: a signal opens a traject (and alerts the aandachtsfunctionaris), the five
steps with the afwegingskader's two questions answered explicitly, the melding at Veilig
Thuis, restricted content (the coordinator and those added by name; others learn only that a
traject exists and whom to ask), every view audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.core.localtime import local_today
from app.core.vocabulary import AlertKind, MeldcodeStatus, MeldcodeStep, Role
from app.desk.meldcode.services import record_step
from app.exceptions import DomainError
from app.extensions import db
from app.floor.services import accept_entries
from app.models import Alert, AuditEvent, FloorEntry, MeldcodeRecord, MeldcodeTraject, Student, User
from tests.client_helpers import hidden_fields
from tests.floor_helpers import entry

SIGNAL = "Blauwe plekken op de bovenarm, zegt dat het thuis 'weer ruzie' was."
Client = Callable[[User], FlaskClient]


def open_by(client: FlaskClient, student: Student, melding: int | None = None) -> int:
    path = f"/bureau/leerling/{student.leerlingnummer}/meldcode/nieuw"
    if melding:
        path += f"?melding={melding}"
    data = hidden_fields(client.get(path).get_data(as_text=True), path)
    return client.post(path, data={**data, "signal": SIGNAL}).status_code


def traject() -> MeldcodeTraject:
    found = db.session.scalars(select(MeldcodeTraject)).one()
    return found


def views_of(traject_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.object_type == "meldcode_traject",
                AuditEvent.object_id == str(traject_id),
                AuditEvent.action == "view",
            )
        )
        or 0
    )


def test_a_signal_opens_a_traject_and_alerts_the_coordinator(
    client_for: Client, staff: User, leader: User, coordinator: User, student: Student
) -> None:
    assert open_by(client_for(staff), student) == 302
    t = traject()
    assert (t.owner_id, t.opened_by_id, t.signal) == (coordinator.id, staff.id, SIGNAL)
    assert [m.user_id for m in t.members] == [staff.id]  # who saw it reads along
    alert = db.session.scalars(select(Alert)).one()
    assert alert.kind == AlertKind.MELDCODE and alert.traject_id == t.id
    assert [r.user_id for r in alert.receipts] == [coordinator.id]  # not the team leader


def test_content_only_for_the_coordinator_and_who_they_add(
    client_for: Client, staff: User, leader: User, coordinator: User, student: Student
) -> None:
    open_by(client_for(staff), student)
    t = traject()
    path = f"/bureau/meldcode/{t.id}"
    leader_client = client_for(leader)
    assert leader_client.get(path).status_code == 404
    page = leader_client.get(f"/leerlingen/{student.leerlingnummer}").get_data(as_text=True)
    assert "Er loopt een Meldcode-traject" in page and "Karin Bosman" in page
    assert SIGNAL not in page and "bovenarm" not in page
    af = client_for(coordinator)
    html = af.get(path).get_data(as_text=True)
    assert "bovenarm" in html and views_of(t.id) == 1
    # The coordinator adds the team leader by name: they read along; removed, no longer.
    data = hidden_fields(html, f"/bureau/meldcode/{t.id}/leden")
    af.post(f"/bureau/meldcode/{t.id}/leden", data={**data, "member-user": leader.id})
    assert leader_client.get(path).status_code == 200 and views_of(t.id) == 2
    html = af.get(path).get_data(as_text=True)
    data = hidden_fields(html, f"/bureau/meldcode/{t.id}/leden/{leader.id}/weg")
    af.post(f"/bureau/meldcode/{t.id}/leden/{leader.id}/weg", data=data)
    assert leader_client.get(path).status_code == 404


def test_management_learns_nothing(
    client_for: Client,
    staff: User,
    coordinator: User,
    student: Student,
    make_user: Callable[..., User],
) -> None:
    open_by(client_for(staff), student)
    for role in (Role.LOCATIELEIDER, Role.BEHEER):
        page = client_for(make_user(role, ("ZS",))).get(f"/leerlingen/{student.leerlingnummer}")
        assert "Meldcode" not in page.get_data(as_text=True)


def step(client: FlaskClient, t: MeldcodeTraject, **fields: str) -> int:
    path = f"/bureau/meldcode/{t.id}"
    data = hidden_fields(client.get(path).get_data(as_text=True), f"{path}/stap")
    values = {"step-held_on": local_today().isoformat(), "step-notes": "besproken", **fields}
    return client.post(f"{path}/stap", data={**data, **values}).status_code


def test_step_5_answers_both_questions_explicitly(
    client_for: Client, staff: User, coordinator: User, student: Student
) -> None:
    open_by(client_for(staff), student)
    t = traject()
    af = client_for(coordinator)
    assert step(af, t, **{"step-step": "consultatie", "step-participants": "COPA"}) == 302
    assert step(af, t, **{"step-step": "beslissen", "step-report_needed": "ja"}) == 400
    assert (
        step(
            af,
            t,
            **{"step-step": "beslissen", "step-report_needed": "ja", "step-help_possible": "nee"},
        )
        == 302
    )
    records = db.session.scalars(select(MeldcodeRecord).order_by(MeldcodeRecord.id)).all()
    assert [r.step for r in records] == [MeldcodeStep.CONSULTATIE, MeldcodeStep.BESLISSEN]
    assert (records[1].report_needed, records[1].help_possible) == ("ja", "nee")
    assert records[0].report_needed is None and records[0].participants == "COPA"


def test_the_melding_at_veilig_thuis_and_closing(
    client_for: Client, staff: User, coordinator: User, student: Student
) -> None:
    open_by(client_for(staff), student)
    t = traject()
    af = client_for(coordinator)
    path = f"/bureau/meldcode/{t.id}"
    html = af.get(path).get_data(as_text=True)
    close = hidden_fields(html, f"{path}/afsluiten")
    response = af.post(f"{path}/afsluiten", data={**close, "close-reason": "klaar"})
    assert response.status_code == 400  # step 5 first
    melding = hidden_fields(html, f"{path}/melding")
    response = af.post(
        f"{path}/melding",
        data={**melding, "melding-reported_on": "2026-11-30", "melding-reference": "VT-2026-0042"},
    )
    assert response.status_code == 302
    step(
        af, t, **{"step-step": "beslissen", "step-report_needed": "ja", "step-help_possible": "ja"}
    )
    html = af.get(path).get_data(as_text=True)
    close = hidden_fields(html, f"{path}/afsluiten")
    assert (
        af.post(f"{path}/afsluiten", data={**close, "close-reason": "overgedragen"}).status_code
        == 302
    )
    db.session.expire_all()
    t = traject()
    assert (t.reported_on, t.report_reference) == (date(2026, 11, 30), "VT-2026-0042")
    assert t.status == MeldcodeStatus.AFGESLOTEN
    # A colleague who read along may no longer record steps in a closed traject.
    page = client_for(staff).get(path).get_data(as_text=True)
    assert f"{path}/stap" not in page
    with pytest.raises(DomainError, match="afgesloten"):
        record_step(staff, t, step="gesprek", held_on=local_today(), participants="", notes="x")


def test_one_open_traject_per_student(
    client_for: Client, staff: User, leader: User, coordinator: User, student: Student
) -> None:
    open_by(client_for(staff), student)
    html = client_for(leader).get(f"/bureau/leerling/{student.leerlingnummer}/meldcode/nieuw")
    assert "Bespreek je signaal met Karin Bosman" in html.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MeldcodeTraject)) == 1


def test_from_a_floor_flag(
    client_for: Client, staff: User, coordinator: User, student: Student
) -> None:
    accept_entries(
        staff,
        [
            entry(
                student.location,
                "vlag",
                students=[student.leerlingnummer],
                flag_type="thuissituatie",
                note="wil niet naar huis",
            )
        ],
    )
    db.session.commit()
    floor_entry = db.session.scalars(select(FloorEntry)).one()
    client = client_for(staff)
    html = client.get(
        f"/bureau/leerling/{student.leerlingnummer}/meldcode/nieuw?melding={floor_entry.id}"
    ).get_data(as_text=True)
    assert "wil niet naar huis" in html  # the floor note starts the signal
    open_by(client, student, floor_entry.id)
    assert traject().entry_id == floor_entry.id
