"""Helpers for the absence tests: the school calendar and export files in Magister's and
SOMtoday's shapes."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask.testing import FlaskClient

from app.demo.absence import seed_school_year
from app.demo.synthetic_absence import LESSON_MINUTES, LESSON_STARTS
from app.extensions import db
from tests.client_helpers import csrf_token_from

MAGISTER_HEADER = "stamnr;Start;Eind;Lesuur;Code;Omschrijving;Geoorloofd;Verantwoordingtype"
SOMTODAY_HEADER = (
    "leerlingnummer,beginDatumTijd,eindDatumTijd,beginLesuur,eindLesuur,absentieSoort,"
    "afkorting,omschrijving,geoorloofd"
)
CODES = {
    "O": ("Ongeoorloofd", "Nee", 1),
    "Z": ("Ziek", "Ja", 3),
    "L": ("Te laat", "Nee", 2),
    "T": ("Te laat geoorloofd", "Ja", 2),
    "V": ("Verlof", "Ja", 1),
    "U": ("Uitgestuurd", "Nee", 4),
}


def school_calendar() -> None:
    """School year 2026-2027 with the demo holidays (autumn holiday 17–25 October 2026)."""
    seed_school_year("2026-2027")
    db.session.commit()


def lesson_times(lesson: int) -> tuple[str, str]:
    start = LESSON_STARTS[lesson - 1]
    hours, minutes = map(int, start.split(":"))
    end = hours * 60 + minutes + LESSON_MINUTES
    return start, f"{end // 60:02d}:{end % 60:02d}"


def magister_row(number: str, day: date, lesson: int, code: str = "O") -> str:
    description, authorised, kind = CODES[code]
    start, end = lesson_times(lesson)
    d = f"{day:%d-%m-%Y}"
    return f"{number};{d} {start};{d} {end};{lesson};{code};{description};{authorised};{kind}"


def magister_day(
    number: str, day: date, code: str = "O", lessons: range = range(1, 9)
) -> list[str]:
    return [magister_row(number, day, lesson, code) for lesson in lessons]


def magister_csv(*rows: str, header: str = MAGISTER_HEADER, encoding: str = "cp1252") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


def somtoday_csv(*rows: str, encoding: str = "utf-8-sig") -> bytes:
    return ("\n".join([SOMTODAY_HEADER, *rows]) + "\n").encode(encoding)


def upload(client: FlaskClient, data: bytes, *, json: bool = False, skip: bool = False) -> object:
    """Send ``data`` as verzuim.csv on the upload page (a signed-in beheer client)."""
    token = csrf_token_from(client, "/verzuim/import")
    form = {"csrf_token": token, "file": (io.BytesIO(data), "verzuim.csv")}
    if skip:
        form["skip_unknown"] = "y"
    headers = {"Accept": "application/json"} if json else {}
    return client.post(
        "/verzuim/import", data=form, content_type="multipart/form-data", headers=headers
    )


def add_lateness_signal(student_id: int) -> Any:
    """A stored "te laat" signal of the week of 14 September 2026 (added, not committed)."""
    from app.models import AbsenceSignal

    signal = AbsenceSignal(
        student_id=student_id,
        rule="te_laat",
        window_start=date(2026, 9, 14),
        window_end=date(2026, 9, 18),
        triggered_on=date(2026, 9, 18),
        count=3,
        evaluated_on=date(2026, 9, 18),
    )
    db.session.add(signal)
    return signal


# --- Objects for the authorization matrix (tests/integration/authorization/) ---


def matrix_signal_id(world: Any, own: bool) -> int:
    """A stored signal of the own-location (or other-location) student."""

    key = f"absence_signal_{own}"
    if key not in world.extra:
        student = world.student if own else world.other_student
        signal = add_lateness_signal(student.id)
        db.session.commit()
        world.extra[key] = signal.id
    return world.extra[key]


def matrix_year_id(world: Any, own: bool) -> int:
    """School year 2026-2027 (not an object of a location: the same either way)."""
    from app.core.calendar_store import find_school_year

    if "absence_year" not in world.extra:
        school_calendar()
        year = find_school_year("2026-2027")
        assert year is not None
        world.extra["absence_year"] = year.id
    return world.extra["absence_year"]


def matrix_period_id(world: Any, own: bool) -> int:
    """One of that school year's holidays."""
    from sqlalchemy import select

    from app.models import NonSchoolPeriod

    if "absence_period" not in world.extra:
        year_id = matrix_year_id(world, own)
        period_id = db.session.scalar(
            select(NonSchoolPeriod.id).where(NonSchoolPeriod.school_year_id == year_id).limit(1)
        )
        assert period_id is not None
        world.extra["absence_period"] = period_id
    return world.extra["absence_period"]


def add_sixteen_hour_signal(student_id: int, start: date = date(2026, 9, 14)) -> Any:
    """An active 16-hour signal (the DUO reminder) starting ``start`` (added, not committed)."""
    from datetime import timedelta

    from app.models import AbsenceSignal

    end = start + timedelta(days=11)
    signal = AbsenceSignal(
        student_id=student_id,
        rule="16uur",
        window_start=start,
        window_end=end,
        triggered_on=end,
        hours=17.0,
        days=5,
        count=1,
        due_on=end + timedelta(days=7),
        active=True,
        evaluated_on=end,
    )
    db.session.add(signal)
    return signal


def matrix_sixteen_hour_signal_id(world: Any, own: bool) -> int:
    """A 16-hour signal of the own-location (or other-location) student."""
    key = f"sixteen_signal_{own}"
    if key not in world.extra:
        student = world.student if own else world.other_student
        signal = add_sixteen_hour_signal(student.id)
        db.session.commit()
        world.extra[key] = signal.id
    return world.extra[key]


def matrix_melding_id(world: Any, own: bool) -> int:
    """A DUO melding recorded for that signal."""
    from app.models import DuoMelding

    key = f"duo_melding_{own}"
    if key not in world.extra:
        signal_id = matrix_sixteen_hour_signal_id(world, own)
        student = world.student if own else world.other_student
        melding = DuoMelding(
            student_id=student.id,
            signal_id=signal_id,
            reported_on=date(2026, 9, 28),
            reference="DUO-1",
            window_start=date(2026, 9, 14),
            window_end=date(2026, 9, 25),
            hours=17.0,
        )
        db.session.add(melding)
        db.session.commit()
        world.extra[key] = melding.id
    return world.extra[key]
