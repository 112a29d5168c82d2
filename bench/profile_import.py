"""Profile one absence import of a year's export into empty tables (bench.quick's figure).

    .venv/bin/python -m bench.profile_import [--db sqlite|postgresql] [--rows 600000] [--again]
                                             [--bulk-load]

A throw-away database with the school calendar and ``rows / 250`` students, the export of
bench/group_data.py; the import (``evaluate=False``, as bench.quick measures it) runs under
cProfile with a CPU-time clock, beside the bare csv + bulk insert of bench.quick. ``--again``
imports the same file a second time (nothing changes) and profiles that too. Prints wall clock
and CPU seconds and cProfile's list sorted by own time and by cumulative time. Figures, not
tests."""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

from bench.group_bench import database_url, vacuum_analyze
from bench.group_data import absence_export
from bench.profile_daily import setup_students
from bench.quick import bare_import
from bench.report_bench import _app as bench_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--rows", type=int, default=600_000)
    parser.add_argument("--again", action="store_true", help="also profile a re-import")
    parser.add_argument("--top", type=int, default=30, help="lines of each profile list")
    parser.add_argument(
        "--bulk-load", action="store_true", help="PostgreSQL: as a first load with --bulk-load"
    )
    args = parser.parse_args(argv)
    with database_url(args.db) as url:
        _run(url, args.rows, args.top, again=args.again, bulk_load=args.bulk_load)


def _run(url: str, rows_wanted: int, top: int, *, again: bool, bulk_load: bool = False) -> None:
    from app.absence.importer import import_absence
    from app.extensions import db

    app = bench_app(url)
    with app.app_context():
        numbers = setup_students(max(1, rows_wanted // 250))
        vacuum_analyze(db.engine)
        data, rows = absence_export(numbers, rows_wanted)
        for label in ("import", "again") if again else ("import",):
            db.session.remove()
            profile = cProfile.Profile(time.process_time)
            wall, cpu = time.perf_counter(), time.process_time()
            profile.enable()
            result = import_absence(data, "jaar.csv", evaluate=False, bulk_load=bulk_load)
            db.session.commit()
            profile.disable()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(
                f"{label}: {rows:,} rows ({result.inserted:,} new, {result.updated:,} corrected, "
                f"{result.unchanged:,} unchanged): wall {wall:.2f} s, CPU {cpu:.2f} s, "
                f"{rows / wall:,.0f} rows/s"
            )
            stats = pstats.Stats(profile)
            stats.sort_stats("tottime").print_stats(top)
            stats.sort_stats("cumulative").print_stats(top)
        bare = time.perf_counter()
        bare_import(db.engine, data)
        bare = time.perf_counter() - bare
        print(f"bare csv + bulk insert: {bare:.2f} s, {rows / bare:,.0f} rows/s")
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
