"""Profile a daily absence import and the evaluation of the students it touched.

    .venv/bin/python -m bench.profile_daily [--db sqlite|postgresql] [--rows 600000] [--days 3]

A throw-away database with the school calendar and ``rows / 250`` students, the export of
bench/group_data.py without its last ``--days`` school days imported and evaluated; then each
of those days' own export is imported and its touched students evaluated, as ``import_absence``
does. Prints each day's wall clock and CPU seconds (the import's part apart) and, for the last
day, cProfile's cumulative list with a CPU-time clock. ``--phases`` instead times the parts of
the daily path without the profiler (whose overhead weighs on the rules' many small calls): the
import (of which the figures' refresh), the figures read, the rules, the signals' writes and the
commit, CPU seconds each. Figures, not tests."""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from types import SimpleNamespace
from typing import Any

from bench.group_bench import database_url, vacuum_analyze
from bench.group_data import absence_export
from bench.quick import _split_by_day
from bench.report_bench import _app as bench_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--rows", type=int, default=600_000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--top", type=int, default=40, help="lines of the profile")
    parser.add_argument("--phases", action="store_true", help="CPU per part, no profiler")
    args = parser.parse_args(argv)
    with database_url(args.db) as url:
        _run(url, args.rows, args.days, args.top, args.phases)


class Phases:
    """CPU seconds spent in some functions, by wrapping them where they are looked up."""

    def __init__(self) -> None:
        self.seconds: dict[str, tuple[float, float]] = {}

    def time_statements(self, engine: Any) -> None:
        """Each statement's wall clock (the database's part, on PostgreSQL)."""
        from sqlalchemy import event

        self.statements: list[tuple[float, str]] = []

        @event.listens_for(engine, "before_cursor_execute")
        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            conn.info["started"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            spent = time.perf_counter() - conn.info.pop("started")
            self.statements.append((spent, " ".join(statement.split())[:110]))

    def wrap(self, module: Any, name: str, label: str) -> None:
        inner = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start, wall = time.process_time(), time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                cpu, clock = self.seconds.get(label, (0.0, 0.0))
                self.seconds[label] = (
                    cpu + time.process_time() - start,
                    clock + time.perf_counter() - wall,
                )

        setattr(module, name, timed)

    def time_collections(self) -> None:
        """The garbage collector's pauses, which land in whichever part allocates at the time."""
        import gc

        started: list[float] = []

        def callback(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                started.append(time.process_time())
            elif started:
                cpu, wall = self.seconds.get("(gc pauses)", (0.0, 0.0))
                spent = time.process_time() - started.pop()
                self.seconds["(gc pauses)"] = (cpu + spent, wall + spent)

        gc.callbacks.append(callback)

    def line(self) -> str:
        parts = ", ".join(
            f"{label} {cpu:.2f} ({wall:.2f})" for label, (cpu, wall) in self.seconds.items()
        )
        self.seconds.clear()
        return parts


def _phases() -> Phases:
    from app.absence import figures, importer, rules, signals

    phases = Phases()
    phases.wrap(importer, "refresh_figures", "import: figures refresh")
    phases.wrap(signals, "figures_by_student", "figures read")
    for name in ("evaluate_figures", "evaluate_changed"):
        if hasattr(signals, name):
            phases.wrap(signals, name, "rules")
    phases.wrap(signals, "_store_findings", "signal writes")
    del figures
    # Each rule's own part of "rules".
    functions = []
    for function in rules.RULE_FUNCTIONS:
        holder = SimpleNamespace(rule=function)
        phases.wrap(holder, "rule", f"  {function.__name__}")
        functions.append(holder.rule)
    rules.RULE_FUNCTIONS = tuple(functions)
    return phases


def setup_students(count: int) -> list[str]:
    """In the app context of a new database: its schema, the locations, school year 2026-2027
    and ``count`` students; answers their student numbers."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from app.demo.absence import seed_school_year
    from app.demo.organisation import seed_locations
    from app.extensions import db
    from app.models import Location, Student

    upgrade(revision="heads")
    seed_locations()
    seed_school_year("2026-2027")
    db.session.commit()
    locations = db.session.scalars(select(Location)).all()
    numbers = [str(300_000 + i) for i in range(count)]
    db.session.execute(
        insert(Student),
        [
            {
                "leerlingnummer": number,
                "first_name": "Bench",
                "last_name": number,
                "class_name": "2A",
                "location_id": locations[i % len(locations)].id,
                "search_key": f"bench {number}",
            }
            for i, number in enumerate(numbers)
        ],
    )
    db.session.commit()
    return numbers


def _run(url: str, rows_wanted: int, day_count: int, top: int, phased: bool = False) -> None:
    from app.absence.importer import import_absence
    from app.absence.signals import evaluate_signals
    from app.extensions import db

    app = bench_app(url)
    with app.app_context():
        numbers = setup_students(rows_wanted // 250)
        data, _rows = absence_export(numbers, rows_wanted)
        year, days = _split_by_day(data, day_count)
        import_absence(year, "jaar.csv", evaluate=False)
        db.session.commit()
        evaluate_signals(days[0][0], today=days[0][0])
        db.session.commit()
        vacuum_analyze(db.engine)
        phases = _phases() if phased else None
        if phases is not None:
            phases.time_statements(db.engine)
            phases.time_collections()
        for number, (day, export) in enumerate(days):
            db.session.remove()
            profile = cProfile.Profile(time.process_time)
            wall, cpu = time.perf_counter(), time.process_time()
            if phases is None:
                profile.enable()
            result = import_absence(export, f"{day}.csv", evaluate=False, as_of=day)
            imported = time.process_time()
            evaluate_signals(day, student_ids=result.changed_student_ids, today=day)
            evaluated = time.process_time()
            db.session.commit()
            profile.disable()
            touched = len(result.changed_student_ids or ())
            print(
                f"{day}: {result.rows} rows, {touched} students: wall "
                f"{time.perf_counter() - wall:.2f} s, CPU {time.process_time() - cpu:.2f} s "
                f"(the import {imported - cpu:.2f} s, the evaluation {evaluated - imported:.2f} s,"
                f" the commit {time.process_time() - evaluated:.2f} s)"
            )
            if phases is not None:
                print(f"  CPU s (wall): {phases.line()}")
                for seconds, statement in sorted(phases.statements, reverse=True)[:8]:
                    print(f"    {seconds:.3f} s  {statement}")
                phases.statements.clear()
            elif number == len(days) - 1:
                pstats.Stats(profile).sort_stats("cumulative").print_stats(top)
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
