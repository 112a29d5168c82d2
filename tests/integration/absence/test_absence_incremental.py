"""Incremental signal evaluation: an import evaluates only the students whose day figures it
changed, and a full evaluation right after it (as the nightly ``flask signals`` runs) finds
nothing to add, correct or close — on a randomized school term, and a randomized school year,
of imports, corrections and deletions."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from app.absence.importer import import_absence
from app.absence.signals import SIGNAL_VALUES, evaluate_signals
from app.core.calendar_store import load_calendar
from app.demo.absence import seed_school_year
from app.demo.synthetic_absence import SyntheticRow, generate, magister_csv
from app.extensions import db
from app.models import AbsenceFigures, AbsenceImport, AbsenceRecord, AbsenceSignal, Student
from tests.absence_helpers import school_calendar

# A term that lies in the past whenever the suite runs (registrations after today never count).
TERM = (date(2026, 8, 17), date(2026, 11, 27))
# A whole school year in the past: its holidays, the summer's end, the year's last day.
YEAR = (date(2025, 8, 1), date(2026, 7, 31))
PROFILES = ("gewoon", "thuiszitter", "langdurig_ziek", "laatkomer", "maandag", "vaak_ziek")
# Codes a correction may swap among: all absence, so a registration keeps its key.
ABSENCE_CODES = ("O", "Z", "V", "M")


@pytest.fixture
def pupils(app: Flask, make_student: Callable[..., Student]) -> list[Student]:
    school_calendar()
    return [make_student("ZS", leerlingnummer=f"41000{i}") for i in range(8)]


def stored_signals() -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Every stored signal by its key, with what a finding sets (not when it was evaluated)."""
    db.session.expire_all()
    key = (
        AbsenceSignal.student_id,
        AbsenceSignal.rule,
        AbsenceSignal.variant,
        AbsenceSignal.window_start,
    )
    values = [getattr(AbsenceSignal, name) for name in SIGNAL_VALUES]
    return {
        tuple(row[:4]): tuple(row[4:])
        for row in db.session.execute(select(*key, *values, AbsenceSignal.first_seen_at))
    }


def assert_full_evaluation_changes_nothing(as_of: date, step: str) -> None:
    incremental = stored_signals()
    full = evaluate_signals(as_of)
    db.session.commit()
    assert (full.new, full.closed) == (0, 0), step
    assert stored_signals() == incremental, step


@pytest.fixture
def year_pupils(pupils: list[Student]) -> list[Student]:
    seed_school_year("2025-2026")
    db.session.commit()
    return pupils


def term_imports(
    rng: random.Random,
    numbers: list[str],
    period: tuple[date, date] = TERM,
    periods: tuple[int, int] = (3, 5),
) -> list[tuple[str, list, bool, date]]:
    """A term (or another ``period``) of imports: (name, rows, replace_period, as_of). Each new
    period's export (a random subset of the students, some rows sent again), with corrections
    of earlier rows and replacements of an earlier period that leave rows out (deleted in the
    LVS) between; ``periods``: how many exports of new days, at least and at most, besides the
    last one."""
    calendar = load_calendar()
    # Every profile at least once (so there are signals to get right), in a random order.
    drawn = [*PROFILES, *(rng.choice(PROFILES) for _ in numbers[len(PROFILES) :])]
    rng.shuffle(drawn)
    profiles = dict(zip(numbers, drawn, strict=True))
    rows = generate(numbers, calendar, *period, seed=rng.randrange(10_000), profiles=profiles)
    days = calendar.school_days_between(*period)
    cuts = sorted(rng.sample(range(5, len(days) - 1), rng.randint(*periods))) + [len(days) - 1]
    steps: list[tuple[str, list, bool, date]] = []
    done: list[SyntheticRow] = []
    since = date.min
    for number, cut in enumerate(cuts):
        as_of = days[cut]
        present = {n for n in numbers if rng.random() < 0.85}
        period = [r for r in rows if since < r.day <= as_of and r.leerlingnummer in present]
        again = rng.sample(done, min(len(done), rng.randint(0, 20)))
        if period or again:
            steps.append((f"periode{number}.csv", [*again, *period], False, as_of))
        done.extend(period)
        since = as_of
        absence = [r for r in done if r.code in ABSENCE_CODES]
        if absence and rng.random() < 0.8:
            chosen = rng.sample(absence, min(len(absence), rng.randint(1, 15)))
            corrected = {
                r: replace(r, code=rng.choice([c for c in ABSENCE_CODES if c != r.code]))
                for r in chosen
            }
            steps.append((f"correctie{number}.csv", list(corrected.values()), False, as_of))
            done = [corrected.get(r, r) for r in done]
        if done and rng.random() < 0.7:
            student = rng.choice(sorted({r.leerlingnummer for r in done}))
            own = [r for r in done if r.leerlingnummer == student]
            first = rng.choice(own).day
            window = [r for r in own if r.day >= first]
            kept = [r for r in window if rng.random() < 0.6] or window[:1]
            steps.append((f"vervanging{number}.csv", kept, True, as_of))
            # Only the file's period (its first to last day) is replaced.
            start, end = min(r.day for r in kept), max(r.day for r in kept)
            lost = {r for r in window if r not in kept and start <= r.day <= end}
            done = [r for r in done if r not in lost]
    return steps


def randomized(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """A test run on ``examples`` random seeds (``rng``), without a deadline: imports are slow."""

    def decorate(test: Callable[..., None]) -> Callable[..., None]:
        return settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )(given(rng=st.randoms(use_true_random=False))(test))

    return decorate


@randomized(4)
def test_incremental_evaluation_equals_full_evaluation(
    pupils: list[Student], rng: random.Random
) -> None:
    numbers = [p.leerlingnummer for p in pupils]
    import_incrementally(term_imports(rng, numbers))


@randomized(3)
def test_incremental_evaluation_equals_full_evaluation_over_a_year(
    year_pupils: list[Student], rng: random.Random
) -> None:
    numbers = [p.leerlingnummer for p in year_pupils]
    steps = term_imports(rng, numbers, YEAR, (8, 14))
    assert steps[-1][3] == load_calendar().school_days_between(*YEAR)[-1]
    import_incrementally(steps)


def import_incrementally(steps: list[tuple[str, list, bool, date]]) -> None:
    """Import each step (evaluating as an import does), and after each check that a full
    evaluation changes nothing."""
    try:
        last_as_of = None
        for name, rows, replace_period, as_of in steps:
            if as_of != last_as_of:
                evaluate_signals(as_of)  # the night before: everybody, as of the new day
                db.session.commit()
                last_as_of = as_of
            result = import_absence(
                magister_csv(sorted(rows, key=lambda r: (r.day, r.leerlingnummer, r.lesson))),
                name,
                as_of=as_of,
                replace_period=replace_period,
            )
            db.session.commit()
            assert result.changed_student_ids is not None
            assert result.changed_student_ids <= result.student_ids
            assert result.signals.students <= len(result.changed_student_ids)
            assert_full_evaluation_changes_nothing(as_of, name)
        assert stored_signals(), "a term or year of these profiles raises signals"
    finally:
        for model in (AbsenceSignal, AbsenceFigures, AbsenceRecord, AbsenceImport):
            db.session.execute(delete(model))
        db.session.commit()


@randomized(3)
def test_an_ended_signal_carries_the_day_it_ended_and_a_holding_one_none(
    pupils: list[Student], rng: random.Random
) -> None:
    """The evaluation works out ``ended_on`` itself (no UPDATE over every signal of the
    students): after every import and every evaluation, a signal that holds has none, one that
    ended has the evaluation day it was first found ended — not later than that day, and kept
    by later evaluations."""
    numbers = [p.leerlingnummer for p in pupils]
    ended_before: dict[tuple[Any, ...], date] = {}
    try:
        for name, rows, replace_period, as_of in term_imports(rng, numbers):
            evaluate_signals(as_of)
            db.session.commit()
            ended_before = assert_ended_on_consistent(ended_before, as_of, f"night {name}")
            import_absence(
                magister_csv(sorted(rows, key=lambda r: (r.day, r.leerlingnummer, r.lesson))),
                name,
                as_of=as_of,
                replace_period=replace_period,
            )
            db.session.commit()
            ended_before = assert_ended_on_consistent(ended_before, as_of, name)
        assert ended_before, "a term of these profiles ends some signals"
    finally:
        for model in (AbsenceSignal, AbsenceFigures, AbsenceRecord, AbsenceImport):
            db.session.execute(delete(model))
        db.session.commit()


def assert_ended_on_consistent(
    ended_before: dict[tuple[Any, ...], date], as_of: date, step: str
) -> dict[tuple[Any, ...], date]:
    """Every stored signal: active and no ``ended_on``, or inactive with one on or before
    ``as_of`` — the same one as before if it had ended already. Returns the ended ones."""
    ended: dict[tuple[Any, ...], date] = {}
    query = select(
        AbsenceSignal.student_id,
        AbsenceSignal.rule,
        AbsenceSignal.variant,
        AbsenceSignal.window_start,
        AbsenceSignal.active,
        AbsenceSignal.ended_on,
    )
    for *key, active, ended_on in db.session.execute(query):
        if active:
            assert ended_on is None, (step, key)
            continue
        assert ended_on is not None and ended_on <= as_of, (step, key, ended_on)
        previous = ended_before.get(tuple(key))
        assert previous is None or previous == ended_on, (step, key, previous, ended_on)
        ended[tuple(key)] = ended_on
    return ended


def test_evaluating_students_named_by_tens_of_thousands_of_ids(
    app: Flask, make_student: Callable[..., Student]
) -> None:
    """The evaluation selects its students' figures and signals with their ids as one
    parameter (a board's day touches thousands of students): only those students are
    evaluated, however many ids; unknown ids are no students and change nothing."""
    school_calendar()
    student = make_student("ZS", leerlingnummer="410099")
    make_student("ZS", leerlingnummer="410098")  # as absent, but not among the ids
    import_absence(
        magister_csv(
            [
                SyntheticRow(number, day, lesson, "O")
                for number in ("410098", "410099")
                for day in load_calendar().school_days_between(date(2026, 9, 7), date(2026, 9, 9))
                for lesson in range(1, 7)
            ]
        ),
        "week.csv",
        as_of=date(2026, 9, 9),
        evaluate=False,
    )
    db.session.commit()
    try:
        ids = {student.id, *range(10**6, 10**6 + 40_000)}
        summary = evaluate_signals(date(2026, 9, 9), student_ids=ids, today=date(2026, 9, 9))
        db.session.commit()
        assert summary.students == 1
        assert [(f.rule, f.hours) for _, f in summary.findings] == [("16uur", 18.0)]
        assert {(student_id, rule) for student_id, rule, *_ in stored_signals()} == {
            (student.id, "16uur")
        }
        again = evaluate_signals(date(2026, 9, 9), student_ids=ids, today=date(2026, 9, 9))
        assert (again.new, again.closed, again.listed) == (0, 0, 1)
    finally:
        for model in (AbsenceSignal, AbsenceFigures, AbsenceRecord, AbsenceImport):
            db.session.execute(delete(model))
        db.session.commit()
