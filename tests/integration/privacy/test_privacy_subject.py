"""Subject access, rectification and erasure of one student."""

import json
import time
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, inspect, select

from app.core.vocabulary import Role
from app.extensions import db
from app.floor.services import accept_entries
from app.models import AuditEvent, Flag, FloorEntry, Student, User
from app.privacy.subject import COVERED_TABLES
from tests.client_helpers import csrf_token_from
from tests.floor_helpers import entry


@pytest.fixture
def lotte(
    locations: dict, make_user: Callable[..., User], make_student: Callable[..., Student]
) -> Student:
    staff = make_user(Role.MEDEWERKER, ("ZS",), name="Samira")
    student = make_student("ZS", first_name="Lotte", last_name="Visser")
    accept_entries(
        staff,
        [
            entry(
                locations["ZS"],
                "vlag",
                flag_type="thuissituatie",
                students=[student.leerlingnummer],
                note="vader ziek",
            ),
            entry(locations["ZS"]),
        ],
    )
    db.session.commit()
    return student


def test_every_table_with_student_data_is_covered(app) -> None:
    """A new model holding student data must get a section provider and an eraser."""
    with_student = {
        table
        for table in inspect(db.engine).get_table_names()
        if any(
            fk["referred_table"] == "student" for fk in inspect(db.engine).get_foreign_keys(table)
        )
    } | {"student"}
    assert with_student <= COVERED_TABLES, sorted(with_student - COVERED_TABLES)


def _fresh(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["reauth_at"] = int(time.time())


def test_subject_access_page_and_json(
    client: FlaskClient, login_as: Callable[..., User], lotte: Student
) -> None:
    login_as(Role.BEHEER, ("ZS",))
    path = f"/privacy/leerling/{lotte.leerlingnummer}"
    with client.session_transaction() as session:
        session["reauth_at"] = 0
    assert client.get(path).headers["Location"].startswith("/herbevestigen")
    _fresh(client)
    html = client.get(path).get_data(as_text=True)
    assert "Lotte Visser" in html and "vader ziek" in html and "thuissituatie" in html
    data = client.get(f"{path}.json").get_json(force=True)
    assert data["leerlingnummer"] == lotte.leerlingnummer
    assert data["secties"]["vloer"]["rijen"][0]["notitie"] == "vader ziek"
    assert len(data["secties"]["vlaggen"]["rijen"]) == 1
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "subject_access")
    ).all()
    assert sorted(actions) == ["export", "view"]


@pytest.mark.parametrize("role", [r for r in Role if r != Role.BEHEER])
def test_only_beheer(
    client: FlaskClient, login_as: Callable[..., User], lotte: Student, role: Role
) -> None:
    login_as(role, ("ZS",))
    _fresh(client)
    assert client.get(f"/privacy/leerling/{lotte.leerlingnummer}").status_code == 403


def test_other_location_is_404(
    client: FlaskClient, login_as: Callable[..., User], lotte: Student
) -> None:
    login_as(Role.BEHEER, ("GL",))
    _fresh(client)
    assert client.get(f"/privacy/leerling/{lotte.leerlingnummer}").status_code == 404


def test_rectification_is_audited(
    client: FlaskClient, login_as: Callable[..., User], lotte: Student
) -> None:
    login_as(Role.BEHEER, ("ZS",))
    _fresh(client)
    path = f"/privacy/leerling/{lotte.leerlingnummer}"
    token = csrf_token_from(client, path)
    client.post(
        f"{path}/corrigeren",
        data={
            "csrf_token": token,
            "first_name": "Lot",
            "tussenvoegsel": "",
            "last_name": "Visser",
            "class_name": "3B",
            "mentor": "ABC",
        },
    )
    db.session.refresh(lotte)
    assert (lotte.first_name, lotte.class_name) == ("Lot", "3B")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rectify"))
    assert event is not None and "first_name" in event.detail and "class_name" in event.detail


def test_erasure_needs_reason_and_confirmation(
    client: FlaskClient, login_as: Callable[..., User], lotte: Student
) -> None:
    login_as(Role.BEHEER, ("ZS",))
    _fresh(client)
    student_id, number = lotte.id, lotte.leerlingnummer
    path = f"/privacy/leerling/{number}"
    token = csrf_token_from(client, path)
    client.post(f"{path}/wissen", data={"csrf_token": token, "reason": "", "confirm": ""})
    client.post(f"{path}/wissen", data={"csrf_token": token, "reason": "verzoek", "confirm": "123"})
    assert db.session.get(Student, student_id) is not None
    response = client.post(
        f"{path}/wissen",
        data={"csrf_token": token, "reason": "verzoek ouders", "confirm": number},
    )
    assert response.status_code == 302
    db.session.expunge_all()
    assert db.session.get(Student, student_id) is None
    assert db.session.scalar(select(func.count(Flag.id))) == 0
    assert db.session.scalar(select(func.count(FloorEntry.id))) == 2  # anonymous counts stay
    assert all(e.students == [] for e in db.session.scalars(select(FloorEntry)))
    erase_event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "erase"))
    assert erase_event is not None and erase_event.detail == "verzoek ouders"
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.student_id.is_not(None))
        )
        == 0
    )


def test_cli_export(runner: FlaskCliRunner, lotte: Student, tmp_path) -> None:
    out = tmp_path / "lotte.json"
    result = runner.invoke(args=["privacy", "export", lotte.leerlingnummer, "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["secties"]["leerling"]["rijen"][0]["roepnaam"] == "Lotte"
    missing = runner.invoke(args=["privacy", "export", "999999999"])
    assert missing.exit_code != 0 and "Geen leerling" in missing.output
