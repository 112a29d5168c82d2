"""The school calendar as stored: school years and their non-school periods (holidays,
public holidays, study days). ``app.core.calendar_store`` turns them into a
:class:`~app.core.schoolcalendar.SchoolCalendar`."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.vocabulary import NonSchoolKind
from app.extensions import Model
from app.models.types import check_in


class SchoolYear(Model):
    """A school year, 1 August to 31 July, named like ``2026-2027``."""

    __tablename__ = "school_year"
    __table_args__ = (CheckConstraint("starts_on < ends_on", name="order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(9), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)

    periods: Mapped[list[NonSchoolPeriod]] = relationship(
        back_populates="school_year",
        order_by="NonSchoolPeriod.starts_on",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<SchoolYear {self.name}>"


class NonSchoolPeriod(Model):
    """Holidays or another non-school day or days in a school year (both ends inclusive)."""

    __tablename__ = "non_school_period"
    __table_args__ = (
        CheckConstraint("starts_on <= ends_on", name="order"),
        CheckConstraint(check_in("kind", NonSchoolKind.values()), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_year_id: Mapped[int] = mapped_column(
        ForeignKey("school_year.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(12), default="vakantie")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)

    school_year: Mapped[SchoolYear] = relationship(back_populates="periods")
