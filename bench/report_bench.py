"""The school-year report at board scale (issue 24): the whole group and one location, beside
one SQL ``GROUP BY`` of the headline counts, on a database built once and kept.

    .venv/bin/python -m bench.report_bench --url sqlite:////tmp/board10.db --scale 10 [--runs 3]
        [--profile group|location|pdf] [--statements] [--compare]

The first run writes the synthetic year (bench/group_data.py, seed 2026) into ``--url`` and
keeps it: later runs only measure. Absence at scales above 1×: the 1× export (600,000 rows for
the first 2,400 students) is imported and evaluated through the app (``import_absence``,
``evaluate_signals``), then its registrations, day figures and signals are copied in SQL to the
other students of the same location (student ``n + k × 2,400`` gets student ``n``'s) — 6
million registrations at 10× in a minute instead of a 5–8 minute import, with figures exactly as
the import would store them. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time
from collections import Counter
from typing import Any

from sqlalchemy import event, func, insert, select

from bench.group_bench import log, vacuum_analyze
from bench.group_data import AS_OF, absence_export, generate

BASE_STUDENTS = 2_400  # the 1× group; its absence is imported, the rest copied
BASE_ROWS = 600_000


def _app(url: str) -> Any:
    from app import create_app

    return create_app(
        "development",
        DEBUG=False,
        SQLALCHEMY_DATABASE_URI=url,
        IMPORT_MAX_ROWS=100_000_000,
        IMPORT_MAX_BYTES=10 * 1024**3,
        ALERT_SENDER_ENABLED=False,
    )


def _copy_absence(students: int) -> None:
    """Copy the first ``BASE_STUDENTS`` students' registrations, figures (with their
    unauthorised days) and signals to the others (same location: locations go round-robin over
    six, and 2,400 is a multiple of 6)."""
    from app.extensions import db
    from app.models import (
        AbsenceFigures,
        AbsenceRecord,
        AbsenceSignal,
        AbsenceUnauthorisedDay,
        Student,
    )

    first = db.session.scalar(select(func.min(Student.id)))
    assert first is not None
    for model in (AbsenceRecord, AbsenceFigures, AbsenceUnauthorisedDay, AbsenceSignal):
        table = model.__table__
        columns = [c for c in table.c if c.name != "id"]
        for k in range(1, students // BASE_STUDENTS):
            values = [(c + k * BASE_STUDENTS) if c.name == "student_id" else c for c in columns]
            source = select(*values).where(table.c.student_id < first + BASE_STUDENTS)
            db.session.execute(insert(table).from_select([c.name for c in columns], source))
            db.session.commit()
        log(f"  copied {table.name}")


def prepare(url: str, scale: float) -> None:
    """Write the year into ``url`` unless it holds students already."""
    from flask_migrate import upgrade

    from app.absence.importer import import_absence
    from app.absence.signals import evaluate_signals
    from app.extensions import db
    from app.models import Student

    app = _app(url)
    with app.app_context():
        upgrade(revision="heads")
        if db.session.scalar(select(func.count()).select_from(Student)):
            return
        started = time.perf_counter()
        group = generate(scale)
        log(f"generated in {time.perf_counter() - started:.0f} s: {group.counts}")
        numbers = sorted(n for pool in group.student_numbers.values() for n in pool)
        base = numbers[: min(BASE_STUDENTS, len(numbers))]
        rows = round(BASE_ROWS * min(scale, 1.0))
        data, rows = absence_export(base, rows)
        started = time.perf_counter()
        import_absence(data, "bench.csv", evaluate=False)
        evaluate_signals(AS_OF, today=AS_OF)
        db.session.commit()
        seconds = time.perf_counter() - started
        log(f"absence: {rows:,} rows imported and evaluated in {seconds:.0f} s")
        if len(numbers) > BASE_STUDENTS:
            started = time.perf_counter()
            _copy_absence(len(numbers))
            log(f"absence copied in {time.perf_counter() - started:.0f} s")
        vacuum_analyze(db.engine)
        db.session.remove()
        db.engine.dispose()


class Statements:
    """Counts and times the SQL statements sent, by their first words."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.times: Counter[str] = Counter()
        self.counts: Counter[str] = Counter()
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, _c: Any, _s: Any, _p: Any, _ctx: Any, _m: Any) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn: Any, _c: Any, statement: str, _p: Any, _ctx: Any, _m: Any) -> None:
        key = " ".join(statement.split())[:110]
        self.times[key] += time.perf_counter() - conn.info.pop("bench_started")
        self.counts[key] += 1

    def print(self) -> None:
        total = sum(self.times.values())
        print(f"{sum(self.counts.values())} statements, {total:.2f} s in the database driver")
        for key, seconds in self.times.most_common(15):
            print(f"  {seconds:7.3f} s {self.counts[key]:4}×  {key}")

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)


def measure(url: str, runs: int, profile: str, statements: bool, compare: bool) -> None:
    from app.extensions import db
    from app.models import SchoolYear, Student
    from app.reports.builder import build_report
    from app.reports.pdf import render_pdf
    from bench.quick import TERM_END, headline_counts

    app = _app(url)
    with app.app_context(), app.test_request_context():
        students = db.session.scalar(select(func.count()).select_from(Student))
        year = db.session.scalar(select(SchoolYear).where(SchoolYear.name == "2026-2027"))
        assert year is not None
        start, end = year.starts_on, year.ends_on
        engine = db.engine
        actions = {
            # Made the day each period ends: a running period counts only up to today.
            "group": lambda: build_report(None, start, end, today=end),
            "location": lambda: build_report(["ZS"], start, end, today=end),
            "pdf": lambda: render_pdf(build_report(["ZS"], start, TERM_END, today=TERM_END)),
            "baseline": lambda: headline_counts(engine, start, end),
        }
        figures: dict[str, list[float]] = {key: [] for key in actions}
        cpu: dict[str, list[float]] = {key: [] for key in actions}
        for run in range(runs + 1):  # the first run warms caches
            for key, action in actions.items():
                db.session.remove()
                started, started_cpu = time.perf_counter(), time.process_time()
                action()
                if run:
                    figures[key].append(time.perf_counter() - started)
                    cpu[key].append(time.process_time() - started_cpu)
        load = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
        print(f"\n{engine.dialect.name}, {students:,} students; medians of {runs}; load {load}")
        baseline = statistics.median(figures["baseline"])
        for key in actions:
            wall, process = statistics.median(figures[key]), statistics.median(cpu[key])
            print(
                f"  {key:9} {wall:7.3f} s (app CPU {process:6.3f} s)"
                f"  {wall / baseline:6.1f}× the GROUP BY"
            )
        if compare:
            from dataclasses import replace

            db.session.remove()
            started = time.perf_counter()
            raw = build_report(None, start, end, tallies=False, today=end)
            seconds = time.perf_counter() - started
            tallied = build_report(None, start, end, today=end)
            same = replace(raw, generated_at=tallied.generated_at) == tallied
            print(f"  from the raw rows {seconds:.1f} s; the same report: {same}")
        if statements or profile:
            key = profile or "group"
            db.session.remove()
            counter = Statements(engine)
            profiler = cProfile.Profile()
            profiler.enable()
            actions[key]()
            profiler.disable()
            counter.close()
            print(f"\n{key}:")
            counter.print()
            if profile:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        db.session.remove()
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", choices=("group", "location", "pdf"), default="")
    parser.add_argument("--statements", action="store_true")
    parser.add_argument(
        "--compare", action="store_true", help="and check that the raw rows give the same report"
    )
    args = parser.parse_args(argv)
    prepare(args.url, args.scale)
    measure(args.url, max(1, args.runs), args.profile, args.statements, args.compare)


if __name__ == "__main__":
    main()
