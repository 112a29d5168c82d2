"""Profile a daily absence import and the evaluation of the students it touched.

    .venv/bin/python -m bench.profile_daily [--db sqlite|postgresql] [--rows 600000] [--days 3]

A throw-away database with the school calendar and ``rows / 250`` students, the export of
bench/group_data.py without its last ``--days`` school days imported and evaluated; then each
of those days' own export is imported and its touched students evaluated, as ``import_absence``
does. Prints each day's wall clock and CPU seconds (the import's part apart) and, for the last
day, cProfile's cumulative list with a CPU-time clock. Figures, not tests."""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

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
    args = parser.parse_args(argv)
    with database_url(args.db) as url:
        _run(url, args.rows, args.days, args.top)


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


def _run(url: str, rows_wanted: int, day_count: int, top: int) -> None:
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
        for number, (day, export) in enumerate(days):
            db.session.remove()
            profile = cProfile.Profile(time.process_time)
            wall, cpu = time.perf_counter(), time.process_time()
            profile.enable()
            result = import_absence(export, f"{day}.csv", evaluate=False, as_of=day)
            imported = time.process_time()
            evaluate_signals(day, student_ids=result.changed_student_ids, today=day)
            db.session.commit()
            profile.disable()
            touched = len(result.changed_student_ids or ())
            print(
                f"{day}: {result.rows} rows, {touched} students: wall "
                f"{time.perf_counter() - wall:.2f} s, CPU {time.process_time() - cpu:.2f} s "
                f"(the import {imported - cpu:.2f} s)"
            )
            if number == len(days) - 1:
                pstats.Stats(profile).sort_stats("cumulative").print_stats(top)
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
