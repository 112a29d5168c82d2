"""``make bench-quick``: the school-board budgets of issue 24 at 1/10 and 1× the school group, for
a development loop (a few minutes, not the 25 of ``make bench``).

    .venv/bin/python -m bench.quick [--db sqlite,postgresql] [--scales 0.1,1] [--runs 3]
                                    [--only absence]

Each figure is printed beside a baseline measured in the same run, on the same data, where the
issue names one — so the ratio means something on a machine shared with other jobs, whose wall
clock does not — and against its budget:

- absence import (rows/s; ``import_absence`` of the year's export into empty tables) against
  reading the same file with :mod:`csv` and bulk-inserting the parsed rows into a bare table
  (``executemany`` on SQLite, ``COPY`` on PostgreSQL); budget: at least a quarter of that rate;
  on PostgreSQL also the same file as a board's first load with ``--bulk-load`` (the table's
  keys and indexes set aside and made again, app/core/bulk_load.py), beside the same baseline;
- full signal evaluation of every student as of the last school day (budget < 15 s at 10×,
  scaled linearly: 1.5 s at 1×, 0.15 s at 1/10);
- a daily import: one school day's export, then the evaluation of the students whose figures it
  changed, as ``import_absence`` does (budget < 10 s at 10×, scaled the same way);
- the school-year report of the whole group (< 3 s) against one SQL ``GROUP BY`` giving the
  headline counts (floor entries per location and kind); of one location (< 1 s); the report PDF
  of one location for a term (< 2 s);
- the digest page of the busiest location-day, signed in as its team leader (< 200 ms).

``--only absence`` measures the absence figures only (import, evaluation, daily import) and
logs the app's CPU seconds beside each wall clock. The reports at 10× (24,000 students, with the
absence figures) on a database written once and kept: ``make bench-reports``
(bench/report_bench.py). Medians of ``--runs`` (at least 3). The data is bench/group_data.py's
(seed 2026); the machinery
(databases, timing, sign-in) is bench/group_bench.py's. Figures, not tests: nothing fails.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bench.group_bench import (
    DB_LABELS,
    _clients,
    _timed,
    clear_absence,
    database_url,
    last_cpu,
    log,
    machine,
    scale_label,
    vacuum_analyze,
)
from bench.group_data import AS_OF, absence_export, generate

# Budgets stated at 10× the school group, scaled linearly to the scale measured.
AT_TEN = 10.0
DAILY_DAYS = 3  # the last school days, imported one a run after the rest of the year
TERM_END = date(2026, 12, 23)  # the autumn term: the school year's start to Christmas


@dataclass
class QuickFigure:
    key: str
    label: str
    unit: str
    budget: float | None  # at 1× (None: no budget)
    higher_is_better: bool = False
    scales_with_data: bool = False  # budget given at 10×, scaled linearly
    baseline: str = ""  # what the baseline is, when there is one
    fmt: str = "{:.2f}"
    of_baseline: float | None = None  # the budget is this share of the baseline's rate

    def budget_at(self, scale: float, baseline: float | None = None) -> float | None:
        if self.of_baseline is not None:
            return None if baseline is None else baseline * self.of_baseline
        if self.budget is None:
            return None
        return self.budget * scale if self.scales_with_data else self.budget

    def met(self, value: float, scale: float, baseline: float | None = None) -> bool | None:
        budget = self.budget_at(scale, baseline)
        if budget is None:
            return None
        return value >= budget if self.higher_is_better else value < budget


FIGURES = [
    QuickFigure(
        "import",
        "absence import",
        "rows/s",
        None,
        higher_is_better=True,
        baseline="csv + bulk insert into a bare table; budget: a quarter of its rate",
        fmt="{:,.0f}",
        of_baseline=1 / 4,
    ),
    QuickFigure(
        "import_bulk",
        "absence first load, --bulk-load (PostgreSQL)",
        "rows/s",
        None,
        higher_is_better=True,
        baseline="the same bare csv + bulk insert as the import's",
        fmt="{:,.0f}",
        of_baseline=1 / 4,
    ),
    QuickFigure(
        "evaluate", "signal evaluation, all students", "s", 15 / AT_TEN, scales_with_data=True
    ),
    QuickFigure(
        "daily",
        "daily import + evaluation of touched students",
        "s",
        10 / AT_TEN,
        scales_with_data=True,
    ),
    QuickFigure(
        "report_group",
        "school-year report, whole group",
        "s",
        3,
        baseline="one SQL GROUP BY of the headline counts",
    ),
    QuickFigure("report_location", "school-year report, one location", "s", 1),
    QuickFigure("report_pdf", "report PDF, one location, a term", "s", 2),
    QuickFigure("digest_page", "digest page, busiest location-day", "ms", 200, fmt="{:.0f}"),
]


@dataclass
class Measured:
    values: dict[tuple[str, str, float], list[float]] = field(default_factory=dict)
    # The same figure from this process's CPU seconds (the app's own work, without the
    # PostgreSQL server's): steadier than the wall clock on a shared machine.
    cpu: dict[tuple[str, str, float], list[float]] = field(default_factory=dict)
    baselines: dict[tuple[str, str, float], list[float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    loads: list[str] = field(default_factory=list)

    def add(
        self, key: str, database: str, scale: float, value: float, cpu: float | None = None
    ) -> None:
        self.values.setdefault((key, database, scale), []).append(value)
        if cpu is not None:
            self.cpu.setdefault((key, database, scale), []).append(cpu)

    def add_baseline(self, key: str, database: str, scale: float, value: float) -> None:
        self.baselines.setdefault((key, database, scale), []).append(value)


def _seconds(action: Callable[[], Any]) -> float:
    return _timed(action)[0]


# --- the baselines ---------------------------------------------------------------------------

BARE_TABLE = "bench_bare_absence"
BARE_COLUMNS = "stamnr, start, eind, lesuur, code, omschrijving, geoorloofd, soort"


def bare_import(engine: Any, data: bytes) -> int:
    """Read ``data`` (a Magister export) with csv and bulk-insert the rows as parsed into a bare
    table: what any import has to do at least. Returns the rows written."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"DROP TABLE IF EXISTS {BARE_TABLE}")
        cursor.execute(
            f"CREATE TABLE {BARE_TABLE} (stamnr varchar(20), start varchar(20), eind varchar(20),"
            " lesuur integer, code varchar(10), omschrijving varchar(100),"
            " geoorloofd varchar(5), soort integer)"
        )
        raw.commit()
        reader = csv.reader(io.StringIO(data.decode("cp1252"), newline=""), delimiter=";")
        next(reader)  # the header
        rows = [(s, b, e, int(h), c, o, g, int(k)) for s, b, e, h, c, o, g, k in reader]
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY {BARE_TABLE} ({BARE_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            insert = f"INSERT INTO {BARE_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?)"  # noqa: S608
            cursor.executemany(insert, rows)
        raw.commit()
        return len(rows)
    finally:
        raw.close()


def headline_counts(engine: Any, start: date, end: date) -> int:
    """The report's headline counts in one statement: floor entries per location and kind."""
    from sqlalchemy import func, select

    from app.core.localtime import local_day_bounds
    from app.models import FloorEntry

    first, last = local_day_bounds(start)[0], local_day_bounds(end)[1]
    query = (
        select(FloorEntry.location_id, FloorEntry.kind, func.count())
        .where(FloorEntry.occurred_at >= first, FloorEntry.occurred_at < last)
        .group_by(FloorEntry.location_id, FloorEntry.kind)
    )
    with engine.connect() as connection:
        return len(connection.execute(query).all())


# --- measuring one database and scale ---------------------------------------------------------


def _day_of(line: str) -> date:
    """The day a Magister export's row begins on (its second column, dd-mm-yyyy hh:mm)."""
    text = line.split(";", 2)[1][:10]
    return date(int(text[6:10]), int(text[3:5]), int(text[0:2]))


def _split_by_day(data: bytes, days: int) -> tuple[bytes, list[tuple[date, bytes]]]:
    """The export without its last ``days`` school days, and each of those days' own export."""
    header, *lines = data.decode("cp1252").split("\r\n")
    lines = [line for line in lines if line]
    last = sorted({_day_of(line) for line in lines})[-days:]
    per_day: dict[date, list[str]] = {day: [] for day in last}
    rest = []
    for line in lines:
        day = _day_of(line)
        per_day.get(day, rest).append(line)

    def export(rows: list[str]) -> bytes:
        return ("\r\n".join([header, *rows]) + "\r\n").encode("cp1252")

    return export(rest), [(day, export(per_day[day])) for day in last]


def measure(
    url: str,
    database: str,
    scale: float,
    runs: int,
    measured: Measured,
    *,
    only: str = "",
    year_once: bool = False,
) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import create_app
    from app.absence.importer import import_absence
    from app.absence.signals import evaluate_signals
    from app.extensions import db
    from app.models import SchoolYear
    from app.reports.builder import build_report
    from app.reports.pdf import render_pdf

    app = create_app(
        "development",
        DEBUG=False,
        SQLALCHEMY_DATABASE_URI=url,
        LOGIN_RATE_LIMIT="1000 per minute",
        IMPORT_MAX_ROWS=100_000_000,
        IMPORT_MAX_BYTES=10 * 1024**3,
        # No alert sender thread: it would outlive this scale's throw-away database.
        ALERT_SENDER_ENABLED=False,
    )
    tag = f"[{database} {scale_label(scale)}]"

    with app.app_context():
        upgrade(revision="heads")
        seconds, group = _timed(lambda: generate(scale))
        log(f"{tag} generated in {seconds:.1f} s")
        vacuum_analyze(db.engine)
        numbers = [n for pool in group.student_numbers.values() for n in pool]
        data, rows = absence_export(numbers, round(600_000 * scale))
        log(f"{tag} absence export: {rows:,} rows, {len(data) / 1e6:.1f} MB")

        year_before, days = _split_by_day(data, max(runs, DAILY_DAYS))
        if year_once:
            # At 10× one import of 6 M rows takes minutes: the year without its last days is
            # imported once (beside one bare import), evaluated, and the days follow it.
            signals = _year_once(year_before, rows, database, scale, runs, measured)
        # Import against the bare csv + bulk insert, in turns.
        for run in range(0 if year_once else runs):
            clear_absence()
            seconds = _seconds(lambda: import_absence(data, "bench.csv", evaluate=False))
            db.session.commit()
            measured.add("import", database, scale, rows / seconds, rows / last_cpu())
            bare = _seconds(lambda: bare_import(db.engine, data))
            measured.add_baseline("import", database, scale, rows / bare)
            log(f"  import run {run + 1}: {seconds:.2f} s; bare csv + bulk insert {bare:.2f} s")
            _bulk_load(data, rows, rows / bare, database, scale, measured)
        vacuum_analyze(db.engine)

        # Full evaluation as of the last school day (the whole year counts: today=AS_OF).
        if not year_once:
            signals = _evaluations(AS_OF, database, scale, runs, measured)
        measured.notes.append(
            f"{database} {scale_label(scale)}: {group.students:,} students, {signals:,} active "
            f"signals as of {'the day before the daily imports' if year_once else AS_OF}"
        )

        # Daily: the year without its last days, evaluated; then one day's export a run.
        if not year_once:
            clear_absence()
            import_absence(year_before, "jaar.csv", evaluate=False)
            evaluate_signals(days[0][0], today=days[0][0])
            db.session.commit()
            vacuum_analyze(db.engine)
        for day, export in days:
            db.session.remove()

            def daily(export: bytes = export, day: date = day) -> tuple[int, int]:
                # What import_absence does after its rows (evaluate=True), with "today" the
                # day of the file rather than the real today.
                result = import_absence(export, f"{day}.csv", evaluate=False, as_of=day)
                changed = result.changed_student_ids
                evaluate_signals(day, student_ids=changed, today=day)
                db.session.commit()
                return result.rows, -1 if changed is None else len(changed)

            seconds, (day_rows, touched) = _timed(daily)
            measured.add("daily", database, scale, seconds, last_cpu())
            log(
                f"  daily import {day}: {day_rows} rows, {touched} students: {seconds:.2f} s"
                f" (app CPU {last_cpu():.2f} s)"
            )
        if only == "absence":
            db.session.remove()
            engine = db.engine
            engine.dispose()
            return

        # Reports.
        year = db.session.scalar(select(SchoolYear).where(SchoolYear.name == "2026-2027"))
        assert year is not None
        start, end = year.starts_on, year.ends_on
        code, digest_day = group.busiest_day or ("ZS", AS_OF)
        engine = db.engine
        for run in range(runs + 1):  # the first run warms caches
            db.session.remove()
            # Made the day the year ends: a running period counts only up to today.
            group_seconds = _seconds(lambda: build_report(None, start, end, today=end))
            group_cpu = last_cpu()
            db.session.remove()
            location_seconds = _seconds(lambda: build_report([code], start, end, today=end))
            location_cpu = last_cpu()
            baseline = _seconds(lambda: headline_counts(engine, start, end))
            if run:
                measured.add("report_group", database, scale, group_seconds, group_cpu)
                measured.add_baseline("report_group", database, scale, baseline)
                measured.add("report_location", database, scale, location_seconds, location_cpu)
        with app.test_request_context():
            for run in range(runs + 1):
                db.session.remove()
                seconds = _seconds(
                    lambda: render_pdf(build_report([code], start, TERM_END, today=TERM_END))
                )
                if run:
                    measured.add("report_pdf", database, scale, seconds, last_cpu())
        db.session.remove()

    # The digest page, each request in its own app context (as under a server).
    clients = _clients(app, group)
    page = f"/digest/{code}/{digest_day.isoformat()}"
    clients["tl_zs"].get(page)  # warm-up
    for _ in range(runs):
        seconds, response = _timed(lambda: clients["tl_zs"].get(page))
        assert response.status_code == 200, response.status_code
        measured.add("digest_page", database, scale, seconds * 1000, last_cpu() * 1000)
    engine.dispose()


# --- printing ---------------------------------------------------------------------------------


def _year_once(
    year_before: bytes, rows: int, database: str, scale: float, runs: int, measured: Measured
) -> int:
    """``--year-once``: the import of the year without its last days, once, beside one bare
    import of the same file; then the full evaluation as of the day before the first daily
    export, ``runs`` times (the state the daily imports start from)."""
    from app.absence.importer import import_absence
    from app.extensions import db

    clear_absence()
    seconds = _seconds(lambda: import_absence(year_before, "jaar.csv", evaluate=False))
    db.session.commit()
    year_rows = year_before.count(b"\r\n") - 1
    measured.add("import", database, scale, year_rows / seconds, year_rows / last_cpu())
    bare = _seconds(lambda: bare_import(db.engine, year_before))
    measured.add_baseline("import", database, scale, year_rows / bare)
    log(f"  import once ({year_rows:,} of {rows:,} rows): {seconds:.2f} s; bare {bare:.2f} s")
    _bulk_load(year_before, year_rows, year_rows / bare, database, scale, measured)
    vacuum_analyze(db.engine)
    return _evaluations(_last_day(year_before), database, scale, runs, measured)


def _bulk_load(
    data: bytes, rows: int, bare_rate: float, database: str, scale: float, measured: Measured
) -> None:
    """On PostgreSQL: the same file again as a first load with ``bulk_load`` (the table emptied
    and vacuumed first), beside the bare rate just measured; it leaves the same rows."""
    from app.absence.importer import import_absence
    from app.extensions import db

    if db.engine.dialect.name != "postgresql":
        return
    clear_absence()
    vacuum_analyze(db.engine)
    seconds, result = _timed(
        lambda: import_absence(data, "jaar.csv", evaluate=False, bulk_load=True)
    )
    db.session.commit()
    if result.bulk_load_declined:
        log(f"  first load with --bulk-load declined: {result.bulk_load_declined}")
        return
    measured.add("import_bulk", database, scale, rows / seconds, rows / last_cpu())
    measured.add_baseline("import_bulk", database, scale, bare_rate)
    log(f"  first load with --bulk-load: {seconds:.2f} s (app CPU {last_cpu():.2f} s)")


def _evaluations(day: date, database: str, scale: float, runs: int, measured: Measured) -> int:
    """The full evaluation as of ``day`` (with ``day`` as today), ``runs`` times; the number of
    active signals it finds."""
    from app.absence.signals import evaluate_signals
    from app.extensions import db

    active = 0
    for run in range(runs):
        db.session.remove()
        seconds, summary = _timed(lambda: evaluate_signals(day, today=day))
        db.session.commit()
        active = summary.active
        measured.add("evaluate", database, scale, seconds, last_cpu())
        log(f"  full evaluation run {run + 1}: {seconds:.2f} s (app CPU {last_cpu():.2f} s)")
    return active


def _last_day(export: bytes) -> date:
    """The last day of a Magister export (its rows' begin dates)."""
    return max(_day_of(line) for line in export.decode("cp1252").split("\r\n")[1:] if line)


def _median(values: list[float] | None) -> float | None:
    return statistics.median(values) if values else None


def print_table(measured: Measured, databases: list[str], scales: list[float], runs: int) -> None:
    print(f"\nMedians of {runs} runs; baselines measured in the same run on the same data")
    header = (
        f"{'figure':52} {'db':10} {'scale':>5} {'value':>10} {'app CPU':>10} {'baseline':>10}"
        f" {'ratio':>7}  {'budget':>12}  verdict"
    )
    print(header)
    print("-" * len(header))
    for figure in FIGURES:
        for database in databases:
            for scale in scales:
                value = _median(measured.values.get((figure.key, database, scale)))
                if value is None:
                    continue
                baseline = _median(measured.baselines.get((figure.key, database, scale)))
                ratio = ""
                if baseline:
                    # How many times the baseline's time (rates: the baseline's rate / ours).
                    times = baseline / value if figure.higher_is_better else value / baseline
                    ratio = f"{times:.1f}×"
                budget = figure.budget_at(scale, baseline)
                relation = "≥" if figure.higher_is_better else "<"
                budget_text = "" if budget is None else f"{relation} {figure.fmt.format(budget)}"
                met = figure.met(value, scale, baseline)
                verdict = "" if met is None else ("met" if met else "MISSED")
                base_text = "" if baseline is None else figure.fmt.format(baseline)
                cpu = _median(measured.cpu.get((figure.key, database, scale)))
                cpu_text = "" if cpu is None else figure.fmt.format(cpu)
                print(
                    f"{figure.label + ' (' + figure.unit + ')':52} {database:10}"
                    f" {scale_label(scale):>5} {figure.fmt.format(value):>10} {cpu_text:>10}"
                    f" {base_text:>10}"
                    f" {ratio:>7}  {budget_text:>12}  {verdict}"
                )
    print()
    for figure in FIGURES:
        if figure.baseline:
            print(f"baseline of {figure.label}: {figure.baseline}")
    print(
        "app CPU: the same figure from this process's CPU seconds (without the PostgreSQL "
        "server's); the verdict is the wall clock's"
    )
    print(
        "budgets of the evaluation and the daily import are the issue's at 10× (15 s, 10 s), "
        "scaled linearly to the scale shown; the others hold at every scale"
    )
    for note in measured.notes:
        print(note)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--scales", default="0.1,1")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["absence"], default="", help="only the absence figures")
    parser.add_argument(
        "--year-once",
        action="store_true",
        help="import the year once, not once a run (for 10×: 6 M rows take minutes)",
    )
    args = parser.parse_args(argv)
    runs = max(3, args.runs)
    databases = args.db.split(",")
    scales = [float(s) for s in args.scales.split(",")]
    measured = Measured()
    started = time.perf_counter()
    log(f"machine: {machine()}")
    labels = []
    for database in databases:
        label = DB_LABELS.get(database, database)
        labels.append(label)
        for scale in scales:
            load = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
            log(f"[{label} {scale_label(scale)}] starting (load average {load})")
            measured.loads.append(f"{label} {scale_label(scale)}: {load}")
            with database_url(database) as url:
                try:
                    measure(
                        url, label, scale, runs, measured, only=args.only, year_once=args.year_once
                    )
                except Exception:  # noqa: BLE001 - print what was measured, then go on
                    traceback.print_exc()
                    measured.notes.append(f"{label} {scale_label(scale)}: stopped by an error")
    print(f"\nMachine: {machine()}")
    print_table(measured, labels, scales, runs)
    print(f"\nLoad average (1, 5, 15 min) when each part started: {'; '.join(measured.loads)}")
    print(f"(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
