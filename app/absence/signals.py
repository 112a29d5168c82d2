"""Evaluating and storing the signals, the signal list, acknowledgement (add and flush; the view
or command commits)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Select, bindparam, insert, or_, select, update
from sqlalchemy.orm import contains_eager, joinedload

from app.absence.figures import ensure_figures, figures_by_student
from app.absence.rules import RULES, Finding, evaluate_figures, evaluation_scope
from app.absence.services import rule_settings
from app.access import students_visible_to
from app.audit import record, record_many
from app.core.calendar_store import load_calendar
from app.core.csv_export import csv_text
from app.core.localtime import local_day_bounds, local_today
from app.core.sql import table_of
from app.exceptions import DomainError
from app.extensions import db
from app.models import AbsenceSignal, Location, Student, User
from app.models.types import utcnow

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


def evaluate_signals(
    as_of: date | None = None,
    *,
    student_ids: Iterable[int] | None = None,
    location: Location | None = None,
    store: bool = True,
    today: date | None = None,
) -> EvaluationSummary:
    """Run every rule for the active students (all, some, or one location's) as of ``as_of``
    (default: today) and store the outcome: new signals are added, existing ones updated, and
    signals that no longer hold are marked inactive (their acknowledgement stays).

    Registrations dated after ``today`` (default: the real today) never count, also when
    ``as_of`` is a later day: nobody knows yet whether the student will be absent."""
    today = today or local_today()
    as_of = as_of or today
    ids = set(student_ids) if student_ids is not None else None
    calendar = load_calendar()
    settings = rule_settings()
    summary = EvaluationSummary(as_of=as_of)
    scope = evaluation_scope(calendar, as_of, settings)
    if scope is None:
        summary.warning = f"Geen schooljaar in de schoolkalender op of vóór {as_of:%d-%m-%Y}."
    else:
        if as_of > today:
            summary.warning = "Verzuim na vandaag telt niet mee."
        if store:
            ensure_figures(calendar, settings)
        by_student = figures_by_student(
            ids,
            scope.first,
            min(as_of, today),
            calendar,
            settings,
            location_id=location.id if location else None,
        )
        summary.students = len(by_student)
        for student_id, figures in by_student.items():
            for finding in evaluate_figures(figures, scope):
                summary.findings.append((student_id, finding))
    summary.active = sum(1 for _, f in summary.findings if f.active)
    if store:
        _store_findings(summary, ids, location, scope.first if scope else None)
    return summary


# What a finding sets on its stored signal, in this order (Finding has the same names).
SIGNAL_VALUES = (
    "window_end",
    "triggered_on",
    "hours",
    "days",
    "episodes",
    "count",
    "due_on",
    "detail",
    "active",
)


def _finding_values(finding: Finding) -> tuple[Any, ...]:
    return (
        finding.window_end,
        finding.triggered_on,
        finding.hours,
        finding.days,
        finding.episodes,
        finding.count,
        finding.due_on,
        finding.detail[:120],
        finding.active,
    )


def _store_findings(
    summary: EvaluationSummary,
    ids: set[int] | None,
    location: Location | None,
    scope_first: date | None,
) -> None:
    """Upsert the findings as signals in bulk (Core statements: a daily evaluation touches tens
    of thousands of signals, most of them unchanged)."""
    # Signals that ended before the scope cannot change any more, unless still marked active.
    conditions: list[Any] = [AbsenceSignal.active.is_(True)]
    if scope_first is not None:
        conditions = [or_(conditions[0], AbsenceSignal.window_end >= scope_first)]
    if ids is not None:
        conditions.append(AbsenceSignal.student_id.in_(list(ids)))
    if location is not None:
        in_location = select(Student.id).where(Student.location_id == location.id)
        conditions.append(AbsenceSignal.student_id.in_(in_location))
    columns = [getattr(AbsenceSignal, name) for name in SIGNAL_VALUES]
    key_columns = (
        AbsenceSignal.student_id,
        AbsenceSignal.rule,
        AbsenceSignal.variant,
        AbsenceSignal.window_start,
    )
    existing: dict[tuple[Any, ...], tuple[int, tuple[Any, ...]]] = {}
    stored_rows = select(AbsenceSignal.id, *key_columns, *columns).where(*conditions)
    for row in db.session.execute(stored_rows):
        existing[tuple(row[1:5])] = (row[0], tuple(row[5:]))
    active_index = SIGNAL_VALUES.index("active")
    was_active = {key for key, (_id, values) in existing.items() if values[active_index]}
    as_of = summary.as_of
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    seen = set()
    still_active = set()
    for student_id, finding in summary.findings:
        key = (student_id, *finding.key)
        seen.add(key)
        if finding.active:
            still_active.add(key)
        values = _finding_values(finding)
        stored = existing.get(key)
        if stored is None:
            inserts.append(
                {
                    "student_id": student_id,
                    "rule": finding.rule,
                    "variant": finding.variant,
                    "window_start": finding.window_start,
                    "first_seen_at": now,
                    "evaluated_on": as_of,
                    **dict(zip(SIGNAL_VALUES, values, strict=True)),
                }
            )
            if finding.active:
                summary.new += 1
        elif stored[1] != values:
            changed = dict(zip(SIGNAL_VALUES, values, strict=True))
            updates.append({"signal_id": stored[0], **changed})
    gone = [signal_id for key, (signal_id, values) in existing.items() if key not in seen]
    signal_table = table_of(AbsenceSignal)
    summary.closed = len(was_active - still_active)
    # Every signal in scope was looked at today, changed or not.
    db.session.execute(update(AbsenceSignal).where(*conditions).values(evaluated_on=as_of))
    if updates:
        db.session.execute(
            update(signal_table)
            .where(signal_table.c.id == bindparam("signal_id"))
            .values({name: bindparam(name) for name in SIGNAL_VALUES}),
            updates,
        )
    for start in range(0, len(gone), 500):
        db.session.execute(
            update(AbsenceSignal)
            .where(AbsenceSignal.id.in_(gone[start : start + 500]))
            .values(active=False)
        )
    for start in range(0, len(inserts), 1000):
        db.session.execute(insert(signal_table), inserts[start : start + 1000])
    # Signal objects already in the session would show the values from before.
    for instance in list(db.session.identity_map.values()):
        if isinstance(instance, AbsenceSignal):
            db.session.expire(instance)
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
) -> Select[AbsenceSignal]:
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
    record(
        user,
        "acknowledge",
        "absence_signal",
        signal.id,
        student=signal.student_id,
        detail=f"{signal.rule} {signal.variant}".strip(),
    )
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


def signal_csv_row(signal: AbsenceSignal | SimpleNamespace) -> dict[str, object]:
    """One line of the CSV listing (CLI ``signals --csv`` and the download on the list page).
    A ``SimpleNamespace`` with the same attributes stands for a signal that was evaluated for
    another day and not stored."""
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


def record_signals_shown(user: User, students: Iterable[Student]) -> None:
    """Showing signals is audited once per student on the page."""
    record_many(user, "view", "absence_signal", ((s.leerlingnummer, s) for s in students))


def signal_list_csv(user: User, signals: Sequence[AbsenceSignal]) -> str:
    """The signals as CSV (with a BOM, ``;``-separated, for Dutch Excel; every cell neutralised
    against formulas); audited as an export for each student in it."""
    content = csv_text(CSV_COLUMNS, [signal_csv_row(signal) for signal in signals])
    exported = {signal.student for signal in signals}
    record_many(user, "export", "absence_signal", ((s.leerlingnummer, s) for s in exported))
    return content
