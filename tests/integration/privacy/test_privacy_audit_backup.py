"""The audit trail page and export, and backup with a real restore."""

import csv
import io
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, func, inspect, select, text

from app.audit import record
from app.core.vocabulary import Role
from app.extensions import db
from app.floor.services import accept_entries
from app.models import AuditEvent, Student, User
from tests.csv_helpers import HOSTILE_NAMES, cells, formula_cells
from tests.floor_helpers import entry


@pytest.mark.parametrize("role", [r for r in Role if r != Role.BEHEER])
def test_only_beheer_reads_the_audit_log(
    client: FlaskClient, login_as: Callable[..., User], role: Role
) -> None:
    login_as(role)
    assert client.get("/privacy/audit").status_code == 403
    assert client.get("/privacy/audit/leerling/1.csv").status_code == 403


def test_audit_log_filters(
    client: FlaskClient,
    login_as: Callable[..., User],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    staff = make_user(Role.TEAMLEIDER, email="lezer@school.example.nl")
    lotte = make_student("ZS")
    other = make_student("ZS")
    record(staff, "view", "student", lotte.leerlingnummer, student=lotte, address="10.0.0.7")
    record(staff, "view", "student", other.leerlingnummer, student=other, address="10.0.0.7")
    record(staff, "export", "casus", "12", student=lotte, address="10.0.0.8")
    db.session.commit()
    login_as(Role.BEHEER, ("ZS",))
    page = client.get(f"/privacy/audit?leerlingnummer={lotte.leerlingnummer}").get_data(
        as_text=True
    )
    assert "2 gebeurtenissen" in page and "10.0.0.8" in page and "lezer@school.example.nl" in page
    page = client.get("/privacy/audit?action=export").get_data(as_text=True)
    assert "1 gebeurtenissen" in page
    page = client.get("/privacy/audit?user=LEZER@school.example.nl").get_data(as_text=True)
    assert "3 gebeurtenissen" in page
    bad = client.get("/privacy/audit?start=gisteren")
    assert bad.status_code == 200  # an unreadable date is ignored with a message, not a 500
    assert "Ongeldige datum." in bad.get_data(as_text=True)  # WTForms, in Dutch


def test_student_trail_export_asks_for_the_password_and_is_audited(
    client: FlaskClient, login_as: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    admin = login_as(Role.BEHEER, ("ZS",))
    lotte = make_student("ZS")
    record(admin, "view", "student", lotte.leerlingnummer, student=lotte)
    db.session.commit()
    with client.session_transaction() as session:
        session["reauth_at"] = int(time.time()) - 3600
    path = f"/privacy/audit/leerling/{lotte.leerlingnummer}.csv"
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/herbevestigen")
    with client.session_transaction() as session:
        session["reauth_at"] = int(time.time())
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)), delimiter=";"))
    assert rows[0][:4] == ["tijdstip", "gebruiker", "rol", "actie"]
    assert rows[1][1] == admin.email and rows[1][3] == "view"
    exports = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [(e.object_type, e.student_id) for e in exports] == [("audit_trail", lotte.id)]
    gl = make_student("GL")
    assert client.get(f"/privacy/audit/leerling/{gl.leerlingnummer}.csv").status_code == 404


def test_student_trail_csv_neutralises_hostile_details(
    client: FlaskClient, login_as: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    admin = login_as(Role.BEHEER, ("ZS",))
    student = make_student("ZS", class_name="=1+1")
    for detail in HOSTILE_NAMES:
        record(admin, "view", "student", student.leerlingnummer, student=student, detail=detail)
    db.session.commit()
    with client.session_transaction() as session:
        session["reauth_at"] = int(time.time())
    response = client.get(f"/privacy/audit/leerling/{student.leerlingnummer}.csv")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and formula_cells(text) == []
    details = [row[7] for row in cells(text)[1:]]
    assert details == [f"'{detail}" for detail in HOSTILE_NAMES]


def _row_counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: connection.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()  # noqa: S608
            for name in inspect(connection).get_table_names()
        }


def test_backup_restores_every_record(
    app: Flask,
    runner: FlaskCliRunner,
    tmp_path: Path,
    locations: dict,
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",))
    student = make_student("ZS")
    accept_entries(
        staff,
        [
            entry(locations["ZS"], "vlag", flag_type="zorg", students=[student.leerlingnummer]),
            entry(locations["ZS"]),
        ],
    )
    record(staff, "view", "student", student.leerlingnummer, student=student)
    db.session.commit()
    before = _row_counts(db.engine)
    assert before["floor_entry"] == 2 and before["flag"] == 1 and before["audit_event"] == 1

    target = tmp_path / "backup.dump"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "Back-up geschreven" in result.output and target.stat().st_size > 0
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "bestaat al" in again.output

    if db.engine.dialect.name == "sqlite":
        with sqlite3.connect(target) as check:
            assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        restored = create_engine(f"sqlite:///{target}")
    else:
        from app.privacy.backup import _pg_tool, pg_environment

        url = db.engine.url
        restore_name = f"restore_{int(time.time() * 1000)}"
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'CREATE DATABASE "{restore_name}"'))
        restore_url = url.set(database=restore_name)
        args, env = pg_environment(create_engine(restore_url))
        subprocess.run(
            [_pg_tool("pg_restore"), "--no-owner", *args, str(target)],
            env=env,
            check=True,
            capture_output=True,
        )
        restored = create_engine(restore_url)
    try:
        assert _row_counts(restored) == before
        with restored.connect() as connection:
            numbers = connection.execute(text("SELECT leerlingnummer FROM student")).scalars()
            assert student.leerlingnummer in list(numbers)
    finally:
        restored.dispose()
    assert db.session.scalar(select(func.count(Student.id))) == 1  # the original is untouched
