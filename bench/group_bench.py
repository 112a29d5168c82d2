"""School-group benchmarks with budgets (issue 9): what ``make bench`` prints.

    .venv/bin/python -m bench.group_bench [--db sqlite,postgresql] [--scales 0.1,1,10]
        [--full-scales 0.1,1] [--runs 5] [--wrk-seconds 10] [--wrk-scales 1] [--no-browser]

For every database and scale a fresh database (SQLite file, or a throw-away PostgreSQL server
started like the tests start it, tests/pgserver.py) is migrated and filled with a synthetic
school-group year (bench/group_data.py; scale 1 = 6 locations, 2,400 students, 12 staff, ~200
school days, ~150,000 floor entries, 600,000 absence rows, 3,000 cases). Then, each a median
over ``--runs`` runs:

- absence import (rows/s) and signal evaluation of every student (full scales only: at 10× the
  import alone would take minutes per run on this 2-core machine);
- the digest of the busiest location-day: the service, and the page as a team leader;
- the school-year report for the group and for one location (app.reports, when it exists);
- a case page whose student's chronology holds 500 events, as the case owner;
- SQL statements per request of every list page (counted with a SQLAlchemy event listener);
- on PostgreSQL at ``--wrk-scales``: the floor sync API under gunicorn, driven by wrk on
  loopback at 1, 8 and 32 connections, logged in for real (session cookie + CSRF header).

Then the floor page's transfer size (bench/floor_bench.py, Chromium), and a table of every figure
with its budget. Figures, not tests: nothing fails when a budget is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.group_data import AS_OF, STAFF_PASSWORD, Group, absence_export, generate

ROOT = Path(__file__).resolve().parent.parent
LUA_SCRIPT = ROOT / "bench" / "floor_sync.lua"
SCALE_LABELS = {0.1: "1/10", 1.0: "1×", 10.0: "10×"}
CONNECTIONS = (1, 8, 32)


def scale_label(scale: float) -> str:
    return SCALE_LABELS.get(scale, f"{scale:g}×")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- figures and budgets ---------------------------------------------------------------------


@dataclass
class Figure:
    key: str
    label: str
    unit: str
    budget: str
    ok: Callable[[float], bool] | None  # None: shown for information, no budget
    fmt: str = "{:.0f}"


FIGURES = [
    Figure("import", "absence import", "rows/s", "≥ 20,000 rows/s", lambda v: v >= 20_000),
    Figure("evaluate", "signal evaluation, all students", "s", "< 2 s", lambda v: v < 2, "{:.2f}"),
    Figure("digest", "digest, one location-day (service)", "ms", "< 200 ms", lambda v: v < 200),
    Figure("digest_page", "digest page (build + render)", "ms", "< 200 ms", lambda v: v < 200),
    Figure("report_group", "school-year report, group", "s", "< 3 s", lambda v: v < 3, "{:.2f}"),
    Figure(
        "report_location",
        "school-year report, one location",
        "s",
        "< 1 s",
        lambda v: v < 1,
        "{:.2f}",
    ),
    Figure("chronology", "case page, 500-event chronology", "ms", "< 150 ms", lambda v: v < 150),
    Figure("generate", "generating the data (not a budget)", "s", "–", None, "{:.1f}"),
]


def sync_figures(batches: list[int]) -> list[Figure]:
    """Rows of the floor sync figures, per batch size (entries per POST) and connections."""
    figures = []
    for batch in batches:
        for connections in CONNECTIONS:
            at_32 = connections == 32
            figures.append(
                Figure(
                    f"sync_b{batch}_{connections}",
                    f"floor sync, batch {batch}, {connections} conn.",
                    "entries/s",
                    "≥ 500 /s" if at_32 else "–",
                    (lambda v: v >= 500) if at_32 else None,
                )
            )
        for connections in CONNECTIONS:
            at_32 = connections == 32
            figures.append(
                Figure(
                    f"sync_p95_b{batch}_{connections}",
                    f"floor sync p95, batch {batch}, {connections} conn.",
                    "ms",
                    "< 50 ms" if at_32 else "–",
                    (lambda v: v < 50) if at_32 else None,
                    "{:.1f}",
                )
            )
    return figures


@dataclass
class Results:
    values: dict[tuple[str, str, float], list[float]] = field(default_factory=dict)
    cpu: dict[tuple[str, str, float], list[float]] = field(default_factory=dict)
    notes: dict[tuple[str, str, float], str] = field(default_factory=dict)
    queries: dict[tuple[str, str, float], int | str] = field(default_factory=dict)
    pages: list[tuple[str, str]] = field(default_factory=list)
    groups: dict[tuple[str, float], Group] = field(default_factory=dict)
    extra: list[str] = field(default_factory=list)
    loads: list[str] = field(default_factory=list)

    def add(
        self, key: str, database: str, scale: float, value: float, cpu: float | None = None
    ) -> None:
        self.values.setdefault((key, database, scale), []).append(value)
        if cpu is not None:
            self.cpu.setdefault((key, database, scale), []).append(cpu)

    def note(self, key: str, database: str, scale: float, text: str) -> None:
        self.notes[(key, database, scale)] = text


_last_cpu = [0.0]


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    """Wall-clock seconds and the result; :func:`last_cpu` then answers this process's CPU
    seconds of the same call (the app's own work, without the PostgreSQL server's, and less
    disturbed by other jobs on the machine than the wall clock)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = action()
    _last_cpu[0] = time.process_time() - cpu
    return time.perf_counter() - start, result


def last_cpu() -> float:
    return _last_cpu[0]


# --- in-process measurements -----------------------------------------------------------------


class QueryCounter:
    """Counts SQL statements sent to the database (executemany counts once)."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.count = 0
        self.engine = engine
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, *_args: Any) -> None:
        self.count += 1

    def close(self) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._on_execute)


def _csrf_in(html: str) -> str:
    """The CSRF token a page hands out (its hidden input)."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def _login(client: Any, email: str) -> None:
    page = client.get("/login")
    assert page.status_code == 200, (email, page.status_code, page.headers.get("Location"))
    token = _csrf_in(page.get_data(as_text=True))
    response = client.post(
        "/login", data={"email": email, "password": STAFF_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    with client.session_transaction() as session:
        session["desk_screened_at"] = "2026-01-01T12:00"  # the screened-place confirmation


def _clients(app: Any, group: Group) -> dict[str, Any]:
    clients = {}
    for key in ("mw_zs", "tl_zs", "copa", "beheer"):
        client = app.test_client()
        _login(client, group.staff_emails[key])
        clients[key] = client
    return clients


def list_pages(group: Group) -> list[tuple[str, str]]:
    """(account, path) of every list page, with the role that reads it."""
    code, day = group.busiest_day or ("ZS", AS_OF)
    return [
        ("mw_zs", "/bureau/"),
        ("mw_zs", "/bureau/openstaand"),
        ("mw_zs", "/bureau/bellen"),
        ("mw_zs", "/bureau/casussen"),
        ("mw_zs", "/bureau/huisbezoeken"),
        ("mw_zs", "/bureau/nablijfklas"),
        ("mw_zs", "/api/floor/today"),
        ("mw_zs", "/api/floor/students"),
        ("mw_zs", "/leerlingen/"),
        ("mw_zs", "/verzuim/"),
        ("tl_zs", "/bureau/casussen"),
        ("tl_zs", f"/digest/{code}/{day.isoformat()}"),
        ("tl_zs", "/peiling/"),
        ("copa", "/bureau/casussen"),
        ("beheer", "/leerlingen/"),
        ("beheer", "/verzuim/"),
        ("beheer", "/beheer/gebruikers"),
        ("beheer", "/beheer/locaties"),
        ("beheer", "/privacy/audit"),
    ]


def _report_builder() -> Callable[..., Any] | str:
    """app.reports.builder.build_report, imported lazily (another engineer builds it)."""
    try:
        from app.reports.builder import build_report
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith("app.reports"):
            return "not available yet"
        raise
    except ImportError as error:
        return f"not available yet ({error})"
    return build_report


def measure_in_process(
    url: str,
    database: str,
    scale: float,
    runs: int,
    full: bool,
    results: Results,
    generate_only: bool = False,
) -> Group:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import create_app
    from app.absence.importer import import_absence
    from app.absence.signals import evaluate_signals
    from app.digest.builder import build_digest
    from app.extensions import db
    from app.models import (
        Location,
        SchoolYear,
    )

    app = create_app(
        "development",
        DEBUG=False,
        SQLALCHEMY_DATABASE_URI=url,
        LOGIN_RATE_LIMIT="1000 per minute",
        # 10x imports 6 million absence rows (360 MB): beyond an import's default limits.
        IMPORT_MAX_ROWS=100_000_000,
        IMPORT_MAX_BYTES=10 * 1024**3,
    )
    with app.app_context():
        upgrade(revision="heads")
        seconds, group = _timed(lambda: generate(scale))
        results.add("generate", database, scale, seconds)
        results.groups[(database, scale)] = group
        log(f"[{database} {scale_label(scale)}] generated in {seconds:.1f} s: {group.counts}")
        vacuum_analyze(db.engine)
        if generate_only:
            db.session.remove()
            db.engine.dispose()
            return group

        if full:
            numbers = [n for pool in group.student_numbers.values() for n in pool]
            data, rows = absence_export(numbers, round(600_000 * scale))
            log(f"[{database} {scale_label(scale)}] absence export: {rows} rows")
            for run in range(runs):
                clear_absence()
                seconds, result = _timed(lambda: import_absence(data, "bench.csv", evaluate=False))
                db.session.commit()
                assert result.inserted == rows, result.summary()
                results.add("import", database, scale, rows / seconds, rows / last_cpu())
                log(f"  import run {run + 1}: {seconds:.2f} s ({rows / seconds:,.0f} rows/s)")
            vacuum_analyze(db.engine)  # the delete-and-import runs left dead rows behind
            signals = 0
            for run in range(runs):
                db.session.remove()
                seconds, summary = _timed(lambda: evaluate_signals(AS_OF))
                db.session.commit()
                signals = len(summary.findings)
                results.add("evaluate", database, scale, seconds, last_cpu())
                log(f"  evaluation run {run + 1}: {seconds:.2f} s")
            results.note(
                "evaluate", database, scale, f"{group.students} students, {signals} signals"
            )
            results.note("import", database, scale, f"{rows:,} rows")
        else:
            for key in ("import", "evaluate"):
                results.note(key, database, scale, "not run at this scale")

        from bench.group_data import top_up_chronology

        events = top_up_chronology(group)
        code, day = group.busiest_day or ("ZS", AS_OF)

        # Digest: the service, with a fresh session each run (no identity-map warmth).
        for run in range(runs + 1):
            db.session.remove()
            location = db.session.scalar(select(Location).where(Location.code == code))
            seconds, _ = _timed(lambda location=location: build_digest(location, day))
            if run:  # the first run warms caches (templates, calendar)
                results.add("digest", database, scale, seconds * 1000, last_cpu() * 1000)
        results.note("digest", database, scale, f"{code} {day}")

        builder = _report_builder()
        if isinstance(builder, str):
            for key in ("report_group", "report_location"):
                results.note(key, database, scale, builder)
        else:
            year = db.session.scalar(select(SchoolYear).where(SchoolYear.name == "2026-2027"))
            for key, codes in (("report_group", None), ("report_location", [code])):
                try:
                    for run in range(runs + 1):
                        db.session.remove()
                        seconds, _ = _timed(
                            lambda codes=codes: builder(codes, year.starts_on, year.ends_on)
                        )
                        if run:
                            results.add(key, database, scale, seconds, last_cpu())
                    results.note(key, database, scale, f"{year.starts_on} – {year.ends_on}")
                except Exception as error:  # noqa: BLE001 - a figure, not a crash
                    db.session.rollback()
                    results.note(key, database, scale, f"failed: {type(error).__name__}: {error}")
                    traceback.print_exc()

        engine = db.engine
        db.session.remove()

    # Requests run outside the app context above, each in its own (as under a server): an
    # outer context would share flask.g, and with it the signed-in user, across requests.
    clients = _clients(app, group)
    page = f"/digest/{code}/{day.isoformat()}"
    _time_page(clients["tl_zs"], page, runs, results, "digest_page", database, scale)
    case_page = f"/bureau/casussen/{group.heavy_case_id}"
    _time_page(clients["mw_zs"], case_page, runs, results, "chronology", database, scale)
    results.note("chronology", database, scale, f"{events} events")

    # SQL statements per request of every list page.
    counter = QueryCounter(engine)
    try:
        pages = list_pages(group)
        results.pages = [(account, _generic(path)) for account, path in pages]
        for account, path in pages:
            client = clients[account]
            client.get(path)  # warm: first-request work is not per-request work
            counter.count = 0
            response = client.get(path)
            key = (f"{account} {_generic(path)}", database, scale)
            if response.status_code == 200:
                results.queries[key] = counter.count
            else:
                results.queries[key] = f"HTTP {response.status_code}"
    finally:
        counter.close()
    engine.dispose()
    return group


def clear_absence() -> None:
    """Delete every absence row (children first), so the next import starts empty."""
    from sqlalchemy import delete

    from app.extensions import db
    from app.models import (
        AbsenceFigures,
        AbsenceImport,
        AbsenceRecord,
        AbsenceSignal,
        AbsenceUnauthorisedDay,
    )

    for model in (
        AbsenceSignal,
        AbsenceUnauthorisedDay,
        AbsenceFigures,
        AbsenceRecord,
        AbsenceImport,
    ):
        db.session.execute(delete(model))
    db.session.commit()


def vacuum_analyze(engine: Any) -> None:
    """PostgreSQL: VACUUM ANALYZE after bulk writes, as autovacuum would soon do on its own, so
    the planner has statistics and the measurements do not race autovacuum."""
    if engine.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def _generic(path: str) -> str:
    return re.sub(r"\d{4}-\d{2}-\d{2}", "<dag>", path)


def _time_page(
    client: Any, path: str, runs: int, results: Results, key: str, database: str, scale: float
) -> None:
    response = client.get(path)  # warm-up
    if response.status_code != 200:
        results.note(key, database, scale, f"failed: {path} answered {response.status_code}")
        return
    for _ in range(runs):
        seconds, response = _timed(lambda: client.get(path))
        assert response.status_code == 200, (path, response.status_code)
        results.add(key, database, scale, seconds * 1000, last_cpu() * 1000)


# --- the floor sync API under gunicorn, driven by wrk -----------------------------------------


class Cookies:
    def __init__(self) -> None:
        self.jar: dict[str, str] = {}

    def take(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.jar[name.strip()] = rest.split(";", 1)[0]

    def header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.jar.items())


def _request(
    port: int, method: str, path: str, cookies: Cookies, body: str | None = None
) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookies.header()}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    cookies.take(response)
    text = response.read().decode()
    connection.close()
    return response.status, text


def real_login(port: int, email: str) -> tuple[str, str]:
    """Log in through the login form like a browser: answers (Cookie header, CSRF token)."""
    from urllib.parse import urlencode

    cookies = Cookies()
    status, html = _request(port, "GET", "/login", cookies)
    assert status == 200, status
    form = urlencode({"email": email, "password": STAFF_PASSWORD, "csrf_token": _csrf_in(html)})
    status, _ = _request(port, "POST", "/login", cookies, form)
    assert status == 302, f"login answered {status}"
    status, text = _request(port, "GET", "/api/floor/csrf", cookies)
    assert status == 200, status
    return cookies.header(), json.loads(text)["token"]


# What gunicorn serves: the app, or the bare WSGI baseline of the floor sync (bench/bare_sync.py).
APP = "app:create_app('production')"
BARE = "bench.bare_sync:application"


@contextlib.contextmanager
def gunicorn(url: str, workers: int, wsgi: str = APP, secret: str = "") -> Iterator[int]:
    from tests.pgserver import free_port

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secret or secrets.token_hex(32),
        "FORCE_HTTPS": "0",
        "SCHOOLFIT_CONFIG": "production",
        "GUNICORN_MAX_REQUESTS": "0",  # no worker replaced in the middle of a measurement
    }
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "--config",  # production's settings file; the arguments below override it
        str(ROOT / "config" / "gunicorn.conf.py"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--backlog",
        "256",
        wsgi,
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _ = _request(port, "GET", "/healthz", Cookies())
                if status in (200, 404):  # the baseline answers only the sync
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _floor_entry_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        return connection.execute("SELECT count(*) FROM floor_entry").fetchone()[0]


@dataclass
class WrkRun:
    requests: int
    seconds: float
    stored: int
    p50_ms: float
    p95_ms: float
    status_errors: int
    socket_errors: int


def wrk_run(
    port: int, url: str, login: tuple[str, str], config: Path, connections: int, seconds: int
) -> WrkRun:
    """One wrk run of bench/floor_sync.lua against ``port``; entries counted in floor_entry."""
    before = _floor_entry_count(url)
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{min(connections, 2)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_SCRIPT),
        f"http://127.0.0.1:{port}",
        "--",
        *login,
        str(config),
    ]
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    match = re.search(r"RESULT (.*)", output)
    assert match, output
    figures = dict(part.split("=") for part in match.group(1).split())
    return WrkRun(
        requests=int(figures["requests"]),
        seconds=int(figures["duration_us"]) / 1e6,
        stored=_floor_entry_count(url) - before,
        p50_ms=int(figures["p50_us"]) / 1000,
        p95_ms=int(figures["p95_us"]) / 1000,
        status_errors=int(figures["status_errors"]),
        socket_errors=int(figures["socket_errors"]),
    )


def measure_sync(
    url: str,
    database: str,
    scale: float,
    group: Group,
    runs: int,
    seconds: int,
    batches: list[int],
    workers: int,
    results: Results,
    connections_list: tuple[int, ...] = CONNECTIONS,
) -> None:
    """The app and its bare WSGI baseline (bench/bare_sync.py) under the same gunicorn settings,
    on the same database, logged in once through the app (the baseline reads the same cookie),
    each wrk run of the app followed by the same run against the baseline."""
    if shutil.which("wrk") is None:
        for batch in batches:
            results.note(f"sync_b{batch}_32", database, scale, "wrk not installed")
        return
    seconds = min(seconds, 30)  # the issue: at most 30 s of load per run
    secret = secrets.token_hex(32)
    with (
        gunicorn(url, workers, APP, secret) as port,
        gunicorn(url, workers, BARE, secret) as bare_port,
        tempfile.TemporaryDirectory() as directory,
    ):
        login = real_login(port, group.staff_emails["mw_zs"])
        zones = group.zones["ZS"] + group.zones["HK"]
        students = group.student_numbers["ZS"][:200] + group.student_numbers["HK"][:200]
        config = Path(directory) / "config.lua"

        def write_config(batch: int) -> None:
            zone_list = ",".join(map(str, zones))
            student_list = ",".join(json.dumps(n) for n in students)
            config.write_text(
                f"return {{prefix={json.dumps(secrets.token_hex(4))}, batch={batch}, "
                f"zones={{{zone_list}}}, students={{{student_list}}}}}"
            )

        # Warm-up, not counted: each worker's first requests load and compile what it needs.
        for target in (port, bare_port):
            write_config(1)
            wrk_run(target, url, login, config, max(connections_list), 2)
        for batch, connections in [(b, c) for b in batches for c in connections_list]:
            key = f"b{batch}_{connections}"
            for run in range(runs):
                for prefix_key, target in (("sync", port), ("bare", bare_port)):
                    write_config(batch)
                    done = wrk_run(target, url, login, config, connections, seconds)
                    results.add(f"{prefix_key}_{key}", database, scale, done.stored / done.seconds)
                    results.add(f"{prefix_key}_p95_{key}", database, scale, done.p95_ms)
                    results.add(f"{prefix_key}_p50_{key}", database, scale, done.p50_ms)
                    sent = done.requests * batch
                    log(
                        f"  wrk {prefix_key} batch {batch} -c{connections} run {run + 1}: "
                        f"{done.requests / done.seconds:.0f} req/s, "
                        f"{done.stored / done.seconds:.0f} entries/s stored ({done.stored} of "
                        f"{sent} sent), p50 {done.p50_ms:.1f} ms, p95 {done.p95_ms:.1f} ms, "
                        f"non-2xx {done.status_errors}, socket errors {done.socket_errors}"
                    )
                    # wrk stops counting at the deadline while the last requests still
                    # complete, so a few more entries may be stored than counted as sent;
                    # fewer is an error.
                    if done.status_errors or done.stored < sent:
                        results.note(
                            f"{prefix_key}_{key}",
                            database,
                            scale,
                            f"non-2xx {done.status_errors}, stored {done.stored}/{sent}",
                        )
            results.notes.setdefault(
                (f"sync_{key}", database, scale), f"{seconds} s a run, gunicorn -w {workers}"
            )
    results.extra.append(sync_comparison(results, database, scale, batches, connections_list))


def sync_comparison(
    results: Results,
    database: str,
    scale: float,
    batches: list[int],
    connections_list: tuple[int, ...] = CONNECTIONS,
) -> str:
    """The floor sync beside its bare WSGI baseline, medians: entries/s, p50 and p95, ratios."""

    def median(key: str) -> float:
        values = results.values.get((key, database, scale))
        return statistics.median(values) if values else float("nan")

    lines = [
        f"\nFloor sync beside a bare WSGI baseline ({database} {scale_label(scale)}, medians; "
        "budget at 32 conn.: p95 < 50 ms and ≥ 500 entries/s, or within 2× of the baseline)",
        f"{'batch conn.':12} {'app /s':>8} {'bare /s':>8} {'bare/app':>9}   "
        f"{'app p50':>8} {'app p95':>8} {'bare p50':>9} {'bare p95':>9} {'p95 app/bare':>13}",
    ]
    for batch in batches:
        for connections in connections_list:
            key = f"b{batch}_{connections}"
            app, bare = median(f"sync_{key}"), median(f"bare_{key}")
            app95, bare95 = median(f"sync_p95_{key}"), median(f"bare_p95_{key}")
            line = (
                f"{batch:>5} {connections:>5}  {app:8.0f} {bare:8.0f} {bare / app:8.2f}×   "
                f"{median(f'sync_p50_{key}'):8.1f} {app95:8.1f} "
                f"{median(f'bare_p50_{key}'):9.1f} {bare95:9.1f} {app95 / bare95:12.2f}×"
            )
            if connections == 32:
                absolute = app >= 500 and app95 < 50
                relative = bare / app <= 2 and app95 / bare95 <= 2
                line += "  met" if absolute or relative else "  MISSED"
            lines.append(line)
    return "\n".join(lines)


# --- driving it ------------------------------------------------------------------------------


@contextlib.contextmanager
def database_url(database: str) -> Iterator[str]:
    if database == "sqlite":
        with tempfile.TemporaryDirectory(prefix="schoolfit-bench-") as directory:
            yield f"sqlite:///{Path(directory) / 'bench.db'}"
    elif database == "postgresql":
        from tests.pgserver import TempPostgres

        server = TempPostgres()
        try:
            yield server.start()
        finally:
            server.stop()
    else:
        raise SystemExit(f"unknown database {database!r}; use sqlite and/or postgresql")


DB_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _fmt(figure: Figure, values: list[float] | None) -> str:
    if not values:
        return "–"
    return figure.fmt.format(statistics.median(values))


def print_table(results: Results, databases: list[str], scales: list[float], runs: int) -> None:
    labels = [DB_LABELS[d] for d in databases]
    header = f"{'figure':38} {'database':11}" + "".join(f"{scale_label(s):>9}" for s in scales)
    header += f"  {'budget':16} {'at 1×':13} app CPU at 1×"
    print(f"\nMedians of {runs} runs (1/10, 1× and 10× the school group's data)")
    print(header)
    print("-" * len(header))
    for figure in FIGURES:
        for database in labels:
            cells = [results.values.get((figure.key, database, s)) for s in scales]
            if not any(cells) and not any(
                (figure.key, database, s) in results.notes for s in scales
            ):
                continue
            line = f"{figure.label + ' (' + figure.unit + ')':38} {database:11}"
            line += "".join(f"{_fmt(figure, c):>9}" for c in cells)
            at_one = results.values.get((figure.key, database, 1.0))
            if figure.ok is None:
                verdict = ""
            elif not at_one:
                verdict = "not measured"
            else:
                verdict = "met" if figure.ok(statistics.median(at_one)) else "MISSED"
            cpu = results.cpu.get((figure.key, database, 1.0))
            line += f"  {figure.budget:16} {verdict:13} {_fmt(figure, cpu) if cpu else ''}"
            notes = [
                f"{scale_label(s)}: {results.notes[(figure.key, database, s)]}"
                for s in scales
                if (figure.key, database, s) in results.notes
            ]
            print(line)
            if notes:
                print(f"{'':50}({'; '.join(notes)})")
    print("\nSQL statements per request of each list page (counted, not timed)")
    header = f"{'account page':44} {'database':11}" + "".join(
        f"{scale_label(s):>7}" for s in scales
    )
    print(header + "  constant as rows grow?")
    print("-" * (len(header) + 24))
    for account, path in results.pages:
        for database in labels:
            cells = [results.queries.get((f"{account} {path}", database, s)) for s in scales]
            numbers = [c for c in cells if isinstance(c, int)]
            if not numbers:
                verdict = "–"
            elif len(numbers) < 2:
                verdict = "one scale only"
            else:
                verdict = "yes" if len(set(numbers)) == 1 else "NO (N+1?)"
            shown = "".join(f"{('–' if c is None else c)!s:>7}" for c in cells)
            print(f"{account + ' ' + path:44} {database:11}{shown}  {verdict}")
    for line in results.extra:
        print(line)


def floor_transfer(results: Results) -> None:
    from bench import floor_bench

    transfer = floor_bench.measure()["transfer"]
    gz_kb = sum(transfer.gzipped.values()) / 1024
    raw_kb = sum(transfer.raw.values()) / 1024
    verdict = "met" if gz_kb <= floor_bench.BUDGET_KB else "MISSED"
    results.extra.append(
        f"\nFloor page transfer, first visit (Chromium): {gz_kb:.1f} KB gzip / {raw_kb:.1f} KB raw"
        f"   budget ≤ {floor_bench.BUDGET_KB:.0f} KB: {verdict}"
    )


def machine() -> str:
    import platform
    from importlib.metadata import version

    import sqlalchemy

    memory = ""
    with contextlib.suppress(OSError):
        first = Path("/proc/meminfo").read_text().split("\n", 1)[0]
        memory = f"{int(first.split()[1]) / 1024 / 1024:.0f} GiB"
    versions = [f"Python {platform.python_version()}", f"Flask {version('flask')}"]
    versions.append(f"SQLAlchemy {sqlalchemy.__version__}")
    with contextlib.suppress(Exception):
        from tests.pgserver import _bin_dir

        out = subprocess.run(
            [str(_bin_dir() / "postgres"), "--version"], capture_output=True, text=True
        )
        versions.append(out.stdout.strip().replace("postgres (PostgreSQL) ", "PostgreSQL "))
    import sqlite3

    versions.append(f"SQLite {sqlite3.sqlite_version}")
    with contextlib.suppress(Exception):
        import gunicorn as gunicorn_package

        versions.append(f"gunicorn {gunicorn_package.__version__}")
    with contextlib.suppress(Exception):
        out = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
        versions.append((out.stdout or out.stderr).split("\n")[0].split(" [")[0])
    load = "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    return f"{os.cpu_count()} cores, {memory}, {load}; " + ", ".join(versions)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--scales", default="0.1,1,10")
    parser.add_argument("--full-scales", default="0.1,1", help="scales with absence import")
    parser.add_argument("--wrk-scales", default="1", help="PostgreSQL scales with the wrk run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--batches", default="1,10", help="entries per sync request")
    parser.add_argument("--only-sync", action="store_true", help="PostgreSQL floor sync only")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--no-browser", action="store_true", help="skip the floor page transfer")
    args = parser.parse_args(argv)
    databases = args.db.split(",")
    scales = [float(s) for s in args.scales.split(",")]
    full = {float(s) for s in args.full_scales.split(",") if s}
    wrk_scales = {float(s) for s in args.wrk_scales.split(",") if s}
    batches = [int(b) for b in args.batches.split(",")]
    FIGURES.extend(sync_figures(batches))
    results = Results()
    started = time.perf_counter()
    log(f"machine: {machine()}")
    for database in databases:
        label = DB_LABELS.get(database, database)
        for scale in scales:
            load = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
            log(f"[{label} {scale_label(scale)}] starting (load average {load})")
            results.loads.append(f"{label} {scale_label(scale)}: {load}")
            with database_url(database) as url:
                try:
                    group = measure_in_process(
                        url, label, scale, args.runs, scale in full, results, args.only_sync
                    )
                except Exception:  # noqa: BLE001 - report what was measured, then go on
                    traceback.print_exc()
                    results.extra.append(f"{label} {scale_label(scale)}: stopped by an error")
                    continue
                if database == "postgresql" and scale in wrk_scales:
                    measure_sync(
                        url,
                        label,
                        scale,
                        group,
                        args.runs,
                        args.wrk_seconds,
                        batches,
                        args.workers,
                        results,
                    )
    if not args.no_browser:
        floor_transfer(results)
    print(f"\nMachine: {machine()}")
    print_table(results, databases, scales, args.runs)
    print(f"\nLoad average (1, 5, 15 min) when each part started: {'; '.join(results.loads)}")
    print(f"(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
