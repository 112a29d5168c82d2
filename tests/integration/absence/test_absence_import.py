"""The absence import: formats, natural key, corrections, all-or-nothing errors, CLI, upload."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from openpyxl import Workbook
from sqlalchemy import func, select

from app.absence.importer import AbsenceImportRejected, import_absence
from app.absence.signals import evaluate_signals
from app.core.vocabulary import Role
from app.exceptions import DomainError
from app.extensions import db
from app.imports.tabular import TableError
from app.models import AbsenceImport, AbsenceRecord, AbsenceSignal, Student, User
from tests.absence_helpers import (
    magister_csv,
    magister_day,
    magister_row,
    school_calendar,
    somtoday_csv,
    upload,
)
from tests.client_helpers import csrf_token_from

MON = date(2026, 9, 14)
AS_OF = date(2026, 9, 18)


@pytest.fixture
def student(app: Flask, make_student: Callable[..., Student]) -> Student:
    school_calendar()
    return make_student("ZS", leerlingnummer="100231")


def records() -> list[AbsenceRecord]:
    return list(
        db.session.scalars(select(AbsenceRecord).order_by(AbsenceRecord.day, AbsenceRecord.slot))
    )


def count_records() -> int:
    return db.session.scalar(select(func.count(AbsenceRecord.id))) or 0


def test_magister_export(student: Student) -> None:
    data = magister_csv(
        *magister_day("100231", MON, "Z"),
        magister_row("100231", MON.replace(day=15), 2, "O"),
        magister_row("100231", MON.replace(day=16), 1, "L"),
        magister_row("100231", MON.replace(day=17), 3, "U"),
    )
    result = import_absence(data, "magister.csv", as_of=AS_OF)
    db.session.commit()
    assert (result.rows, result.inserted, result.updated, result.unchanged) == (11, 11, 0, 0)
    assert result.source == "magister"
    stored = records()
    assert {r.category for r in stored} == {"ziek", "ongeoorloofd", "te_laat", "verwijderd"}
    first = stored[0]
    assert (first.day, first.slot, first.kind, first.first_hour) == (MON, "L1", "afwezig", 1)
    assert first.starts_at is not None and first.starts_at.hour == 6  # 08:30 CEST in UTC
    assert first.minutes == 50 and first.authorised is True
    assert db.session.scalar(select(func.count(AbsenceImport.id))) == 1


def test_somtoday_export_with_periods(student: Student) -> None:
    data = somtoday_csv(
        # Sick from Monday lesson 3 to Wednesday lesson 4: one registration, three days.
        "100231,2026-09-14T10:10:00,2026-09-16T11:50:00,3,4,Absent,Z,Ziek,Ja",
        "100231,2026-09-17T08:30:00.000+02:00,2026-09-17T08:40:00.000+02:00,1,1,Telaat,,,Nee",
        "100231,2026-09-18T09:20:00,2026-09-18T11:00:00,2,3,Absent,,Spijbelen,nee",
    )
    result = import_absence(data, "somtoday.csv", as_of=AS_OF)
    assert result.source == "somtoday" and result.inserted == 3
    sick, lateness, truancy = records()
    assert (sick.day, sick.last_day, sick.first_hour, sick.last_hour) == (
        MON,
        date(2026, 9, 16),
        3,
        4,
    )
    assert (lateness.category, lateness.authorised) == ("te_laat", False)
    assert (truancy.category, truancy.code, truancy.minutes) == ("ongeoorloofd", "", 100)


def test_canonical_format_and_xlsx(student: Student) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["leerlingnummer", "begin", "eind", "lesuur", "code", "omschrijving"])
    sheet.append([100231, date(2026, 9, 14), None, None, "V", "Bruiloft"])  # a whole day
    sheet.append(["100231", "15-09-2026 08:30", "15-09-2026 09:20", 1, "O", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_absence(buffer.getvalue(), "verzuim.xlsx", as_of=AS_OF)
    assert result.inserted == 2
    whole_day, lesson = records()
    assert (whole_day.slot, whole_day.category) == ("dag", "geoorloofd")
    assert (lesson.slot, lesson.category) == ("L1", "ongeoorloofd")


def test_reimport_and_overlap_never_double_count(student: Student) -> None:
    week1 = magister_day("100231", MON) + magister_day("100231", MON.replace(day=15))
    week2 = magister_day("100231", MON.replace(day=21))
    import_absence(magister_csv(*week1), "a.csv", as_of=AS_OF)
    db.session.commit()
    again = import_absence(magister_csv(*week1), "a.csv", as_of=AS_OF)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 16)
    overlap = import_absence(magister_csv(*week1[8:], *week2), "b.csv", as_of=AS_OF)
    db.session.commit()
    assert (overlap.inserted, overlap.unchanged) == (8, 8)
    assert count_records() == 24
    summary = evaluate_signals(date(2026, 9, 21))
    (report,) = [f for _, f in summary.findings if f.rule == "16uur"]
    assert report.hours == 16  # not 24 or 32: nothing counted twice


def test_replace_period_removes_what_the_lvs_deleted(
    student: Student, make_student: Callable[..., Student], runner: FlaskCliRunner, tmp_path: Path
) -> None:
    other = make_student("ZS", leerlingnummer="100232")
    monday, tuesday, wednesday = MON, MON.replace(day=15), MON.replace(day=16)
    import_absence(
        magister_csv(
            *magister_day("100231", monday),
            *magister_day("100231", tuesday),
            *magister_day("100232", tuesday),
        ),
        "a.csv",
        as_of=AS_OF,
    )
    db.session.commit()
    assert count_records() == 24
    # Without the option a later export that lacks Monday's hours changes nothing stored.
    plain = import_absence(
        magister_csv(*magister_day("100231", tuesday, lessons=range(1, 5))), "b.csv", as_of=AS_OF
    )
    assert (plain.removed, count_records()) == (0, 24)
    # The LVS deleted Monday and lessons 5-8 of Tuesday: the file covers Monday–Wednesday.
    export = magister_csv(
        magister_row("100231", monday, 1, "V"),  # one hour, now authorised leave
        *magister_day("100231", tuesday, lessons=range(1, 5)),
        magister_row("100231", wednesday, 1),
    )
    path = tmp_path / "c.csv"
    path.write_bytes(export)
    result = runner.invoke(args=["import-absence", str(path), "--replace-period"])
    assert result.exit_code == 0, result.output
    assert "11 verwijderd" in result.output  # Monday hours 2-8 and Tuesday hours 5-8
    db.session.expire_all()
    mine = sorted((r.day, r.slot) for r in records() if r.student_id == student.id)
    assert mine == [
        (monday, "L1"),
        *((tuesday, f"L{n}") for n in range(1, 5)),
        (wednesday, "L1"),
    ]
    # The other student had no row in the file: left alone.
    assert sum(1 for r in records() if r.student_id == other.id) == 8


def test_a_later_correction_replaces_the_earlier_row(student: Student) -> None:
    import_absence(
        magister_csv(*magister_day("100231", MON), *magister_day("100231", MON.replace(day=15))),
        "a.csv",
        as_of=AS_OF,
    )
    db.session.commit()
    assert db.session.scalar(
        select(func.count(AbsenceSignal.id)).where(AbsenceSignal.rule == "16uur")
    )
    # The parents called: Tuesday was illness, not truancy.
    result = import_absence(
        magister_csv(*magister_day("100231", MON.replace(day=15), "Z")), "b.csv", as_of=AS_OF
    )
    db.session.commit()
    assert (result.inserted, result.updated) == (0, 8)
    assert count_records() == 16
    tuesday = [r for r in records() if r.day == MON.replace(day=15)]
    assert {(r.category, r.code) for r in tuesday} == {("ziek", "Z")}
    signal = db.session.scalar(select(AbsenceSignal).where(AbsenceSignal.rule == "16uur"))
    assert signal is not None and signal.active is False  # 8 hours remain


def test_rows_that_are_no_absence_and_weekend_rows(student: Student) -> None:
    data = magister_csv(
        magister_row("100231", MON, 1),
        "100231;14-09-2026 09:20;14-09-2026 10:10;2;HW;Huiswerk vergeten;Nee;5",
        magister_row("100231", date(2026, 9, 19), 5, "U"),  # a Saturday
        magister_row("100231", MON, 1),  # the same row twice
    )
    result = import_absence(data, "a.csv", as_of=AS_OF)
    assert (result.inserted, result.not_absence, result.non_school_day, result.duplicates) == (
        2,
        1,
        1,
        1,
    )
    assert "zonder verzuim" in result.summary() and "dag zonder school" in result.summary()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Het bestand is leeg."),
        (b"stamnr;Start\r\n", "alleen een kopregel"),
        (magister_csv("100231|14-09-2026", header="stamnr|Start|Code"), "scheidingsteken"),
        (
            magister_csv("100231;14-09-2026", header="stamnr;Code"),
            "Kolom(men) niet gevonden: begin",
        ),
        (magister_csv("100231;14-09-2026", header="stamnr;Start"), "code (Code/afkorting)"),
        ("stamnr;Start;Code\n1;2;3\n".encode("utf-16"), "UTF-16"),
        (b"stamnr;Start;Code\n100231;14-09-2026;\x81\x81\n", "tekenset"),
    ],
    ids=[
        "empty",
        "header-only",
        "wrong-delimiter",
        "missing-column",
        "no-kind",
        "utf16",
        "encoding",
    ],
)
def test_unreadable_files(student: Student, data: bytes, message: str) -> None:
    with pytest.raises(TableError) as caught:
        import_absence(data, "x.csv")
    assert message in caught.value.message
    assert count_records() == 0


def test_bad_rows_change_nothing_and_are_listed(student: Student, make_student) -> None:
    import_absence(magister_csv(magister_row("100231", MON, 1)), "first.csv", as_of=AS_OF)
    db.session.commit()
    rows = [
        magister_row("100231", MON, 2),  # fine on its own
        "100231;31-09-2026 08:30;31-09-2026 09:20;1;O;Ongeoorloofd;Nee;1",  # no 31 September
        "100231;14-09-2026 10:00;14-09-2026 09:00;;O;x;Nee;1",  # ends before it starts
        "999999;14-09-2026 08:30;14-09-2026 09:20;1;O;x;Nee;1",  # unknown student
        "888888;14-09-2026 08:30;14-09-2026 09:20;1;O;x;Nee;1",  # unknown student
        "100231;14-09-2026 08:30;14-09-2026 09:20;4;QQ;Raar;Nee;1",  # unknown code
        "100231;14-09-2025 08:30;14-09-2025 09:20;1;O;x;Nee;1",  # school year not in calendar
        "100231;14-09-2026 08:30;14-09-2026 09:20;x;O;x;Nee;1",  # bad lesson hour
        "100231;14-09-2026 08:30;14-09-2026 09:20;5;;x;;1",  # no code and no geoorloofd
        "100231;14-09-2026 08:30;14-09-2026 09:20;6;O;x;Nee;9x",  # bad kind
        magister_row("100231", MON, 2, "Z"),  # same lesson as line 2, other code
    ]
    with pytest.raises(AbsenceImportRejected) as caught:
        import_absence(magister_csv(*rows), "bad.csv")
    message = caught.value.message
    assert message.startswith("Niets geïmporteerd:")
    for expected in (
        "Regel 3: begin: '31-09-2026 08:30' is geen bestaande datum",
        "Regel 4: eind ligt vóór begin",
        "Regels 5, 6: onbekende leerlingnummers (2): 888888, 999999",
        "Regel 7: onbekende verzuimcode 'QQ'",
        "Regel 8: de datum valt in schooljaar 2025-2026, dat niet in de schoolkalender staat",
        "Regel 9: lesuur 'x' is geen getal",
        "Regel 10: geen code en geoorloofd is leeg",
        "Regel 11: soort '9x' is onbekend",
        "Regel 12: dezelfde registratie (leerling, dag, lesuur, soort) als regel 2",
    ):
        assert expected in message, message
    assert caught.value.unknown_students == ["888888", "999999"]
    db.session.rollback()
    assert count_records() == 1


def test_unknown_students_can_be_skipped(student: Student) -> None:
    data = magister_csv(magister_row("100231", MON, 1), magister_row("999999", MON, 1))
    result = import_absence(data, "a.csv", skip_unknown_students=True, as_of=AS_OF)
    assert result.inserted == 1 and result.skipped_students == ["999999"]
    assert "1 regel van 1 onbekende leerling overgeslagen: 999999" in result.summary()


def test_no_school_year_yet(app: Flask, make_student: Callable[..., Student]) -> None:
    make_student("ZS", leerlingnummer="100231")
    with pytest.raises(DomainError, match="nog geen schooljaar"):
        import_absence(magister_csv(magister_row("100231", MON, 1)), "a.csv")


def test_cli_import_with_progress(runner: FlaskCliRunner, student: Student, tmp_path) -> None:
    path = tmp_path / "verzuim.csv"
    path.write_bytes(
        magister_csv(*magister_day("100231", MON), *magister_day("100231", MON.replace(day=15)))
    )
    result = runner.invoke(args=["import-absence", str(path)])
    assert result.exit_code == 0, result.output
    assert "Controleren" in result.output and "Opslaan" in result.output
    assert "16 regels: 16 nieuw" in result.output
    assert "signalen per" in result.output
    path.write_bytes(magister_csv("100231;14-09-2026 08:30;14-09-2026 09:20;1;XX;Raar;Nee;1"))
    result = runner.invoke(args=["import-absence", str(path)])
    assert result.exit_code != 0
    assert "Regel 2: onbekende verzuimcode 'XX'" in result.output


def test_upload_page(client: FlaskClient, login_as: Callable[..., User], student: Student) -> None:
    login_as(Role.BEHEER)
    response = upload(client, magister_csv(*magister_day("100231", MON)))
    assert response.status_code == 302
    assert count_records() == 8
    page = client.get("/verzuim/import").get_data(as_text=True)
    assert "Import klaar: 8 regels: 8 nieuw" in page
    assert "verzuim.csv" in page  # the recent imports table
    assert 'src="/static/js/absence-upload.js"' in page


def test_upload_answers_json_for_the_progress_script(
    client: FlaskClient, login_as: Callable[..., User], student: Student
) -> None:
    login_as(Role.BEHEER)
    bad = upload(client, magister_csv(magister_row("999999", MON, 1)), json=True)
    assert bad.status_code == 400
    body = bad.get_json()
    assert body["ok"] is False and body["unknown_students"] == ["999999"]
    assert any("onbekende leerlingnummers" in line for line in body["problems"])
    good = upload(
        client,
        magister_csv(magister_row("999999", MON, 1), magister_row("100231", MON, 1)),
        json=True,
        skip=True,
    )
    assert good.status_code == 200
    assert good.get_json() == {
        "ok": True,
        "message": good.get_json()["message"],
        "redirect": "/verzuim/import",
    }
    assert count_records() == 1


def test_upload_errors_are_shown_and_change_nothing(
    client: FlaskClient, login_as: Callable[..., User], student: Student
) -> None:
    login_as(Role.BEHEER)
    response = upload(
        client, magister_csv("100231;14-09-2026;;;O;;Nee;1", "100231;zomaar;;;O;;Nee;1")
    )
    assert response.status_code == 400
    assert "Regel 3: begin: &#39;zomaar&#39; is geen datum" in response.get_data(as_text=True)
    assert count_records() == 0


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.BEHEER])
def test_only_beheer_uploads(
    client: FlaskClient, login_as: Callable[..., User], student: Student, role: Role
) -> None:
    login_as(role, ("ZS",))
    assert client.get("/verzuim/import").status_code == 403
    token = csrf_token_from(client, "/verzuim/wat-telt")
    response = client.post(
        "/verzuim/import",
        data={"csrf_token": token, "file": (io.BytesIO(b"x"), "a.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403


EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


@pytest.mark.parametrize(
    ("name", "inserted", "not_absence"),
    [
        ("absence_magister.csv", 9, 1),
        ("absence_somtoday.csv", 4, 0),
        ("absence_canonical.csv", 4, 0),
    ],
)
def test_the_documented_examples_import(
    app: Flask, make_student: Callable[..., Student], name: str, inserted: int, not_absence: int
) -> None:
    school_calendar()
    for number in range(100251, 100256):
        make_student("ZS", leerlingnummer=str(number))
    result = import_absence((EXAMPLES / name).read_bytes(), name, as_of=date(2026, 10, 2))
    assert (result.inserted, result.not_absence) == (inserted, not_absence)
