"""Where one floor sync request spends its CPU: the app's own share, measured in process.

    .venv/bin/python -m bench.profile_sync [--db postgresql|sqlite] [--requests 2000]
        [--batch 1] [--profile 25] [--bare] [--dump FILE]

The production app (``create_app('production')``) on a fresh database (a throw-away PostgreSQL
server, started as the tests start it, or a SQLite file), one staff member logged in through
the login form, then ``--requests`` POSTs to ``/api/floor/entries`` through the WSGI app, as
gunicorn would call it, but without the HTTP parsing and the socket. Prints the process CPU per
request (the figure that bounds the sync's throughput on 2 cores, docs/benchmarks.md), the SQL
statements per request and, with ``--profile N``, the N functions with the most own time.
``--bare``: the same for the bare WSGI baseline (bench/bare_sync.py, PostgreSQL only), sent the
same login's cookie and CSRF token.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import secrets
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from bench.group_bench import database_url
from bench.group_data import STAFF_PASSWORD

EMAIL = "mw.profile@school.example.nl"


def _setup(url: str) -> tuple[Any, int, list[int]]:
    from flask_migrate import upgrade

    from app import create_app
    from app.auth.services import create_user
    from app.core.vocabulary import Role
    from app.demo.organisation import seed_locations
    from app.extensions import db

    os.environ.update(DATABASE_URL=url, SECRET_KEY=secrets.token_hex(32), FORCE_HTTPS="0")
    app = create_app("production", SESSION_COOKIE_SECURE=False)
    with app.app_context():
        upgrade(revision="heads")
        zs = seed_locations()["ZS"]
        create_user(
            email=EMAIL,
            name="Profiel Medewerker",
            role=Role.MEDEWERKER,
            locations=[zs],
            password=STAFF_PASSWORD,
        )
        db.session.commit()
        location_id, zone_ids = zs.id, [z.id for z in zs.zones]
        db.session.remove()
    return app, location_id, zone_ids


def _login(client: Any) -> str:
    from bench.group_bench import _csrf_in

    token = _csrf_in(client.get("/login").get_data(as_text=True))
    form = {"email": EMAIL, "password": STAFF_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=form).status_code == 302
    return client.get("/api/floor/csrf").get_json()["token"]


def _body(location_id: int, zone_ids: list[int], batch: int, n: int) -> bytes:
    when = datetime.now(UTC).isoformat()
    entries = [
        {
            "uuid": str(uuid.uuid4()),
            "kind": "contact",
            "location_id": location_id,
            "zone_id": zone_ids[(n + i) % len(zone_ids)],
            "occurred_at": when,
        }
        for i in range(batch)
    ]
    return json.dumps({"entries": entries}).encode()


def by_package(stats: pstats.Stats, requests: int) -> str:
    """Own time per package (sqlalchemy, flask, app, …) per request: where the CPU goes."""
    totals: dict[str, float] = {}
    for (filename, _line, _name), row in stats.stats.items():  # type: ignore[attr-defined]
        if "site-packages/" in filename:
            package = filename.split("site-packages/", 1)[1].split("/", 1)[0]
        elif "/app/" in filename:
            package = "app"
        elif filename.startswith("~") or "python3" in filename:
            package = "python (stdlib, builtins)"
        else:
            package = "other"
        totals[package] = totals.get(package, 0.0) + row[2]
    total = sum(totals.values())
    lines = [f"{'package':28} {'ms/request':>10} {'share':>6}  (profiled own time)"]
    for package, seconds in sorted(totals.items(), key=lambda item: -item[1])[:15]:
        share = seconds / total * 100
        lines.append(f"{package:28} {seconds / requests * 1000:10.3f} {share:5.1f}%")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgresql")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions")
    parser.add_argument(
        "--sort", default="tottime", help="pstats order (tottime, cumulative), or package"
    )
    parser.add_argument("--bare", action="store_true", help="the bare WSGI baseline instead")
    parser.add_argument("--dump", help="also save the profile to this file (pstats, callers)")
    args = parser.parse_args(argv)

    from sqlalchemy import event

    with database_url(args.db) as url:
        app, location_id, zone_ids = _setup(url)
        client = app.test_client()
        token = _login(client)
        with app.app_context():
            from app.extensions import db

            engine = db.engine
        statements = 0

        def count(*_args: Any) -> None:
            nonlocal statements
            statements += 1

        event.listen(engine, "before_cursor_execute", count)
        bodies = [_body(location_id, zone_ids, args.batch, n) for n in range(args.requests + 50)]
        headers = {"X-CSRFToken": token, "Content-Type": "application/json"}

        if args.bare:
            from werkzeug.test import Client

            os.environ["DATABASE_URL"] = url
            from bench import bare_sync

            cookie = client.get_cookie("session")
            assert cookie is not None
            bare = Client(bare_sync.application)
            bare.set_cookie("session", cookie.value)
            client = bare

        def send(body: bytes) -> None:
            response = client.post("/api/floor/entries", data=body, headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)[:300]

        for body in bodies[:50]:  # warm up: imports, caches, the connection pool
            send(body)
        statements = 0
        # CPU time, not the wall clock: waiting for PostgreSQL is not the workers' cost.
        profiler = cProfile.Profile(time.process_time) if args.profile else None
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        for body in bodies[50:]:
            send(body)
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        n = args.requests
        what = "bare WSGI baseline" if args.bare else "app"
        print(
            f"{what}, {args.db}, batch {args.batch}, {n} requests: {cpu / n * 1000:.2f} ms CPU and "
            f"{wall / n * 1000:.2f} ms wall per request (test client included), "
            f"{statements / n:.1f} SQL statements per request"
        )
        if profiler and args.dump:
            profiler.dump_stats(args.dump)
        if profiler and args.sort == "package":
            print(by_package(pstats.Stats(profiler), n))
        elif profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.profile)
            print(out.getvalue())
        event.remove(engine, "before_cursor_execute", count)
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
