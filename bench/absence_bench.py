"""Benchmark of the absence import and the signal evaluation, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.absence_bench [--runs 5] [--rows 100000] [--students 2400]
                                            [--db sqlite,postgresql]

For each database: a fresh schema (Alembic), 2,400 students, school year 2026-2027 with its
holidays, and a synthetic Magister export (app/demo/synthetic_absence.py, seed 2026) of a
full school year cut to exactly ``--rows`` rows. Each run empties the absence tables, then times

- import: reading, checking and upserting the file (as the CLI and the upload page do);
- re-import: the same file again (every row unchanged, nothing written);
- evaluation: every rule for every student as of the last school day, storing the signals.

Prints the median and the spread of the runs. PostgreSQL runs in a throw-away server
(tests/pgserver.py), with fsync off like the test suite.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

AS_OF = date(2027, 7, 16)  # the last school day of 2026-2027


def _timed(action: Callable[[], object]) -> tuple[float, float, object]:
    """Wall-clock seconds, CPU seconds of this process (the app's own work; PostgreSQL's server
    time is not in it), and the result."""
    start, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - start, time.process_time() - cpu, result


def run_on(url: str, label: str, runs: int, rows: int, students: int) -> dict[str, object]:
    from flask_migrate import upgrade
    from sqlalchemy import delete, insert

    from app import create_app
    from app.absence.importer import import_absence
    from app.absence.signals import evaluate_signals
    from app.core.calendar_store import load_calendar
    from app.demo.absence import seed_school_year
    from app.demo.organisation import seed_locations
    from app.demo.synthetic_absence import generate, magister_csv
    from app.extensions import db
    from app.models import AbsenceImport, AbsenceRecord, AbsenceSignal, Student

    # The benchmark's files may be larger than an import allows by default (docs/imports.md).
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        IMPORT_MAX_ROWS=100_000_000,
        IMPORT_MAX_BYTES=10 * 1024**3,
    )
    with app.app_context():
        upgrade(revision="heads")
        locations = list(seed_locations().values())
        numbers = [str(800_001 + i) for i in range(students)]
        db.session.execute(
            insert(Student),
            [
                {
                    "leerlingnummer": number,
                    "first_name": "Bench",
                    "tussenvoegsel": "",
                    "last_name": f"Leerling {number}",
                    "class_name": "2B",
                    "mentor": "",
                    "location_id": locations[i % len(locations)].id,
                    "active": True,
                }
                for i, number in enumerate(numbers)
            ],
        )
        seed_school_year("2026-2027")
        db.session.commit()
        year_rows = generate(numbers, load_calendar(), date(2026, 8, 1), AS_OF, seed=2026)
        if len(year_rows) < rows:
            raise SystemExit(f"the synthetic year has only {len(year_rows)} rows (< {rows})")
        data = magister_csv(year_rows[:rows])
        print(
            f"[{label}] {students} students, {rows} rows "
            f"({len(data) / 1e6:.1f} MB), {len(year_rows)} rows in the full synthetic year",
            file=sys.stderr,
        )
        timings: dict[str, list[float]] = {}
        signals = 0

        def measure(name: str, action: Callable[[], object]) -> object:
            seconds, cpu, result = _timed(action)
            db.session.commit()
            timings.setdefault(name, []).append(seconds)
            timings.setdefault(f"{name}_cpu", []).append(cpu)
            return result

        for run in range(runs):
            for model in (AbsenceSignal, AbsenceRecord, AbsenceImport):
                db.session.execute(delete(model))
            db.session.commit()
            result = measure("import", lambda: import_absence(data, "bench.csv", evaluate=False))
            assert result.inserted == rows, result.summary()  # type: ignore[attr-defined]
            result = measure("reimport", lambda: import_absence(data, "bench.csv", evaluate=False))
            assert result.unchanged == rows  # type: ignore[attr-defined]
            summary = measure("evaluate", lambda: evaluate_signals(AS_OF))
            signals = len(summary.findings)  # type: ignore[attr-defined]
            print(
                f"[{label}] run {run + 1}: import {timings['import'][-1]:.2f} s, "
                f"re-import {timings['reimport'][-1]:.2f} s, "
                f"evaluation {timings['evaluate'][-1]:.2f} s",
                file=sys.stderr,
            )
        db.session.remove()
        db.engine.dispose()
    return {"label": label, "timings": timings, "signals": signals}


def report(result: dict[str, object], rows: int, students: int) -> None:
    timings: dict[str, list[float]] = result["timings"]  # type: ignore[assignment]

    def line(label: str, key: str, unit: str, per: int) -> str:
        values = timings[key]
        median = statistics.median(values)
        cpu = statistics.median(timings[f"{key}_cpu"])
        return (
            f"  {label:<11} median {median:6.2f} s  ({per / median:,.0f} {unit}/s; "
            f"min {min(values):.2f}, max {max(values):.2f}, n={len(values)}; "
            f"app CPU {cpu:.2f} s)"
        )

    print(f"{result['label']}:")
    print(line("import", "import", "rows", rows))
    print(line("re-import", "reimport", "rows", rows))
    print(line("evaluation", "evaluate", "students", students))
    print(f"  signals found as of {AS_OF}: {result['signals']}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--students", type=int, default=2_400)
    parser.add_argument("--db", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    for database in args.db.split(","):
        if database == "sqlite":
            with tempfile.TemporaryDirectory(prefix="schoolfit-bench-") as directory:
                url = f"sqlite:///{Path(directory) / 'bench.db'}"
                result = run_on(url, "SQLite", args.runs, args.rows, args.students)
        elif database == "postgresql":
            from tests.pgserver import TempPostgres

            server = TempPostgres()
            try:
                url = server.start()
                result = run_on(url, "PostgreSQL", args.runs, args.rows, args.students)
            finally:
                server.stop()
        else:
            raise SystemExit(f"unknown database {database!r}; use sqlite and/or postgresql")
        report(result, args.rows, args.students)


if __name__ == "__main__":
    main()
