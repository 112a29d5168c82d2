"""The import history: every student and absence import — upload, command line, inbox — is
recorded with how it ended, and beheer reads it at Beheer → Imports (no other role)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from app.core.vocabulary import ImportKind, ImportOrigin, ImportStatus, Role
from app.extensions import db
from app.models import ImportRun, Location, Student, User
from app.models.types import utcnow
from tests.absence_helpers import magister_csv, magister_day, school_calendar
from tests.absence_helpers import upload as upload_absence
from tests.client_helpers import csrf_token_from
from tests.inbox_helpers import recorded_import
from tests.student_import_helpers import CONFIRM, confirmation, csv_bytes
from tests.student_import_helpers import upload as upload_students

MON = date(2026, 9, 14)


def history() -> list[tuple[ImportKind, ImportOrigin, ImportStatus, str, int | None]]:
    db.session.expire_all()
    return [
        (r.kind, r.origin, r.status, r.filename, r.rows)
        for r in db.session.scalars(select(ImportRun).order_by(ImportRun.id))
    ]


def last() -> ImportRun:
    run = db.session.scalar(select(ImportRun).order_by(ImportRun.id.desc()).limit(1))
    assert run is not None
    return run


def test_imports_on_the_command_line_are_recorded(
    runner: FlaskCliRunner, locations: dict[str, Location], tmp_path: Path
) -> None:
    school_calendar()
    students = tmp_path / "leerlingen.csv"
    students.write_bytes(csv_bytes("100231;Lotte;;de Groot;2B;ZS;ABC", ";;;Smit;3A;ZS;"))
    assert runner.invoke(args=["import-students", str(students)]).exit_code == 1
    assert "Regel 3: leerlingnummer ontbreekt; roepnaam ontbreekt" in last().message
    students.write_bytes(csv_bytes("100231;Lotte;;de Groot;2B;ZS;ABC"))
    assert runner.invoke(args=["import-students", str(students)]).exit_code == 0
    assert last().message == "1 nieuw, 0 bijgewerkt, 0 ongewijzigd, 0 heractiveerd, 0 gedeactiveerd"
    assert "@" in last().runner and last().user_id is None
    absence = tmp_path / "verzuim.csv"
    absence.write_bytes(magister_csv(*magister_day("100231", MON)))
    assert runner.invoke(args=["import-absence", str(absence), "--no-signals"]).exit_code == 0
    absence.write_bytes(magister_csv(*magister_day("999999", MON)))
    assert runner.invoke(args=["import-absence", str(absence)]).exit_code == 1
    assert "onbekende leerlingnummers (1): 999999" in last().message

    cli = ImportOrigin.OPDRACHTREGEL
    assert history() == [
        (ImportKind.LEERLINGEN, cli, ImportStatus.MISLUKT, "leerlingen.csv", 2),
        (ImportKind.LEERLINGEN, cli, ImportStatus.GELUKT, "leerlingen.csv", 1),
        (ImportKind.VERZUIM, cli, ImportStatus.GELUKT, "verzuim.csv", 8),
        (ImportKind.VERZUIM, cli, ImportStatus.MISLUKT, "verzuim.csv", 8),
    ]


def test_uploads_are_recorded_with_who_uploaded(
    client: FlaskClient, login_as: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    school_calendar()
    make_student("ZS", leerlingnummer="100231")
    beheer = login_as(Role.BEHEER)
    assert upload_absence(client, magister_csv(*magister_day("100231", MON))).status_code == 302
    assert upload_absence(client, magister_csv(*magister_day("999999", MON))).status_code == 400
    # Students: a file the upload refuses, then one previewed and confirmed.
    assert upload_students(client, csv_bytes(";Lotte;;de Groot;2B;ZS;ABC")).status_code == 400
    added = csv_bytes("100232;Amir;;Haddou;2B;ZS;ABC")
    assert upload_students(client, added, full=False).status_code == 302
    page = client.get("/beheer/leerlingen/import/voorbeeld").get_data(as_text=True)
    assert client.post(CONFIRM, data=confirmation(page)).status_code == 302

    upload = ImportOrigin.UPLOAD
    assert history() == [
        (ImportKind.VERZUIM, upload, ImportStatus.GELUKT, "verzuim.csv", 8),
        (ImportKind.VERZUIM, upload, ImportStatus.MISLUKT, "verzuim.csv", 8),
        (ImportKind.LEERLINGEN, upload, ImportStatus.MISLUKT, "export.csv", 1),
        (ImportKind.LEERLINGEN, upload, ImportStatus.GELUKT, "export.csv", 1),
    ]
    assert {run.user_id for run in db.session.scalars(select(ImportRun))} == {beheer.id}


def add_runs(number: int) -> None:
    start = utcnow() - timedelta(days=1)
    for n in range(number):
        recorded_import(
            filename=f"verzuim-{n:02d}.csv",
            rows=n,
            message=f"{n} regels: {n} nieuw",
            moved_to=f"verwerkt/verzuim-{n:02d}.csv",
            started_at=start + timedelta(minutes=n),
        )
    db.session.commit()


def test_beheer_reads_every_import_newest_first_a_page_at_a_time(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    beheer = login_as(Role.BEHEER)
    add_runs(54)
    recorded_import(
        kind=ImportKind.LEERLINGEN,
        origin=ImportOrigin.UPLOAD,
        status=ImportStatus.MISLUKT,
        filename="leerlingen.xlsx",
        rows=40,
        message="Niets geïmporteerd: 1 fout(en) in 40 regels.\nRegel 3: roepnaam ontbreekt",
        user_id=beheer.id,
        runner="",
    )
    db.session.commit()
    first = client.get("/beheer/imports").get_data(as_text=True)
    assert "55 imports" in first
    assert first.index("leerlingen.xlsx") < first.index("verzuim-53.csv")
    assert f"{beheer.name} (upload)" in first
    assert "<summary>Niets geïmporteerd: 1 fout(en) in 40 regels.</summary>" in first
    assert "Regel 3: roepnaam ontbreekt" in first
    assert "inbox (automatisch)" in first and "schoolfit@app1" in first
    assert "verwerkt/verzuim-53.csv" in first and "53 regels: 53 nieuw" in first
    assert first.count("<tr>") == 1 + 50  # the header and a page of 50
    assert '<a href="/beheer/imports?page=2">Volgende</a>' in first
    second = client.get("/beheer/imports?page=2").get_data(as_text=True)
    assert second.count("<tr>") == 1 + 5 and "verzuim-00.csv" in second
    assert 'href="/beheer/imports"' in client.get("/beheer/").get_data(as_text=True)

    token = csrf_token_from(client, "/beheer/imports")
    client.post("/taal/en", data={"csrf_token": token, "next": "/beheer/imports"})
    english = client.get("/beheer/imports").get_data(as_text=True)
    assert "55 imports" in english and "inbox (automatic)" in english
    assert '<th scope="col">Result</th>' in english and "not imported" in english


@pytest.mark.parametrize("role", list(Role))
def test_only_beheer_opens_the_imports_page(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], role: Role
) -> None:
    login_as(role, ("ZS",))
    add_runs(1)
    response = client.get("/beheer/imports")
    start = client.get("/").get_data(as_text=True) if role is not Role.MEDEWERKER else ""
    if role is Role.BEHEER:
        assert response.status_code == 200 and "verzuim-00.csv" in response.get_data(as_text=True)
        assert 'href="/beheer/imports"' in start  # in the menu
    else:
        assert response.status_code == 403
        assert "verzuim-00.csv" not in response.get_data(as_text=True)
        assert 'href="/beheer/imports"' not in start
