"""The absence import under bad and unusual input: values out of range in every field, rows in
the future, and two imports at once."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from app.absence.importer import AbsenceImportRejected, import_absence
from app.absence.signals import evaluate_signals
from app.core.localtime import local_today
from app.core.schoolcalendar import year_name_for
from app.core.vocabulary import Role
from app.demo.absence import seed_school_year
from app.extensions import db
from app.models import AbsenceRecord, AbsenceSignal, Student, User
from tests.absence_helpers import (
    SOMTODAY_HEADER,
    magister_csv,
    magister_day,
    magister_row,
    school_calendar,
)
from tests.client_helpers import csrf_token_from

MON = date(2026, 9, 14)
AS_OF = date(2026, 9, 18)


@pytest.fixture
def student(app: Flask, make_student: Callable[..., Student]) -> Student:
    school_calendar()
    return make_student("ZS", leerlingnummer="100231")


def count_records() -> int:
    return db.session.scalar(select(func.count(AbsenceRecord.id))) or 0


# Each value overflows Python's dates once its offset, its 24:00 or its conversion to UTC is
# applied; the column it is in is named in the message.
OVERFLOWING = [
    ("begin", "0001-01-01T00:00:00+05:00"),
    ("begin", "9999-12-31T23:59:00-05:00"),
    ("begin", "31-12-9999 24:00"),
    ("begin", "01-01-0001 00:30"),
    ("eind", "9999-12-31T23:59:00.000-05:00"),
    ("eind", "0001-01-01T00:00:00Z"),
]


def somtoday_row(begin: str = "2026-09-14T08:30:00", end: str = "2026-09-14T09:20:00") -> str:
    return f"100231,{begin},{end},1,1,Absent,,Spijbelen,Nee"


@pytest.mark.parametrize(("column", "value"), OVERFLOWING)
def test_an_overflowing_moment_is_a_dutch_row_message(
    student: Student, column: str, value: str
) -> None:
    row = somtoday_row(begin=value) if column == "begin" else somtoday_row(end=value)
    data = (SOMTODAY_HEADER + "\n" + somtoday_row() + "\n" + row + "\n").encode()
    with pytest.raises(AbsenceImportRejected) as caught:
        import_absence(data, "somtoday.csv", as_of=AS_OF)
    assert f"Regel 3: {column}: '{value}' valt buiten de jaren 1900–2199" in caught.value.message
    db.session.rollback()
    assert count_records() == 0


def test_a_superscript_kind_is_a_dutch_row_message(student: Student) -> None:
    """``"²".isdigit()`` is true, but ``int("²")`` fails."""
    data = magister_csv("100231;14-09-2026 08:30;14-09-2026 09:20;1;;;Nee;²")
    with pytest.raises(AbsenceImportRejected) as caught:
        import_absence(data, "magister.csv", as_of=AS_OF)
    assert "Regel 2: soort '²' is onbekend" in caught.value.message


def test_upload_and_cli_answer_overflow_with_row_messages(
    client: FlaskClient,
    runner: FlaskCliRunner,
    login_as: Callable[..., User],
    student: Student,
    tmp_path: Path,
) -> None:
    rows = [somtoday_row(begin=value) for _column, value in OVERFLOWING[:4]]
    data = (SOMTODAY_HEADER + "\n" + "\n".join(rows) + "\n").encode()
    login_as(Role.BEHEER)
    token = csrf_token_from(client, "/verzuim/import")
    response = client.post(
        "/verzuim/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), "verzuim.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Niets geïmporteerd: 4 fout(en) in 4 regels." in page
    assert "Regel 5: begin: &#39;01-01-0001 00:30&#39; valt buiten de jaren" in page
    path = tmp_path / "verzuim.csv"
    path.write_bytes(data)
    result = runner.invoke(args=["import-absence", str(path)])
    assert result.exit_code == 1 and result.exception is not None
    assert isinstance(result.exception, SystemExit)
    assert "Regel 2: begin: '0001-01-01T00:00:00+05:00' valt buiten de jaren" in result.output
    assert count_records() == 0


# --- rows in the future ------------------------------------------------------------------------


def test_rows_after_the_import_day_are_stored_with_a_warning(student: Student) -> None:
    tuesday, wednesday = MON.replace(day=15), MON.replace(day=16)
    rows = [magister_row("100231", MON, 1), *magister_day("100231", wednesday)]
    result = import_absence(magister_csv(*rows), "verzuim.csv", as_of=tuesday)
    db.session.commit()
    assert (result.inserted, result.future, result.first_future_day) == (9, 8, wednesday)
    assert (
        "let op: 8 registraties liggen na vandaag (de eerste op 16-09-2026); ze zijn bewaard, "
        "maar tellen niet mee voor de signalen zolang die dag niet geweest is" in result.summary()
    )
    assert count_records() == 9
    same_day = import_absence(magister_csv(*rows), "verzuim.csv", as_of=wednesday)
    assert same_day.future == 0 and "na vandaag" not in same_day.summary()


def test_rows_in_the_future_do_not_count_in_signals(student: Student) -> None:
    """16 hours of truancy on Wednesday and Thursday, imported on Tuesday."""
    tuesday, friday = MON.replace(day=15), MON.replace(day=18)
    rows = magister_day("100231", MON.replace(day=16)) + magister_day("100231", MON.replace(day=17))
    import_absence(magister_csv(*rows), "verzuim.csv", as_of=tuesday)
    db.session.commit()
    ahead = evaluate_signals(friday, today=tuesday, store=False)
    assert ahead.active == 0 and ahead.warning == "Verzuim na vandaag telt niet mee."
    assert db.session.scalar(select(func.count(AbsenceSignal.id))) == 0
    # Once those days have been, they count.
    later = evaluate_signals(friday, today=friday, store=False)
    assert later.active >= 1 and not later.warning


def test_the_upload_page_shows_the_warning(
    client: FlaskClient, login_as: Callable[..., User], student: Student
) -> None:
    today = local_today()
    future = today + timedelta(days=30)
    for day in (today, future):
        seed_school_year(year_name_for(day))
    db.session.commit()
    login_as(Role.BEHEER)
    token = csrf_token_from(client, "/verzuim/import")
    data = magister_csv(magister_row("100231", today, 1), magister_row("100231", future, 1))
    client.post(
        "/verzuim/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), "verzuim.csv")},
        content_type="multipart/form-data",
    )
    page = client.get("/verzuim/import").get_data(as_text=True)
    assert f"let op: 1 registratie ligt na vandaag (op {future:%d-%m-%Y})" in page
