"""Evaluating and storing the signals, the signal list, acknowledgement (add and flush; the view
or command commits)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from app.absence.rules import (
    RULES,
    Finding,
    Registration,
    evaluate_student,
    evaluation_scope,
)
from app.absence.services import load_calendar, rule_settings
from app.access import students_visible_to
from app.exceptions import DomainError
from app.extensions import db
from app.models import AbsenceRecord, AbsenceSignal, Location, Student, User
from app.models.types import utcnow
from app.timeutil import local_day_bounds, local_today

SORTS = ("nieuw", "naam", "klas", "regel", "uren", "datum")


@dataclass
class EvaluationSummary:
    as_of: date
    students: int = 0
    findings: list[tuple[int, Finding]] = field(default_factory=list)
    new: int = 0
    active: int = 0
    closed: int = 0
    warning: str = ""

    def summary(self) -> str:
        text = (
            f"signalen per {self.as_of:%d-%m-%Y}: {self.active} actief "
            f"(waarvan {self.new} nieuw), {self.closed} niet meer actief"
        )
        return f"{text}. {self.warning}" if self.warning else text


def registrations_by_student(
    student_ids: Iterable[int] | None,
    first: date,
    last: date,
    *,
    location_id: int | None = None,
    active_only: bool = True,
) -> dict[int, list[Registration]]:
    """Stored registrations touching ``first``..``last``, per student, in import order."""
    query = (
        select(*REGISTRATION_COLUMNS)
        .join(Student, Student.id == AbsenceRecord.student_id)
        .where(AbsenceRecord.last_day >= first, AbsenceRecord.day <= last)
        .order_by(AbsenceRecord.student_id, AbsenceRecord.imported_at, AbsenceRecord.id)
    )
    if active_only:
        query = query.where(Student.active.is_(True))
    if student_ids is not None:
        query = query.where(AbsenceRecord.student_id.in_(list(student_ids)))
    if location_id is not None:
        query = query.where(Student.location_id == location_id)
    return registrations_per_student(query)


# The stored columns the rules read, student first; a query selecting them, ordered by student
# and import order, goes to registrations_per_student.
REGISTRATION_COLUMNS = (
    AbsenceRecord.student_id,
    AbsenceRecord.day,
    AbsenceRecord.last_day,
    AbsenceRecord.first_hour,
    AbsenceRecord.last_hour,
    AbsenceRecord.start_minute,
    AbsenceRecord.minutes,
    AbsenceRecord.category,
    AbsenceRecord.authorised,
)


def registrations_per_student(query: Select[Any]) -> dict[int, list[Registration]]:
    """The rows of a query over :data:`REGISTRATION_COLUMNS` as the rules' registrations, per
    student, keeping the query's (import) order."""
    result: dict[int, list[Registration]] = {}
    for order, row in enumerate(db.session.execute(query)):
        result.setdefault(row[0], []).append(
            Registration(
                first_day=row[1],
                last_day=row[2],
                first_hour=row[3],
                last_hour=row[4],
                start_minute=row[5],
                minutes=row[6],
                category=row[7],
                authorised=row[8],
                order=order,
            )
        )
    return result


def evaluate_signals(
    as_of: date | None = None,
    *,
    student_ids: Iterable[int] | None = None,
    location: Location | None = None,
    store: bool = True,
) -> EvaluationSummary:
    """Run every rule for the active students (all, some, or one location's) as of ``as_of``
    (default: today) and store the outcome: new signals are added, existing ones updated, and
    signals that no longer hold are marked inactive (their acknowledgement stays)."""
    as_of = as_of or local_today()
    ids = set(student_ids) if student_ids is not None else None
    calendar = load_calendar()
    settings = rule_settings()
    summary = EvaluationSummary(as_of=as_of)
    scope = evaluation_scope(calendar, as_of, settings)
    if scope is None:
        summary.warning = f"Geen schooljaar in de schoolkalender op of vóór {as_of:%d-%m-%Y}."
        by_student: dict[int, list[Registration]] = {}
    else:
        by_student = registrations_by_student(
            ids, scope.first, as_of, location_id=location.id if location else None
        )
    summary.students = len(by_student)
    for student_id, rows in by_student.items():
        for finding in evaluate_student(rows, calendar, as_of, settings):
            summary.findings.append((student_id, finding))
    summary.active = sum(1 for _, f in summary.findings if f.active)
    if store:
        _store_findings(summary, ids, location, scope.first if scope else None)
    return summary


def _store_findings(
    summary: EvaluationSummary,
    ids: set[int] | None,
    location: Location | None,
    scope_first: date | None,
) -> None:
    # Signals that ended before the scope cannot change any more, unless still marked active.
    recent = AbsenceSignal.active.is_(True)
    if scope_first is not None:
        recent = or_(recent, AbsenceSignal.window_end >= scope_first)
    query = select(AbsenceSignal).where(recent)
    if ids is not None:
        query = query.where(AbsenceSignal.student_id.in_(list(ids)))
    if location is not None:
        query = query.join(Student).where(Student.location_id == location.id)
    existing = {
        (s.student_id, s.rule, s.variant, s.window_start): s for s in db.session.scalars(query)
    }
    was_active = {key for key, signal in existing.items() if signal.active}
    seen = set()
    for student_id, finding in summary.findings:
        key = (student_id, *finding.key)
        seen.add(key)
        signal = existing.get(key)
        if signal is None:
            signal = AbsenceSignal(
                student_id=student_id,
                rule=finding.rule,
                variant=finding.variant,
                window_start=finding.window_start,
                first_seen_at=utcnow(),
            )
            db.session.add(signal)
            if finding.active:
                summary.new += 1
        signal.window_end = finding.window_end
        signal.triggered_on = finding.triggered_on
        signal.hours = finding.hours
        signal.days = finding.days
        signal.episodes = finding.episodes
        signal.count = finding.count
        signal.due_on = finding.due_on
        signal.detail = finding.detail[:120]
        signal.active = finding.active
        signal.evaluated_on = summary.as_of
    for key, signal in existing.items():
        if key not in seen:
            signal.active = False
            signal.evaluated_on = summary.as_of
    summary.closed = sum(1 for key in was_active if not existing[key].active)
    db.session.flush()


# --------------------------------------------------------------------------------------------
# The signal list
# --------------------------------------------------------------------------------------------


def new_since() -> datetime:
    """Signals first seen after the start of the previous school day count as new."""
    today = local_today()
    previous = load_calendar().previous_school_day(today) or today - timedelta(days=1)
    return local_day_bounds(previous)[0]


def signal_query(
    user: User,
    *,
    location_ids: Sequence[int] | None = None,
    rules: Sequence[str] = (),
    include_inactive: bool = False,
    sort: str = "nieuw",
) -> Select[tuple[AbsenceSignal]]:
    """The signals of students ``user`` may see (app.access), filtered and sorted."""
    visible = students_visible_to(user).with_only_columns(Student.id)
    query = (
        select(AbsenceSignal)
        .join(AbsenceSignal.student)
        .where(AbsenceSignal.student_id.in_(visible))
        .options(
            contains_eager(AbsenceSignal.student).joinedload(Student.location),
            joinedload(AbsenceSignal.acknowledged_by),
        )
    )
    if location_ids:
        query = query.where(Student.location_id.in_(location_ids))
    if rules:
        query = query.where(AbsenceSignal.rule.in_([r for r in rules if r in RULES]))
    if not include_inactive:
        query = query.where(AbsenceSignal.active.is_(True))
    name = (Student.last_name, Student.first_name, AbsenceSignal.id)
    orders = {
        "nieuw": (AbsenceSignal.first_seen_at.desc(), *name),
        "naam": name,
        "klas": (Student.class_name, *name),
        "regel": (AbsenceSignal.rule, *name),
        "uren": (AbsenceSignal.hours.desc(), *name),
        "datum": (AbsenceSignal.triggered_on.desc(), *name),
    }
    return query.order_by(*orders.get(sort, orders["nieuw"]))


def find_visible_signal(user: User, signal_id: int) -> AbsenceSignal | None:
    """The signal if ``user`` may see its student (else None: existence is not revealed)."""
    query = signal_query(user, include_inactive=True).where(AbsenceSignal.id == signal_id)
    return db.session.scalar(query)


def acknowledge_signal(signal: AbsenceSignal, user: User, note: str) -> AbsenceSignal:
    note = note.strip()
    if len(note) < 3:
        raise DomainError("Schrijf kort op wat er met het signaal gebeurt.", field="note")
    if len(note) > 500:
        raise DomainError("De notitie is langer dan 500 tekens.", field="note")
    signal.acknowledged_by = user
    signal.acknowledged_at = utcnow()
    signal.acknowledgement_note = note
    db.session.flush()
    return signal


def signals_for_student(student: Student) -> list[AbsenceSignal]:
    return list(
        db.session.scalars(
            select(AbsenceSignal)
            .where(AbsenceSignal.student_id == student.id)
            .options(joinedload(AbsenceSignal.acknowledged_by))
            .order_by(AbsenceSignal.active.desc(), AbsenceSignal.triggered_on.desc())
        )
    )


def signal_csv_row(signal: AbsenceSignal) -> dict[str, object]:
    """One line of the CSV listing (CLI ``signals --csv`` and the download on the list page)."""
    student = signal.student
    return {
        "leerlingnummer": student.leerlingnummer,
        "rule": signal.rule,
        "variant": signal.variant,
        "locatie": student.location.code,
        "klas": student.class_name,
        "window_start": signal.window_start.isoformat(),
        "window_end": signal.window_end.isoformat(),
        "triggered_on": signal.triggered_on.isoformat(),
        "hours": f"{signal.hours:g}",
        "days": signal.days,
        "episodes": signal.episodes,
        "count": signal.count,
        "due_on": signal.due_on.isoformat() if signal.due_on else "",
        "active": "ja" if signal.active else "nee",
        "acknowledged": "ja" if signal.acknowledged else "nee",
        "detail": signal.detail,
    }


CSV_COLUMNS = (
    "leerlingnummer",
    "rule",
    "variant",
    "locatie",
    "klas",
    "window_start",
    "window_end",
    "triggered_on",
    "hours",
    "days",
    "episodes",
    "count",
    "due_on",
    "active",
    "acknowledged",
    "detail",
)
