"""The school calendar as stored and as the rules use it: load it, and keep its school years and
non-school periods (add and flush; the view or command commits)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext
from sqlalchemy import select

from app.core.schoolcalendar import (
    CalendarError,
    ClosedPeriod,
    SchoolCalendar,
    SchoolYearSpan,
    parse_year_name,
    public_holidays,
)
from app.core.vocabulary import NonSchoolKind
from app.exceptions import DomainError
from app.extensions import db
from app.models.calendar import NonSchoolPeriod, SchoolYear


def load_calendar() -> SchoolCalendar:
    """The school calendar as plain data for the rules."""
    years = db.session.scalars(select(SchoolYear).order_by(SchoolYear.starts_on)).all()
    periods = db.session.scalars(select(NonSchoolPeriod)).all()
    return SchoolCalendar(
        [SchoolYearSpan(y.name, y.starts_on, y.ends_on) for y in years],
        [ClosedPeriod(p.starts_on, p.ends_on, p.name) for p in periods],
    )


def list_school_years() -> list[SchoolYear]:
    return list(db.session.scalars(select(SchoolYear).order_by(SchoolYear.starts_on.desc())))


def find_school_year(name: str) -> SchoolYear | None:
    return db.session.scalar(select(SchoolYear).where(SchoolYear.name == name.strip()))


def add_school_year(name: str, *, with_public_holidays: bool = False) -> SchoolYear:
    """Add a school year (1 August – 31 July), optionally with the public holidays on which
    schools close (Goede Vrijdag, Tweede Paasdag, Koningsdag, Hemelvaart, Tweede Pinksterdag)."""
    try:
        starts_on, ends_on = parse_year_name(name)
    except CalendarError as error:
        raise DomainError(str(error), field="name") from None
    name = f"{starts_on.year}-{ends_on.year}"
    if find_school_year(name) is not None:
        raise DomainError(gettext("Schooljaar %(name)s bestaat al.", name=name), field="name")
    year = SchoolYear(name=name, starts_on=starts_on, ends_on=ends_on)
    db.session.add(year)
    if with_public_holidays:
        for holiday in public_holidays(name):
            year.periods.append(
                NonSchoolPeriod(
                    name=holiday.name,
                    kind="feestdag",
                    starts_on=holiday.starts_on,
                    ends_on=holiday.ends_on,
                )
            )
    db.session.flush()
    return year


def add_non_school_period(
    year: SchoolYear, name: str, starts_on: date, ends_on: date, kind: str = "vakantie"
) -> NonSchoolPeriod:
    name = name.strip()
    if not name:
        raise DomainError(
            gettext("Geef de vrije periode een naam (bijv. Herfstvakantie)."), field="name"
        )
    if kind not in NonSchoolKind.values():
        raise DomainError(gettext("Kies het soort vrije dag."), field="kind")
    if ends_on < starts_on:
        raise DomainError(gettext("De einddatum ligt vóór de begindatum."), field="ends_on")
    if starts_on < year.starts_on or ends_on > year.ends_on:
        raise DomainError(
            gettext(
                "De periode valt buiten schooljaar %(name)s (%(value)s t/m %(value2)s).",
                name=year.name,
                value=format(year.starts_on, "%d-%m-%Y"),
                value2=format(year.ends_on, "%d-%m-%Y"),
            ),
            field="starts_on",
        )
    period = NonSchoolPeriod(
        school_year=year, name=name[:60], kind=kind, starts_on=starts_on, ends_on=ends_on
    )
    db.session.add(period)
    db.session.flush()
    return period


def remove_non_school_period(period: NonSchoolPeriod) -> None:
    db.session.delete(period)
    db.session.flush()


def remove_school_year(year: SchoolYear) -> None:
    """Remove a school year and its holidays; registrations stay, but no longer count."""
    db.session.delete(year)
    db.session.flush()
