"""Evaluating and storing the signals, the signal list, acknowledgement (add and flush; the view
or command commits)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, bindparam, case, func, insert, or_, select, update
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from app.absence.figures import ensure_figures, figures_by_student
from app.absence.rule_scope import Finding, evaluation_scope
from app.absence.rules import RULES, evaluate_figures
from app.absence.services import rule_settings
from app.absence.summaries import after_today_warning, evaluation_text, no_school_year_warning
from app.access import students_visible_to
from app.audit import record, record_many
from app.core.calendar_store import load_calendar
from app.core.collection import collector_paused
from app.core.csv_export import csv_text
from app.core.localtime import local_day_bounds, local_today
from app.core.locks import hold_import_lock
from app.core.sql import among, table_of
from app.exceptions import DomainError
from app.extensions import db
from app.models import AbsenceEvaluation, AbsenceSignal, Location, Student, User
from app.models.types import utcnow

SORTS = ("nieuw", "naam", "klas", "regel", "uren", "datum")
# A signal is on the list while it holds, and after it ended until someone acknowledged it: a
# signal that fired and ended between two looks is not lost.
ON_THE_LIST = or_(AbsenceSignal.active.is_(True), AbsenceSignal.acknowledged_at.is_(None))


@dataclass
class EvaluationSummary:
    as_of: date
    students: int = 0
    findings: list[tuple[int, Finding]] = field(default_factory=list)
    new: int = 0
    active: int = 0
    closed: int = 0
    warning: str = ""
    # After storing: what the signal list shows of the evaluated students (ongoing signals and
    # ended ones nobody acknowledged yet), so the import's message agrees with the list.
    listed: int | None = None
    ended_listed: int = 0

    # Only some students were evaluated (those whose figures an import changed).
    partial: bool = False

    def summary(self) -> str:
        return evaluation_text(self)


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
    ``as_of`` is a later day: nobody knows yet whether the student will be absent.

    Storing holds the absence import lock until the transaction ends (waiting for it): two
    evaluations at once (two inbox runs, the morning job beside an upload) would each find a
    signal missing and both add it; an import's own evaluation holds the lock already."""
    if store:
        hold_import_lock("absence", wait=True)
    with collector_paused():  # app/core/collection.py: nothing here makes reference cycles
        return _evaluate_signals(
            as_of, student_ids=student_ids, location=location, store=store, today=today
        )


def _evaluate_signals(
    as_of: date | None,
    *,
    student_ids: Iterable[int] | None,
    location: Location | None,
    store: bool,
    today: date | None,
) -> EvaluationSummary:
    today = today or local_today()
    as_of = as_of or today
    ids = set(student_ids) if student_ids is not None else None
    calendar = load_calendar()
    settings = rule_settings()
    summary = EvaluationSummary(as_of=as_of, partial=ids is not None)
    scope = evaluation_scope(calendar, as_of, settings)
    if scope is None:
        summary.warning = no_school_year_warning(as_of)
    else:
        if as_of > today:
            summary.warning = after_today_warning()
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
        conditions.append(among(AbsenceSignal.student_id, ids))
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
    # id, key, values, ended_on.
    existing: dict[tuple[Any, ...], tuple[int, tuple[Any, ...], date | None]] = {}
    stored_rows = select(AbsenceSignal.id, *key_columns, *columns, AbsenceSignal.ended_on).where(
        *conditions
    )
    for row in db.session.connection().execute(stored_rows):  # Core: plain rows, no ORM work
        existing[tuple(row[1:5])] = (row[0], tuple(row[5:-1]), row[-1])
    active_index = SIGNAL_VALUES.index("active")
    was_active = {key for key, (_id, values, _e) in existing.items() if values[active_index]}
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
                    "ended_on": None if finding.active else as_of,
                    **dict(zip(SIGNAL_VALUES, values, strict=True)),
                }
            )
            continue
        signal_id, stored_values, ended_on = stored
        # When a signal ended (the first evaluation that found it no longer holding), or None
        # while it holds (again).
        ended = None if finding.active else (ended_on or as_of)
        if stored_values != values or ended != ended_on:
            changed = dict(zip(SIGNAL_VALUES, values, strict=True))
            updates.append({"signal_id": signal_id, "ended": ended, "evaluated": as_of, **changed})
    # Signals no rule finds any more hold no more; those that said so already are not written
    # again (on SQLite every written page is synced at the commit).
    gone = [
        signal_id
        for key, (signal_id, values, ended_on) in existing.items()
        if key not in seen and (values[active_index] or ended_on is None)
    ]
    signal_table = table_of(AbsenceSignal)
    summary.closed = len(was_active - still_active)
    if updates:
        db.session.execute(
            update(signal_table)
            .where(signal_table.c.id == bindparam("signal_id"))
            .values(
                {
                    **{name: bindparam(name) for name in SIGNAL_VALUES},
                    "ended_on": bindparam("ended"),
                    "evaluated_on": bindparam("evaluated"),
                }
            ),
            updates,
        )
    for start in range(0, len(gone), 500):
        db.session.execute(
            update(AbsenceSignal)
            .where(AbsenceSignal.id.in_(gone[start : start + 500]))
            .values(active=False, ended_on=func.coalesce(AbsenceSignal.ended_on, as_of))
        )
    for start in range(0, len(inserts), 1000):
        db.session.execute(insert(signal_table), inserts[start : start + 1000])
    # Every signal in scope was looked at as of this day, changed or not: said once, for the
    # list's "Berekend per …", instead of in each unchanged signal (issue 24).
    db.session.execute(
        insert(AbsenceEvaluation),
        [
            {
                "as_of": as_of,
                "location_id": location.id if location is not None else None,
                "partial": ids is not None,
                "students": summary.students,
                "evaluated_at": now,
            }
        ],
    )
    scoped = conditions[1:]
    listed = db.session.execute(
        select(
            AbsenceSignal.active,
            func.count(),
            func.sum(case((AbsenceSignal.first_seen_at == now, 1), else_=0)),
        )
        .join(AbsenceSignal.student)
        .where(*scoped, Student.active.is_(True), *listed_conditions())
        .group_by(AbsenceSignal.active)
    ).all()
    counts = {bool(active): number for active, number, _new in listed}
    summary.active = counts.get(True, 0)
    summary.ended_listed = counts.get(False, 0)
    summary.listed = summary.active + summary.ended_listed
    summary.new = sum(int(new or 0) for _active, _number, new in listed)
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


def evaluated_as_of(location_ids: Collection[int]) -> date | None:
    """The day the signals of these locations are evaluated as of: per location the newest
    stored evaluation of every student that covered it (of every location, or of that one), and
    of those the earliest, since a list is no newer than its oldest part. An import's evaluation
    of the students it changed does not count: the others' signals change as the days pass,
    which the morning's full run catches up on (so a missed run shows). None before any."""
    covering = [AbsenceEvaluation.location_id.is_(None)]
    if location_ids:
        covering.append(AbsenceEvaluation.location_id.in_(location_ids))
    newest = (
        select(func.max(AbsenceEvaluation.id))
        .where(or_(*covering), AbsenceEvaluation.partial.is_(False))
        .group_by(AbsenceEvaluation.location_id)
    )
    # Per location (None: every location) its newest evaluation, as (id, day).
    newest_of = {
        row.location_id: (row.id, row.as_of)
        for row in db.session.execute(
            select(
                AbsenceEvaluation.id, AbsenceEvaluation.location_id, AbsenceEvaluation.as_of
            ).where(AbsenceEvaluation.id.in_(newest))
        )
    }
    days: list[date] = []
    scopes: Collection[int | None] = location_ids or [None]
    for location_id in scopes:
        candidates = [c for c in (newest_of.get(None), newest_of.get(location_id)) if c]
        if not candidates:
            return None  # a location never evaluated: its signals say nothing yet
        days.append(max(candidates)[1])
    return min(days)


def _superseded() -> Any:
    """A 16-hour signal followed by a later one of the same student: the same melding series
    (continued absence after a melding is a follow-up), shown as the latest one only."""
    later = aliased(AbsenceSignal)
    return (
        select(later.id)
        .where(
            later.student_id == AbsenceSignal.student_id,
            later.rule == AbsenceSignal.rule,
            later.window_start > AbsenceSignal.window_start,
        )
        .exists()
    )


def _signal_conditions(
    user: User,
    *,
    location_ids: Sequence[int] | None,
    rules: Sequence[str],
    include_inactive: bool,
) -> list[Any]:
    visible = students_visible_to(user).with_only_columns(Student.id)
    conditions: list[Any] = [AbsenceSignal.student_id.in_(visible)]
    if location_ids:
        conditions.append(Student.location_id.in_(location_ids))
    if rules:
        conditions.append(AbsenceSignal.rule.in_([r for r in rules if r in RULES]))
    if not include_inactive:
        conditions += listed_conditions()
    return conditions


def listed_conditions() -> list[Any]:
    """Which stored signals are on the list (the page, the command's listing, the import's
    counts): ongoing ones and ended ones not yet acknowledged; of a series of 16-hour signals
    (a melding and its follow-ups) only the latest."""
    return [ON_THE_LIST, or_(AbsenceSignal.rule != "16uur", ~_superseded())]


def signal_query(
    user: User,
    *,
    location_ids: Sequence[int] | None = None,
    rules: Sequence[str] = (),
    include_inactive: bool = False,
    sort: str = "nieuw",
) -> Select[AbsenceSignal]:
    """The signals of students ``user`` may see (app.access), filtered and sorted: by default
    the ones on the list (ongoing, or ended and not yet acknowledged; of a series of 16-hour
    signals the latest)."""
    query = (
        select(AbsenceSignal)
        .join(AbsenceSignal.student)
        .where(
            *_signal_conditions(
                user, location_ids=location_ids, rules=rules, include_inactive=include_inactive
            )
        )
        .options(
            contains_eager(AbsenceSignal.student).joinedload(Student.location),
            joinedload(AbsenceSignal.acknowledged_by),
        )
    )
    name = (Student.last_name, Student.first_name, AbsenceSignal.id)
    orders = {
        "nieuw": (AbsenceSignal.first_seen_at.desc(), AbsenceSignal.triggered_on.desc(), *name),
        "naam": name,
        "klas": (Student.class_name, *name),
        "regel": (AbsenceSignal.rule, *name),
        "uren": (AbsenceSignal.hours.desc(), *name),
        "datum": (AbsenceSignal.triggered_on.desc(), *name),
    }
    return query.order_by(*orders.get(sort, orders["nieuw"]))


def signal_student_query(
    user: User,
    *,
    location_ids: Sequence[int] | None = None,
    rules: Sequence[str] = (),
    include_inactive: bool = False,
    sort: str = "nieuw",
) -> Select[Student]:
    """The students with signals on the list, one row each (the list shows a card per student),
    in the order asked: newest first is the student whose newest signal is newest (first seen,
    then the day it fired)."""
    conditions = _signal_conditions(
        user, location_ids=location_ids, rules=rules, include_inactive=include_inactive
    )
    name = (Student.last_name, Student.first_name, Student.id)
    orders = {
        "nieuw": (
            func.max(AbsenceSignal.first_seen_at).desc(),
            func.max(AbsenceSignal.triggered_on).desc(),
            *name,
        ),
        "naam": name,
        "klas": (Student.class_name, *name),
        "regel": (func.min(AbsenceSignal.rule), *name),
        "uren": (func.max(AbsenceSignal.hours).desc(), *name),
        "datum": (func.max(AbsenceSignal.triggered_on).desc(), *name),
    }
    return (
        select(Student)
        .join(AbsenceSignal, AbsenceSignal.student_id == Student.id)
        .where(*conditions)
        .group_by(Student.id)
        .options(selectinload(Student.location))
        .order_by(*orders.get(sort, orders["nieuw"]))
    )


def signals_of_students(
    user: User,
    students: Sequence[Student],
    *,
    rules: Sequence[str] = (),
    include_inactive: bool = False,
) -> dict[int, list[AbsenceSignal]]:
    """The listed signals of these students (one query), ongoing first, then newest."""
    ids = [student.id for student in students]
    by_student: dict[int, list[AbsenceSignal]] = {student_id: [] for student_id in ids}
    if not ids:
        return by_student
    query = (
        signal_query(user, rules=rules, include_inactive=include_inactive)
        .where(AbsenceSignal.student_id.in_(ids))
        .order_by(None)
        .order_by(AbsenceSignal.active.desc(), AbsenceSignal.triggered_on.desc(), AbsenceSignal.id)
    )
    for signal in db.session.scalars(query).unique():
        by_student[signal.student_id].append(signal)
    return by_student


def find_visible_signal(user: User, signal_id: int) -> AbsenceSignal | None:
    """The signal if ``user`` may see its student (else None: existence is not revealed)."""
    query = signal_query(user, include_inactive=True).where(AbsenceSignal.id == signal_id)
    return db.session.scalar(query)


def acknowledge_signal(signal: AbsenceSignal, user: User, note: str) -> AbsenceSignal:
    note = note.strip()
    if len(note) < 3:
        raise DomainError(gettext("Schrijf kort op wat er met het signaal gebeurt."), field="note")
    if len(note) > 500:
        raise DomainError(gettext("De notitie is langer dan 500 tekens."), field="note")
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
        "ended_on": signal.ended_on.isoformat() if signal.ended_on else "",
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
    "ended_on",
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
