"""Functional management of absence: the school calendar and the reason codes (UI and CLI)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from app.absence.importer import import_absence
from app.absence.signals import evaluate_signals
from app.core.vocabulary import Role
from app.extensions import db
from app.models import (
    AbsenceCode,
    AbsenceRecord,
    AbsenceSignal,
    NonSchoolPeriod,
    SchoolYear,
    Student,
    User,
)
from tests.absence_helpers import magister_csv, magister_day, school_calendar
from tests.client_helpers import csrf_token_from

MON = date(2026, 9, 14)


def post(client: FlaskClient, path: str, data: dict | None = None) -> object:
    token = csrf_token_from(client, "/verzuim/wat-telt")
    return client.post(path, data={"csrf_token": token, **(data or {})})


@pytest.fixture
def truant(app: Flask, make_student: Callable[..., Student]) -> Student:
    """A ZS student with 16 unauthorised hours on Monday and Tuesday 14–15 September."""
    school_calendar()
    student = make_student("ZS", leerlingnummer="400001")
    rows = magister_day("400001", MON) + magister_day("400001", MON.replace(day=15))
    import_absence(magister_csv(*rows), "a.csv", as_of=date(2026, 9, 16))
    db.session.commit()
    return student


def sixteen_active(student: Student) -> bool:
    return bool(
        db.session.scalar(
            select(func.count(AbsenceSignal.id)).where(
                AbsenceSignal.student_id == student.id,
                AbsenceSignal.rule == "16uur",
                AbsenceSignal.active.is_(True),
            )
        )
    )


MANAGEMENT_PAGES = ["/verzuim/kalender", "/verzuim/codes", "/verzuim/import"]
MANAGEMENT_POSTS = [
    "/verzuim/kalender/jaar",
    "/verzuim/kalender/periode",
    "/verzuim/kalender/periode/1/verwijderen",
    "/verzuim/kalender/jaar/1/verwijderen",
    "/verzuim/codes",
    "/verzuim/codes/O/terugzetten",
]


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.BEHEER])
def test_management_is_for_beheer_only(
    client: FlaskClient, login_as: Callable[..., User], role: Role
) -> None:
    login_as(role, ("ZS",))
    for path in MANAGEMENT_PAGES:
        assert client.get(path).status_code == 403, path
    for path in MANAGEMENT_POSTS:
        assert post(client, path).status_code == 403, path


def test_calendar_page_adds_years_and_holidays(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.BEHEER, ("ZS",))
    assert "nog geen schooljaar" in client.get("/verzuim/kalender").get_data(as_text=True)
    response = post(
        client, "/verzuim/kalender/jaar", {"jaar-name": "2027-2028", "jaar-public_holidays": "y"}
    )
    assert response.status_code == 302
    year = db.session.scalar(select(SchoolYear).where(SchoolYear.name == "2027-2028"))
    assert year is not None and len(year.periods) == 5  # the public holidays
    again = post(client, "/verzuim/kalender/jaar", {"jaar-name": "2027-2028"})
    assert again.status_code == 400 and "bestaat al" in again.get_data(as_text=True)
    bad = post(client, "/verzuim/kalender/jaar", {"jaar-name": "2027"})
    assert bad.status_code == 400 and "geen schooljaar" in bad.get_data(as_text=True)

    holiday = {
        "periode-school_year": str(year.id),
        "periode-name": "Herfstvakantie",
        "periode-kind": "vakantie",
        "periode-starts_on": "2027-10-16",
        "periode-ends_on": "2027-10-24",
    }
    assert post(client, "/verzuim/kalender/periode", holiday).status_code == 302
    page = client.get("/verzuim/kalender").get_data(as_text=True)
    assert "Herfstvakantie" in page and "za 16 okt 2027" in page
    outside = post(client, "/verzuim/kalender/periode", holiday | {"periode-ends_on": "2028-08-02"})
    assert outside.status_code == 400 and "valt buiten schooljaar" in outside.get_data(as_text=True)
    backwards = post(
        client, "/verzuim/kalender/periode", holiday | {"periode-ends_on": "2027-10-01"}
    )
    assert backwards.status_code == 400 and "vóór de begindatum" in backwards.get_data(as_text=True)

    period = db.session.scalar(
        select(NonSchoolPeriod).where(NonSchoolPeriod.name == "Herfstvakantie")
    )
    assert period is not None
    period_id = period.id
    assert post(client, f"/verzuim/kalender/periode/{period_id}/verwijderen").status_code == 302
    assert db.session.get(NonSchoolPeriod, period_id) is None
    assert post(client, f"/verzuim/kalender/jaar/{year.id}/verwijderen").status_code == 302
    assert db.session.scalar(select(func.count(SchoolYear.id))) == 0


def test_a_calendar_change_re_evaluates_the_signals(
    client: FlaskClient, login_as: Callable[..., User], truant: Student
) -> None:
    login_as(Role.BEHEER, ("ZS",))
    assert sixteen_active(truant)
    year = db.session.scalar(select(SchoolYear))
    assert year is not None
    # Tuesday 15 September turns out to have been a study day: its 8 hours no longer count.
    study_day = {
        "periode-school_year": str(year.id),
        "periode-name": "Studiedag",
        "periode-kind": "studiedag",
        "periode-starts_on": "2026-09-15",
        "periode-ends_on": "2026-09-15",
    }
    assert post(client, "/verzuim/kalender/periode", study_day).status_code == 302
    # The app evaluates as of today; as of the week itself the signal is gone too.
    evaluate_signals(date(2026, 9, 16))
    db.session.commit()
    assert not sixteen_active(truant)


def test_codes_page_adds_changes_and_resets_codes(
    client: FlaskClient, login_as: Callable[..., User], truant: Student
) -> None:
    login_as(Role.BEHEER, ("ZS",))
    page = client.get("/verzuim/codes").get_data(as_text=True)
    assert "GE" in page and "Geschorst" in page and "standaard" in page
    # A school code the defaults don't know, then an import that uses it.
    added = post(
        client,
        "/verzuim/codes",
        {"code": "zt", "description": "Ziek thuis", "category": "ziek"},
    )
    assert added.status_code == 302
    assert db.session.scalar(select(AbsenceCode).where(AbsenceCode.code == "ZT")) is not None
    import_absence(
        magister_csv("400001;16-09-2026 08:30;16-09-2026 09:20;1;ZT;Ziek thuis;Ja;3"),
        "b.csv",
        as_of=date(2026, 9, 16),
    )
    db.session.commit()
    assert "toegevoegd" in client.get("/verzuim/codes").get_data(as_text=True)

    # The school decides O means authorised: stored rows follow, the 16-hour signal goes.
    changed = post(client, "/verzuim/codes", {"code": "O", "category": "geoorloofd"})
    assert changed.status_code == 302
    categories = set(
        db.session.scalars(select(AbsenceRecord.category).where(AbsenceRecord.code == "O"))
    )
    assert categories == {"geoorloofd"}
    evaluate_signals(date(2026, 9, 16))
    db.session.commit()
    assert not sixteen_active(truant)
    assert "aangepast" in client.get("/verzuim/codes").get_data(as_text=True)

    assert post(client, "/verzuim/codes/O/terugzetten").status_code == 302
    categories = set(
        db.session.scalars(select(AbsenceRecord.category).where(AbsenceRecord.code == "O"))
    )
    assert categories == {"ongeoorloofd"}
    evaluate_signals(date(2026, 9, 16))
    db.session.commit()
    assert sixteen_active(truant)


def test_code_changes_that_would_break_stored_rows_are_refused(
    client: FlaskClient, login_as: Callable[..., User], truant: Student
) -> None:
    login_as(Role.BEHEER, ("ZS",))
    kind_change = post(client, "/verzuim/codes", {"code": "O", "category": "te_laat"})
    assert kind_change.status_code == 400
    assert "kunnen niet van soort veranderen" in kind_change.get_data(as_text=True)
    post(client, "/verzuim/codes", {"code": "ZT", "category": "ziek"})
    import_absence(
        magister_csv("400001;16-09-2026 08:30;16-09-2026 09:20;1;ZT;Ziek thuis;Ja;3"), "b.csv"
    )
    db.session.commit()
    post(client, "/verzuim/codes/ZT/terugzetten")
    assert db.session.scalar(select(AbsenceCode).where(AbsenceCode.code == "ZT")) is not None
    bad = post(client, "/verzuim/codes", {"code": "Z Z!", "category": "ziek"})
    assert bad.status_code == 400 and "1 tot 10 letters" in bad.get_data(as_text=True)


def test_calendar_cli(runner: FlaskCliRunner, app: Flask) -> None:
    result = runner.invoke(args=["calendar", "add-year", "2026-2027"])
    assert result.exit_code == 0, result.output
    assert "Schooljaar 2026-2027 toegevoegd" in result.output and "5 feestdagen" in result.output
    result = runner.invoke(
        args=[
            "calendar",
            "add-holiday",
            "--year",
            "2026-2027",
            "--name",
            "Herfstvakantie",
            "--from",
            "17-10-2026",
            "--to",
            "2026-10-25",
        ]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[
            "calendar",
            "add-holiday",
            "--year",
            "2026-2027",
            "--name",
            "Studiedag",
            "--from",
            "2026-11-04",
            "--kind",
            "studiedag",
        ]
    )
    assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["calendar", "list"])
    assert listing.exit_code == 0
    assert "2026-2027: 01-08-2026 t/m 31-07-2027" in listing.output
    assert (
        "Herfstvakantie (vakantie)" in listing.output and "Studiedag (studiedag)" in listing.output
    )
    period = db.session.scalar(select(NonSchoolPeriod).where(NonSchoolPeriod.name == "Studiedag"))
    assert period is not None
    assert runner.invoke(args=["calendar", "remove-holiday", str(period.id)]).exit_code == 0
    assert "Studiedag" not in runner.invoke(args=["calendar", "list"]).output

    assert runner.invoke(args=["calendar", "add-year", "2026-2027"]).exit_code != 0
    missing = runner.invoke(
        args=[
            "calendar",
            "add-holiday",
            "--year",
            "2030-2031",
            "--name",
            "X",
            "--from",
            "2030-10-01",
        ]
    )
    assert missing.exit_code != 0 and "bestaat niet" in missing.output
    assert runner.invoke(args=["calendar", "remove-holiday", "999"]).exit_code != 0


def test_seed_demo_makes_the_signal_list_alive(
    runner: FlaskCliRunner, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.demo.absence.local_today", lambda: date(2026, 11, 23))
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.scalar(select(func.count(SchoolYear.id))) == 1
    records = db.session.scalar(select(func.count(AbsenceRecord.id)))
    assert records and records > 1000
    assert db.session.scalar(select(func.count(AbsenceSignal.id)).where(AbsenceSignal.active))
    # Idempotent: nothing is added twice.
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.scalar(select(func.count(AbsenceRecord.id))) == records


@pytest.mark.parametrize("what", ["period", "year"])
def test_a_calendar_removal_during_an_import_keeps_everything_and_says_why(
    client: FlaskClient,
    login_as: Callable[..., User],
    truant: Student,
    monkeypatch: pytest.MonkeyPatch,
    what: str,
) -> None:
    """Removing a period or a year evaluates the signals again, which waits for an import in
    progress; when the wait runs out the removal is rolled back and the page says so."""
    from app.absence import signals
    from app.core.locks import BUSY, ImportBusy

    login_as(Role.BEHEER, ("ZS",))
    year = db.session.scalar(select(SchoolYear))
    assert year is not None and year.periods
    period_id, year_id = year.periods[0].id, year.id
    periods_before = db.session.scalar(select(func.count(NonSchoolPeriod.id)))

    def busy(kind: str, *, wait: bool = False) -> None:
        raise ImportBusy()

    monkeypatch.setattr(signals, "hold_import_lock", busy)
    path = (
        f"/verzuim/kalender/periode/{period_id}/verwijderen"
        if what == "period"
        else f"/verzuim/kalender/jaar/{year_id}/verwijderen"
    )
    response = post(client, path)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert BUSY in page and "verwijderd" not in page
    db.session.expire_all()
    assert db.session.get(SchoolYear, year_id) is not None
    assert db.session.scalar(select(func.count(NonSchoolPeriod.id))) == periods_before
    assert sixteen_active(truant)
