"""Incidents with several students, each in a role: from a floor tension or de-escalation or
at the desk; in each student's chronology; counted in the report by kind and zone with the <5
suppression; every view audited per student."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.core.localtime import local_today, to_local
from app.core.vocabulary import IncidentKind, IncidentRole, Role
from app.desk.chronology.timeline import build_chronology
from app.desk.incidents.services import IncidentInput, Involved, create_incident
from app.exceptions import DomainError
from app.extensions import db
from app.floor.services import accept_entries
from app.models import AuditEvent, FloorEntry, Incident, Location, Student, User
from app.reports.builder import build_report
from app.reports.presenting import tables
from tests.client_helpers import hidden_fields
from tests.floor_helpers import entry

Client = Callable[[User], FlaskClient]


def incident_input(
    location: Location, *involved: tuple[Student, str], **changes: object
) -> IncidentInput:
    values: dict[str, object] = {
        "location": location,
        "zone_id": next(z.id for z in location.zones if z.name == "kantine"),
        "kind": "pesten",
        "day": local_today(),
        "at": time(0, 5),
        "description": "telefoon afgepakt",
        "involved": [Involved(s.leerlingnummer, role) for s, role in involved],
    }
    values.update(changes)
    return IncidentInput(**values)  # type: ignore[arg-type]


def test_a_floor_deescalation_becomes_an_incident_with_roles(
    client_for: Client, staff: User, student: Student, make_student: Callable[..., Student]
) -> None:
    other = make_student("ZS", first_name="Amir", last_name="Bakker", class_name="2C")
    accept_entries(
        staff,
        [
            entry(
                student.location,
                "deescalatie",
                zone="kantine",
                outcome="deels",
                students=[student.leerlingnummer, other.leerlingnummer],
                note="duwen in de rij",
            )
        ],
    )
    db.session.commit()
    floor_entry = db.session.scalars(select(FloorEntry)).one()
    client = client_for(staff)
    inbox = client.get("/bureau/").get_data(as_text=True)
    assert f"/bureau/incidenten/nieuw?melding={floor_entry.id}" in inbox
    path = f"/bureau/incidenten/nieuw?melding={floor_entry.id}"
    html = client.get(path).get_data(as_text=True)
    assert "duwen in de rij" in html and student.leerlingnummer in html  # prefilled
    data = hidden_fields(html, path)
    rows = {
        "involved-0-leerlingnummer": student.leerlingnummer,
        "involved-0-role": "slachtoffer",
        "involved-1-leerlingnummer": other.leerlingnummer,
        "involved-1-role": "dader",
    }
    form = {
        **data,
        **rows,
        "kind": "fysiek_geweld",
        "location": student.location_id,
        "zone": floor_entry.zone_id,
        "day": to_local(floor_entry.occurred_at).date().isoformat(),
        "at": to_local(floor_entry.occurred_at).strftime("%H:%M"),
        "description": "duwen in de rij, klap uitgedeeld",
    }
    assert client.post(path, data=form).status_code == 302
    incident = db.session.scalars(select(Incident)).one()
    assert incident.entry_id == floor_entry.id and incident.kind == IncidentKind.FYSIEK_GEWELD
    roles = {i.student_id: i.role for i in incident.involved}
    assert roles == {student.id: IncidentRole.SLACHTOFFER, other.id: IncidentRole.DADER}
    # The same floor entry does not become a second incident.
    data = hidden_fields(client.get(path).get_data(as_text=True), path)
    assert client.post(path, data={**form, **data}).status_code == 400
    # Each student's chronology shows it, with their role, the other only as a count.
    [item] = build_chronology(other.id, ["incident"])
    assert item.title.startswith("Incident: fysiek geweld") and ("Rol", "dader") in item.lines
    assert ("Met", "1 andere leerlingen") in item.lines
    assert "Visser" not in str(item.lines)
    # Viewing it is audited once per student.
    client.get(f"/bureau/incidenten/{incident.id}")
    audited = db.session.scalars(
        select(AuditEvent.student_id).where(
            AuditEvent.object_type == "incident", AuditEvent.action == "view"
        )
    ).all()
    assert sorted(audited) == sorted([student.id, other.id])


def test_what_an_incident_needs(
    staff: User, student: Student, make_student: Callable[..., Student]
) -> None:
    location = student.location
    with pytest.raises(DomainError, match="minstens één leerling"):
        create_incident(staff, incident_input(location))
    elsewhere = make_student("GL")
    with pytest.raises(DomainError, match="niet gevonden op locatie ZS"):
        create_incident(staff, incident_input(location, (elsewhere, "dader")))
    with pytest.raises(DomainError, match="maar één keer"):
        create_incident(staff, incident_input(location, (student, "dader"), (student, "omstander")))
    with pytest.raises(DomainError, match="rol"):
        create_incident(staff, incident_input(location, (student, "")))
    with pytest.raises(DomainError, match="toekomst"):
        create_incident(
            staff,
            incident_input(location, (student, "dader"), day=local_today() + timedelta(days=2)),
        )


def test_the_report_counts_incidents_by_kind_and_zone_with_suppression(
    staff: User, make_student: Callable[..., Student]
) -> None:
    students = [make_student("ZS") for _ in range(6)]
    location = students[0].location
    for s in students[:5]:
        create_incident(staff, incident_input(location, (s, "dader")))
    create_incident(staff, incident_input(location, (students[5], "slachtoffer"), kind="diefstal"))
    db.session.commit()
    today = local_today()
    report = build_report(["ZS"], today - timedelta(days=7), today)
    assert report.incidents is not None
    assert report.incidents.by_kind[IncidentKind.PESTEN].shown == "5"
    assert report.incidents.by_kind[IncidentKind.DIEFSTAL].shown == "<5"
    assert report.incidents.total.shown == "6"
    assert report.incidents.by_zone == [("kantine", report.incidents.total)]
    table = tables(report)["incidenten-soort"]
    assert ["diefstal", "<5", "<5"] in table.rows and ["pesten", "5", "5"] in table.rows
    assert tables(report)["incidenten-zone"].rows == [["kantine", "6"]]


def test_only_case_workers_of_the_location_see_incidents(
    client_for: Client, staff: User, student: Student, make_user: Callable[..., User]
) -> None:
    incident = create_incident(staff, incident_input(student.location, (student, "dader")))
    db.session.commit()
    assert (
        client_for(make_user(Role.MEDEWERKER, ("GL",)))
        .get(f"/bureau/incidenten/{incident.id}")
        .status_code
        == 404
    )
    assert (
        client_for(make_user(Role.AANDACHTSFUNCTIONARIS, ("ZS",)))
        .get("/bureau/incidenten")
        .status_code
        == 403
    )
    count = db.session.scalar(select(func.count()).select_from(Incident))
    assert count == 1
