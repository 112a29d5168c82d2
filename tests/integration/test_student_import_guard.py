"""The student import's guard: a preview before anything changes (upload page), a confirmation
that holds only for the preview it confirms, and a command line that refuses to deactivate
students with open work or many of a location's students without --confirm (issue 20, item 1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

import app.students.importing as importing
from app.core.vocabulary import Role
from app.extensions import db
from app.models import Student, StudentImportUpload, User
from app.students.staging import CHANGED, RISKS_UNCONFIRMED, STALE
from tests.client_helpers import login
from tests.student_import_helpers import (
    CANCEL,
    CONFIRM,
    PREVIEW,
    confirmation,
    count_students,
    csv_bytes,
    open_all_work,
    student_line,
    upload,
)

WORK = "open casus (preventief), 1 open vlag, overdracht wacht op COPA, actief verzuimsignaal"


@pytest.fixture
def school(make_student: Callable[..., Student], make_user: Callable[..., User]) -> list[Student]:
    """Twenty students at ZS; the last one has open work of every kind."""
    students = [
        make_student("ZS", leerlingnummer=str(1001 + n), first_name=f"Kind{n}", last_name="Zuid")
        for n in range(20)
    ]
    open_all_work(make_user(Role.MEDEWERKER, ("ZS",)), students[-1])
    return students


def full_file(students: list[Student], *, drop: int = 2) -> bytes:
    """Everyone but the last ``drop``: the first renamed, the second moved to HK, the third in
    another class; and one new student."""
    lines = [student_line(students[0], roepnaam="Anders")]
    lines.append(student_line(students[1], locatie="HK"))
    lines.append(student_line(students[2], klas="3C"))
    lines += [student_line(s) for s in students[3 : len(students) - drop]]
    lines.append("2001;Nieuw;;Kind;1A;ZS;XYZ")
    return csv_bytes(*lines)


def names() -> dict[str, tuple[str, bool]]:
    return {s.leerlingnummer: (s.full_name, s.active) for s in db.session.scalars(select(Student))}


def uploads() -> int:
    return db.session.scalar(select(func.count(StudentImportUpload.id))) or 0


# --- the upload page ----------------------------------------------------------------------------


def test_the_preview_shows_what_the_import_does_and_changes_nothing(
    client: FlaskClient, login_as: Callable[..., User], school: list[Student]
) -> None:
    login_as(Role.BEHEER, ("ZS", "HK"))
    before = names()
    assert upload(client, full_file(school)).status_code == 302
    page = client.get(PREVIEW).get_data(as_text=True)
    assert names() == before  # nothing changed yet
    assert "Er is nog niets veranderd." in page
    # A changed name or location on a known leerlingnummer is listed, before and after.
    assert "Andere naam of locatie bij een bekend leerlingnummer (2)" in page
    assert "Kind0 Zuid (2B, ZS)</td><td>Anders Zuid (2B, ZS)" in page
    assert "Kind1 Zuid (2B, ZS)</td><td>Kind1 Zuid (2B, HK)" in page
    assert "Andere klas of mentor (1)" in page and "Nieuwe leerlingen (1)" in page
    # Deactivated: the student with open work by name, with the work.
    assert "Gedeactiveerd terwijl er nog werk open staat (1)" in page
    assert f"<td>1020</td><td>Kind19 Zuid</td><td>2B</td><td>ZS</td><td>{WORK}</td>" in page
    assert "1 leerling(en) met lopend werk" in page
    assert "<td>ZS</td><td>20</td><td>2</td><td>10%</td>" in page


def test_a_confirmed_preview_imports_exactly_what_it_showed(
    client: FlaskClient, login_as: Callable[..., User], school: list[Student]
) -> None:
    login_as(Role.BEHEER, ("ZS", "HK"))
    upload(client, full_file(school))
    page = client.get(PREVIEW).get_data(as_text=True)
    # Students with open work are deactivated only when that is ticked.
    unticked = client.post(CONFIRM, data=confirmation(page))
    assert unticked.status_code == 400
    assert RISKS_UNCONFIRMED in unticked.get_data(as_text=True)
    assert count_students(active=True) == 20 and uploads() == 1
    done = client.post(CONFIRM, data=confirmation(page, risks_seen="y"))
    assert done.status_code == 302
    assert (
        "Import klaar: 1 nieuw, 3 bijgewerkt, 15 ongewijzigd, 0 heractiveerd, 2 gedeactiveerd"
        in (client.get(done.headers["Location"]).get_data(as_text=True))
    )
    after = names()
    assert after["1001"] == ("Anders Zuid", True)
    assert after["1019"][1] is False and after["1020"][1] is False
    assert after["2001"] == ("Nieuw Kind", True)
    assert uploads() == 0  # the file is gone once imported
    # A second click on the same confirmation imports nothing more.
    again = client.post(CONFIRM, data=confirmation(page, risks_seen="y"))
    assert again.status_code == 302 and names() == after


def test_a_confirmation_of_an_older_preview_is_refused(
    client: FlaskClient, login_as: Callable[..., User], school: list[Student]
) -> None:
    login_as(Role.BEHEER, ("ZS", "HK"))
    upload(client, full_file(school))
    first = client.get(PREVIEW).get_data(as_text=True)
    upload(client, full_file(school, drop=0))  # another file replaces it
    second = client.get(PREVIEW).get_data(as_text=True)
    before = names()
    refused = client.post(CONFIRM, data=confirmation(first, risks_seen="y"))
    assert refused.status_code == 400
    assert STALE.split(":")[0] in refused.get_data(as_text=True)
    assert names() == before
    # The current preview still holds, and imports its own file.
    assert client.post(CONFIRM, data=confirmation(second)).status_code == 302
    assert count_students(active=True) == 21  # nobody deactivated: the second file has all


def test_a_preview_the_database_changed_under_is_refused_and_shown_anew(
    client: FlaskClient,
    runner: FlaskCliRunner,
    login_as: Callable[..., User],
    school: list[Student],
    tmp_path: Path,
) -> None:
    login_as(Role.BEHEER, ("ZS", "HK"))
    upload(client, full_file(school))
    page = client.get(PREVIEW).get_data(as_text=True)
    # Meanwhile another import renames a student the preview shows as unchanged.
    path = tmp_path / "een.csv"
    path.write_bytes(csv_bytes(student_line(school[5], roepnaam="Tussendoor")))
    assert runner.invoke(args=["import-students", "--partial", str(path)]).exit_code == 0
    before = names()
    refused = client.post(CONFIRM, data=confirmation(page, risks_seen="y"))
    assert refused.status_code == 400
    fresh = refused.get_data(as_text=True)
    assert CHANGED.split(":")[0] in fresh
    assert "Tussendoor Zuid (2B, ZS)</td><td>Kind5 Zuid (2B, ZS)" in fresh  # the new preview
    assert names() == before
    assert client.post(CONFIRM, data=confirmation(fresh, risks_seen="y")).status_code == 302
    assert names()["1006"] == ("Kind5 Zuid", True)


@pytest.mark.parametrize("forgery", ["fingerprint", "token", "other-user", "expired"])
def test_a_forged_foreign_or_expired_confirmation_imports_nothing(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    make_user: Callable[..., User],
    school: list[Student],
    forgery: str,
) -> None:
    owner = login_as(Role.BEHEER, ("ZS", "HK"))
    upload(client, full_file(school))
    page = client.get(PREVIEW).get_data(as_text=True)
    data = confirmation(page, risks_seen="y")
    if forgery in ("fingerprint", "token"):
        data[forgery] = "0" * 64
    elif forgery == "expired":
        stored = db.session.scalar(select(StudentImportUpload))
        stored.uploaded_at -= timedelta(minutes=31)
        db.session.commit()
    else:  # another beheer account sends the owner's confirmation
        other = make_user(Role.BEHEER, ("ZS", "HK"))
        client.post("/logout", data={"csrf_token": data["csrf_token"]})
        login(client, other.email)
        upload(client, csv_bytes(student_line(school[0])), full=False)
        data["csrf_token"] = confirmation(client.get(PREVIEW).get_data(as_text=True))["csrf_token"]
    before = names()
    response = client.post(CONFIRM, data=data)
    assert response.status_code in (302, 400)
    assert names() == before
    if forgery == "other-user":
        stored = db.session.scalar(
            select(StudentImportUpload).where(StudentImportUpload.user_id == owner.id)
        )
        assert stored is not None  # the owner's preview is untouched


def test_cancel_deletes_the_kept_file(
    client: FlaskClient, login_as: Callable[..., User], school: list[Student]
) -> None:
    login_as(Role.BEHEER, ("ZS", "HK"))
    upload(client, full_file(school))
    page = client.get(PREVIEW).get_data(as_text=True)
    csrf = confirmation(page)["csrf_token"]
    assert client.post(CANCEL, data={"annuleren-csrf_token": csrf}).status_code == 302
    assert uploads() == 0
    assert client.get(PREVIEW).status_code == 302  # no preview any more


def test_a_file_with_bad_rows_is_not_kept(
    client: FlaskClient, login_as: Callable[..., User], school: list[Student]
) -> None:
    login_as(Role.BEHEER, ("ZS",))
    response = upload(client, csv_bytes("1001;;;Zuid;2B;ZS;"))
    assert response.status_code == 400 and "Regel 2: roepnaam ontbreekt" in response.get_data(
        as_text=True
    )
    assert uploads() == 0


# --- the command line ---------------------------------------------------------------------------


def test_cli_stops_a_full_import_that_deactivates_open_work(
    runner: FlaskCliRunner, school: list[Student], tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(full_file(school))
    before = names()
    refused = runner.invoke(args=["import-students", str(path)])
    assert refused.exit_code == 1
    output = refused.output
    assert "Niets geïmporteerd: deze import moet eerst bevestigd worden." in output
    assert "1 nieuw, 2 met een andere naam of locatie, 1 met een andere klas of mentor" in output
    assert "1001: Kind0 Zuid (2B, ZS) → Anders Zuid (2B, ZS)" in output
    assert f"1020: Kind19 Zuid (2B, ZS): {WORK}" in output
    assert "Gedeactiveerd per locatie: HK 0 van 0 (0%), ZS 2 van 20 (10%)." in output
    assert names() == before
    done = runner.invoke(args=["import-students", "--confirm", str(path)])
    assert done.exit_code == 0, done.output
    assert "1001: Kind0 Zuid (2B, ZS) → Anders Zuid (2B, ZS)" in done.output
    assert "2 gedeactiveerd" in done.output
    assert names()["1020"][1] is False


def test_cli_stops_a_full_import_that_deactivates_over_a_tenth_of_a_location(
    runner: FlaskCliRunner, school: list[Student], tmp_path: Path
) -> None:
    path = tmp_path / "een-klas.csv"
    path.write_bytes(csv_bytes(*(student_line(s) for s in school[:15])))
    refused = runner.invoke(args=["import-students", str(path)])
    assert refused.exit_code == 1
    assert "ZS: 5 van de 20 actieve leerlingen (25%) worden gedeactiveerd" in refused.output
    assert count_students(active=True) == 20
    # A partial import deactivates nobody and needs no confirmation.
    assert runner.invoke(args=["import-students", "--partial", str(path)]).exit_code == 0
    assert count_students(active=True) == 20
    # Deactivating one student without open work (5%) needs none either.
    path.write_bytes(csv_bytes(*(student_line(s) for s in school[1:])))
    assert runner.invoke(args=["import-students", str(path)]).exit_code == 0
    assert count_students(active=True) == 19


def test_nothing_is_half_imported(
    runner: FlaskCliRunner, school: list[Student], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after the first changes (here: while deactivating) leaves nothing behind."""

    def fail() -> object:
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "utcnow", fail)
    path = tmp_path / "export.csv"
    path.write_bytes(full_file(school))
    before = names()
    result = runner.invoke(args=["import-students", "--confirm", str(path)])
    assert result.exit_code != 0 and isinstance(result.exception, RuntimeError)
    db.session.rollback()
    assert names() == before
