"""Demo absence data: this school year's calendar with plausible holidays, and a synthetic
absence export for the demo students up to yesterday, imported through the real importer so the
signal list is alive. Idempotent: running it again changes nothing on the same day."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.absence.importer import import_absence
from app.core.calendar_store import add_school_year, find_school_year, load_calendar
from app.core.localtime import local_today
from app.core.schoolcalendar import plausible_holidays, year_name_for
from app.demo.synthetic_absence import generate, magister_csv
from app.extensions import db
from app.models import NonSchoolPeriod, Student

# A few demo students at ZS (the demo team leader's location) with a fixed story.
DEMO_PROFILES = {
    "100251": "thuiszitter",
    "100252": "spijbelaar",
    "100253": "maandag",
    "100254": "vaak_ziek",
    "100255": "langdurig_ziek",
    "100256": "laatkomer",
    "100257": "spijbelaar",
}


def seed_school_year(name: str) -> bool:
    """Add school year ``name`` with a plausible holiday schedule, unless it exists."""
    if find_school_year(name) is not None:
        return False
    year = add_school_year(name)
    for period in plausible_holidays(name):
        single = period.starts_on == period.ends_on
        year.periods.append(
            NonSchoolPeriod(
                name=period.name,
                kind="feestdag" if single else "vakantie",
                starts_on=period.starts_on,
                ends_on=period.ends_on,
            )
        )
    db.session.flush()
    return True


def seed_absence_demo(*, today: date | None = None, seed: int = 2026) -> dict[str, int]:
    """Calendar and absence for the demo; returns what it added."""
    today = today or local_today()
    name = year_name_for(today)
    created = seed_school_year(name)
    year = find_school_year(name)
    assert year is not None
    numbers = list(
        db.session.scalars(
            select(Student.leerlingnummer)
            .where(Student.active.is_(True))
            .order_by(Student.leerlingnummer)
        )
    )
    last = min(today - timedelta(days=1), year.ends_on)
    rows = generate(
        numbers, load_calendar(), year.starts_on, last, seed=seed, profiles=DEMO_PROFILES
    )
    inserted = 0
    if rows:
        result = import_absence(magister_csv(rows), "demo-verzuim.csv", as_of=today)
        inserted = result.inserted
    return {"school_years": int(created), "absence_rows": inserted}
