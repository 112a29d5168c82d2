"""Helpers of the absence import's bulk-path tests (tests/integration/absence/): a school's
autumn of lessons for a dozen pupils, the stored registrations and figures to compare."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, select

from app.absence.figures import rebuild_figures, stored_figures
from app.absence.services import rule_settings
from app.core.calendar_store import load_calendar
from app.core.sql import table_of
from app.extensions import db
from app.models import (
    AbsenceFigures,
    AbsenceFiguresBasis,
    AbsenceImport,
    AbsenceRecord,
    AbsenceUnauthorisedDay,
    Student,
)
from tests.absence_helpers import magister_row

MON = date(2026, 9, 14)
AS_OF = date(2026, 12, 18)
YEAR = (date(2026, 8, 1), date(2027, 7, 31))
CODES = ("O", "Z", "V", "L", "U")


def school_days(count: int) -> list[date]:
    return list(load_calendar().school_days_between(MON, AS_OF))[:count]


def figures() -> dict[int, dict]:
    return stored_figures(None, *YEAR, active_only=False)


def assert_figures_equal_a_rebuild() -> None:
    """The stored figures are those a rebuild from the stored registrations gives."""
    stored = figures()
    rebuild_figures(load_calendar(), rule_settings())
    assert figures() == stored


def day_rows(pupils: list[Student], days: list[date]) -> list[str]:
    """Every pupil, six lessons a day; the first pupil's first day also whole (after its
    lessons: the later registration of a lesson counts, so the order decides)."""
    rows = [
        magister_row(pupil.leerlingnummer, day, lesson, CODES[(n + lesson + d) % len(CODES)])
        for d, day in enumerate(days)
        for n, pupil in enumerate(pupils)
        for lesson in range(1, 7)
    ]
    rows.insert(6, f"{pupils[0].leerlingnummer};{days[0]:%d-%m-%Y};;;Z;Ziek;Ja;3")
    return rows


def stored_rows() -> list[tuple[Any, ...]]:
    """Every registration in id order, without its id, import and time of import."""
    columns = [
        column
        for column in table_of(AbsenceRecord).c
        if column.name not in ("id", "import_id", "imported_at")
    ]
    return [tuple(row) for row in db.session.execute(select(*columns).order_by("id"))]


def clear() -> None:
    for model in (
        AbsenceUnauthorisedDay,
        AbsenceFigures,
        AbsenceFiguresBasis,
        AbsenceRecord,
        AbsenceImport,
    ):
        db.session.execute(delete(model))
    db.session.commit()
