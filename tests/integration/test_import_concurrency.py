"""An import started twice at once imports once (students and absence), with two real
concurrent database sessions: on PostgreSQL the second is refused at once by the advisory lock;
on SQLite it waits for the database's write lock and then finds everything already stored."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

import app.students.importing as importing
from app.absence.importer import import_absence
from app.absence.signals import evaluate_signals
from app.core.locks import BUSY, ImportBusy
from app.exceptions import DomainError
from app.extensions import db
from app.models import AbsenceImport, AbsenceRecord, Location, Student
from app.students.importing import import_students
from tests.absence_helpers import magister_csv, magister_day, school_calendar
from tests.student_import_helpers import csv_bytes

MON = date(2026, 9, 14)
WAIT = 30  # seconds a thread may take at most; far more than it needs


class Paused:
    """Holds the first import inside its transaction (after it took the lock) until released."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.release = threading.Event()

    def pause(self) -> None:
        if not self.reached.is_set():
            self.reached.set()
            assert self.release.wait(WAIT)


def in_own_session(app: Flask, work: Callable[[], Any], results: dict[str, Any], name: str) -> None:
    """Run ``work`` in an app context (and so a database session and connection) of its own,
    and commit, as a request or command would."""
    with app.app_context():
        try:
            results[name] = work()
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            results[name] = error
        finally:
            db.session.remove()


def start_second_while_paused(
    app: Flask, first_work: Callable[[], Any], second_work: Callable[[], Any], paused: Paused
) -> tuple[threading.Thread, threading.Thread, dict[str, Any]]:
    """Start ``first_work``, and ``second_work`` once the first holds the lock (paused), each in
    a session of its own; their results (or refusals) go to the dict, as "first" and "second"."""
    results: dict[str, Any] = {}
    first = threading.Thread(target=in_own_session, args=(app, first_work, results, "first"))
    first.start()
    assert paused.reached.wait(WAIT), "the first import never got the lock"
    second = threading.Thread(target=in_own_session, args=(app, second_work, results, "second"))
    second.start()
    return first, second, results


def run_twice(app: Flask, work: Callable[[], Any], paused: Paused) -> dict[str, Any]:
    """Start ``work`` twice: the second while the first holds the lock."""
    first, second, results = start_second_while_paused(app, work, work, paused)
    if db.engine.dialect.name == "postgresql":
        second.join(WAIT)  # refused at once, while the first still runs
        assert not second.is_alive() and first.is_alive()
    else:
        time.sleep(0.5)
        assert second.is_alive(), "on SQLite the second waits for the write lock"
    paused.release.set()
    first.join(WAIT)
    second.join(WAIT)
    assert not first.is_alive() and not second.is_alive()
    db.session.expire_all()
    return results


def test_an_absence_import_started_twice_at_once_imports_once(
    app: Flask, make_student: Callable[..., Student]
) -> None:
    school_calendar()
    make_student("ZS", leerlingnummer="100231")
    data = magister_csv(*magister_day("100231", MON), *magister_day("100231", MON.replace(day=15)))
    paused = Paused()

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "opslaan":  # stored under the lock
            paused.pause()

    results = run_twice(
        app,
        lambda: import_absence(data, "a.csv", progress=progress, evaluate=False, as_of=MON),
        paused,
    )
    assert results["first"].inserted == 16
    assert db.session.scalar(select(func.count(AbsenceRecord.id))) == 16
    second = results["second"]
    if db.engine.dialect.name == "postgresql":
        assert isinstance(second, ImportBusy) and second.message == BUSY
        assert db.session.scalar(select(func.count(AbsenceImport.id))) == 1
    else:
        assert (second.inserted, second.unchanged) == (0, 16)


def test_a_student_import_started_twice_at_once_imports_once(
    app: Flask, locations: dict[str, Location], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = csv_bytes(*(f"{1001 + n};Kind{n};;Zuid;2B;ZS;" for n in range(30)))
    paused = Paused()
    plan_rows = importing.plan_rows

    def plan_after_a_pause(*args: Any, **kwargs: Any) -> importing.StudentImportPlan:
        paused.pause()  # the lock is held: the plan is read and written under it
        return plan_rows(*args, **kwargs)

    monkeypatch.setattr(importing, "plan_rows", plan_after_a_pause)
    results = run_twice(app, lambda: import_students(data, "leerlingen.csv"), paused)
    assert results["first"].created == 30
    assert db.session.scalar(select(func.count(Student.id))) == 30
    second = results["second"]
    if db.engine.dialect.name == "postgresql":
        assert isinstance(second, ImportBusy) and second.message == BUSY
    else:
        assert (second.created, second.unchanged) == (0, 30)


def test_storing_signals_waits_for_an_import_in_progress(
    app: Flask, make_student: Callable[..., Student]
) -> None:
    """Two evaluations at once (two inbox runs, the morning job beside an upload) each found a
    signal missing and both added it (a UNIQUE failure seen on SQLite): storing signals takes
    the absence import lock, waiting for it on both databases, until its transaction ends."""
    school_calendar()
    make_student("ZS", leerlingnummer="100231")
    data = magister_csv(*magister_day("100231", MON))
    paused = Paused()
    finished: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "opslaan":
            paused.pause()

    def importing_() -> Any:
        result = import_absence(data, "a.csv", progress=progress, evaluate=False, as_of=MON)
        finished["import"] = time.monotonic()
        return result

    def evaluating() -> Any:
        summary = evaluate_signals(MON, today=MON)
        finished["evaluation"] = time.monotonic()
        return summary

    first, second, results = start_second_while_paused(app, importing_, evaluating, paused)
    time.sleep(0.5)
    assert second.is_alive(), "the evaluation did not wait for the import's lock"
    paused.release.set()
    first.join(WAIT)
    second.join(WAIT)
    assert not first.is_alive() and not second.is_alive()
    assert not isinstance(results["second"], BaseException), results
    assert finished["evaluation"] >= finished["import"]
