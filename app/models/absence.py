"""Absence: registrations imported from the LVS, code mapping, signals.

Category, kind and rule values are those of the vocabulary (``AbsenceCategory``,
``RegistrationKind``, ``AbsenceRule``, ``NonSchoolKind``); they are stored as plain strings with
check constraints, so the pure rules work on strings and the models import no capability.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.vocabulary import AbsenceCategory, AbsenceRule, RegistrationKind
from app.extensions import Model
from app.models.org import User
from app.models.student import Student
from app.models.types import UTCDateTime, check_in, utcnow

CATEGORY_VALUES = AbsenceCategory.values()
KIND_VALUES = RegistrationKind.values()
RULE_VALUES = AbsenceRule.values()


class AbsenceCode(Model):
    """A reason code as functional management set it in the app; wins over config/."""

    __tablename__ = "absence_code"
    __table_args__ = (CheckConstraint(check_in("category", CATEGORY_VALUES), name="category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    description: Mapped[str] = mapped_column(String(80), default="")
    category: Mapped[str] = mapped_column(String(12))
    authorised: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()


class AbsenceImport(Model):
    """One import of an absence export: who, when, what, and how much changed."""

    __tablename__ = "absence_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(12), default="")
    rows: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    first_day: Mapped[date | None] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date)

    user: Mapped[User | None] = relationship()


class AbsenceRecord(Model):
    """One registration from the LVS: a lesson hour, a stretch of a day, or a period of days.

    Natural key: student, first day, slot (``L3`` = lesson hour 3, ``08:30`` = start time when
    there is no lesson hour, ``dag`` = a whole day) and kind (absent / late / sent out). Importing
    the same or an overlapping export again updates these rows instead of adding new ones, and a
    later correction of the reason (unauthorised -> sick) replaces the earlier row.
    """

    __tablename__ = "absence_record"
    __table_args__ = (
        UniqueConstraint("student_id", "day", "slot", "kind", name="uq_absence_record_key"),
        CheckConstraint(check_in("category", CATEGORY_VALUES), name="category"),
        CheckConstraint(check_in("kind", KIND_VALUES), name="kind"),
        CheckConstraint("day <= last_day", name="order"),
        Index("ix_absence_record_day", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    slot: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(12))
    last_day: Mapped[date] = mapped_column(Date)
    first_hour: Mapped[int | None] = mapped_column(SmallInteger)
    last_hour: Mapped[int | None] = mapped_column(SmallInteger)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Local minute of the day the registration starts (no lesson hour), and its length.
    start_minute: Mapped[int | None] = mapped_column(SmallInteger)
    minutes: Mapped[int | None] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(10), default="")
    description: Mapped[str] = mapped_column(String(80), default="")
    category: Mapped[str] = mapped_column(String(12))
    authorised: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(12), default="")
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("absence_import.id", ondelete="SET NULL")
    )
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship()


class AbsenceFigures(Model):
    """A student's figures per school day (hours unauthorised, authorised, sick, sent out; late
    arrivals), derived from their registrations by ``app.absence.rules.day_figures`` and kept
    so that the signal evaluation and the reports need not redo that for every registration.

    A cache, never the truth: ``app.absence.figures`` refreshes it on every import, and rebuilds
    it whole when :class:`AbsenceFiguresBasis` no longer matches the calendar and hour settings.
    ``days`` holds the school days with any registration and their unauthorised, authorised,
    sick and sent-out hours and late arrivals, as compressed columns in base64 (the form is
    ``app.absence.figures.FORMAT``: part of the basis' fingerprint, so another form is rebuilt).
    """

    __tablename__ = "absence_figures"

    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), primary_key=True
    )
    days: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AbsenceUnauthorisedDay(Model):
    """A student's unauthorised hours on one school day (days with none have no row): the
    first figure of :class:`AbsenceFigures`, kept beside it (written and erased with it by
    ``app.absence.figures``, cascading with the student) so that the report sums a location's
    hours, and the outcome indicator a student's before and after a case, in SQL instead of
    decoding every student's figures. Valid under the same
    :class:`AbsenceFiguresBasis`."""

    __tablename__ = "absence_unauthorised_day"
    __table_args__ = (Index("ix_absence_unauthorised_day_day", "day"),)

    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    hours: Mapped[float] = mapped_column(Float)


class AbsenceFiguresBasis(Model):
    """What the stored :class:`AbsenceFigures` were computed with: a fingerprint of the school
    days and the hour settings. One row; absent or different means "rebuild before use"."""

    __tablename__ = "absence_figures_basis"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AbsenceEvaluation(Model):
    """One stored signal evaluation: the day it judged the absence as of, and what it covered
    (one location or all; every student, or those whose figures an import changed). The signal
    list's "Berekend per …" comes from here: an evaluation finds most signals unchanged, and
    writing each of them only to say "looked at today" cost a daily import at board scale more
    than a second (issue 24). No personal data; a few rows a school day."""

    __tablename__ = "absence_evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    # None: every location.
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    # Only the students an import changed were evaluated (the others' signals cannot change).
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    students: Mapped[int] = mapped_column(Integer, default=0)
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AbsenceSignal(Model):
    """A high-absence signal for a student, upserted per (student, rule, variant, window start).

    ``active`` says whether the rule still holds as of the last evaluation (the latest
    :class:`AbsenceEvaluation`); an acknowledgement (who, when, note) stays with the signal.
    """

    __tablename__ = "absence_signal"
    __table_args__ = (
        UniqueConstraint(
            "student_id", "rule", "variant", "window_start", name="uq_absence_signal_key"
        ),
        CheckConstraint(check_in("rule", RULE_VALUES), name="rule"),
        Index("ix_absence_signal_active_rule", "active", "rule"),
        # The report's students with a new signal per rule and month (migration 0031).
        Index("ix_absence_signal_student_triggered", "student_id", "triggered_on", "rule"),
        # The digest's active signals of a location's students, from the index alone (0035).
        Index(
            "ix_absence_signal_student_seen",
            "student_id",
            "first_seen_at",
            "active",
            "rule",
            "due_on",
            "acknowledged_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Optimistic locking: every ORM update checks the version it read and raises it, so of two
    # changes made at once one is refused instead of both half-applying (app/core/forms.py).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(16))
    variant: Mapped[str] = mapped_column(String(12), default="")
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    triggered_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Float, default=0.0)
    days: Mapped[int] = mapped_column(Integer, default=0)
    episodes: Mapped[int] = mapped_column(Integer, default=0)
    count: Mapped[int] = mapped_column(Integer, default=0)
    due_on: Mapped[date | None] = mapped_column(Date)
    detail: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The evaluation day the signal was first found to hold no more (None while it holds): an
    # ended signal stays on the list, "beëindigd op …", until someone acknowledges it.
    ended_on: Mapped[date | None] = mapped_column(Date)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The day of the evaluation that last wrote the signal: added it, or changed what it says
    # (an unchanged signal is not written again; the evaluations are in AbsenceEvaluation).
    evaluated_on: Mapped[date] = mapped_column(Date)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledgement_note: Mapped[str] = mapped_column(String(500), default="")

    student: Mapped[Student] = relationship()
    acknowledged_by: Mapped[User | None] = relationship()

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class DuoMelding(Model):
    """The melding at DUO's verzuimloket the school made for a 16-hour signal: when, by whom,
    the reference, and the follow-up by the leerplichtambtenaar (contact, verzuimgesprek).
    A melding after an earlier one in the same school year is a follow-up (``follow_up``)."""

    __tablename__ = "duo_melding"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), index=True
    )
    signal_id: Mapped[int | None] = mapped_column(
        ForeignKey("absence_signal.id", ondelete="SET NULL"), unique=True
    )
    reported_on: Mapped[date] = mapped_column(Date)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reference: Mapped[str] = mapped_column(String(60))
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Float, default=0.0)
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    leerplicht_contact: Mapped[str] = mapped_column(String(120), default="")
    contacted_on: Mapped[date | None] = mapped_column(Date)
    conversation_on: Mapped[date | None] = mapped_column(Date)  # the verzuimgesprek
    conversation_note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship()
    signal: Mapped[AbsenceSignal | None] = relationship()
    reported_by: Mapped[User | None] = relationship()
