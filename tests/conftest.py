"""Fixtures shared by every test: the app on a migrated database (SQLite or PostgreSQL),
clients, and factories that build data through the app's own services."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import inspect, select, text

from app import create_app
from app.alerts.sender import EXTENSION as SENDER_EXTENSION
from app.core.vocabulary import Role
from app.extensions import db, limiter
from app.models import BreakTime, Location, Student, User, Zone
from tests.client_helpers import PASSWORD, login
from tests.db_helpers import SCRATCH_DIR, Rows, are_empty, take_rows, write_rows

TRAVELLER = pytest.StashKey[time_machine.travel]()


# Apps the tests build with other settings (development, production) must not start the alert
# sender thread of a worker either: the tests that need one start it themselves.
os.environ.setdefault("ALERT_SENDER_ENABLED", "false")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("sqlite", "postgresql"),
        default=os.environ.get("SCHOOLFIT_TEST_DB", "sqlite"),
        help="Database the suite runs against (a throw-away PostgreSQL is started for postgresql).",
    )
    parser.addoption(
        "--clock",
        default=os.environ.get("SCHOOLFIT_TEST_CLOCK"),
        help=(
            "Run the suite as if it were this moment (ISO 8601 with offset, e.g. "
            "2026-12-05T00:30+01:00; the clock ticks on from there): the suite must pass on a "
            "weekend, in a holiday and around midnight, whenever CI happens to run it."
        ),
    )


def pytest_report_header(config: pytest.Config) -> str:
    clock = config.getoption("--clock")
    return f"schoolfit database: {config.getoption('--db')}" + (
        f", clock: {clock}" if clock else ""
    )


def pytest_configure(config: pytest.Config) -> None:
    """With ``--clock``, every clock of this process (datetime, time) starts at that moment,
    from collection on (parameters computed at import see it too)."""
    clock = config.getoption("--clock")
    if clock:
        traveller = time_machine.travel(datetime.fromisoformat(clock), tick=True)
        traveller.start()
        config.stash[TRAVELLER] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(TRAVELLER, None)
    if traveller is not None:
        traveller.stop()


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"]
        return
    if request.config.getoption("--db") == "postgresql":
        from tests.pgserver import TempPostgres

        server = TempPostgres()
        try:
            yield server.start()
        finally:
            server.stop()
    else:
        # A file, not :memory:, so the live server of the browser tests shares it.
        with tempfile.TemporaryDirectory(prefix="schoolfit-test-", dir=SCRATCH_DIR) as directory:
            yield f"sqlite:///{Path(directory) / 'test.db'}"


@pytest.fixture(scope="session")
def migrated_database(database_url: str) -> str:
    """Build the schema once per run, through the Alembic migrations (never create_all)."""
    from flask_migrate import upgrade

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        # "heads": while capabilities are built in parallel their migrations may branch; the
        # test_migrations_have_exactly_one_head test still insists they are merged before landing.
        upgrade(revision="heads")
        db.engine.dispose()
    return database_url


_CLEANUP: dict[str, list[str]] = {}


def _cleanup_statements() -> list[str]:
    """What empties every table of the schema, children first (built once per database)."""
    url = str(db.engine.url)
    if url not in _CLEANUP:
        existing = set(inspect(db.engine).get_table_names())
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name in existing]
        # Table names from the models' metadata, not from input.
        deletes = [f'DELETE FROM "{t.name}";' for t in tables]  # noqa: S608
        if db.engine.dialect.name == "postgresql":
            # One round trip: the deletes, then every sequence a test used starts at 1 again.
            _CLEANUP[url] = [
                "DO $$ DECLARE used record; BEGIN "  # noqa: S608 - names from the metadata
                + " ".join(deletes)
                + " FOR used IN SELECT schemaname, sequencename FROM pg_sequences"
                " WHERE last_value IS NOT NULL LOOP"
                " PERFORM setval(format('%I.%I', used.schemaname, used.sequencename)::regclass,"
                " 1, false); END LOOP; END $$"
            ]
        else:
            _CLEANUP[url] = deletes
    return _CLEANUP[url]


def _empty_all_tables() -> None:
    """Every table empty again, ids from 1, for the next test (which may commit and run a live
    server, so it cannot run in a transaction rolled back afterwards). The schema itself is
    built once per run (``migrated_database``).

    DELETE, not TRUNCATE, on PostgreSQL: TRUNCATE gives every table and index a new file, about
    70 ms a test here against about 20 ms for deleting the few rows a test wrote; the sequences
    start again at 1, as with TRUNCATE … RESTART IDENTITY."""
    for statement in _cleanup_statements():
        db.session.execute(text(statement))
    db.session.commit()


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The test itself holds an app context (for its own database session); Flask would reuse it for
    requests, sharing ``g`` (and its cached CSRF token) and the session between requests. Hiding it
    gives each request a fresh context and session; afterwards the test's session is expired so it
    reads what the request committed.
    """

    def open(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        token = _cv_app.set(None)  # type: ignore[arg-type]
        try:
            response = super().open(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            _cv_app.reset(token)
        db.session.expire_all()
        return response


@pytest.fixture
def app_settings() -> dict[str, object]:
    """Settings a test module changes for its app (override this fixture in the module)."""
    return {}


@dataclass
class _ReusedApp:
    """The last default app the ``app`` fixture built, kept for the next test that needs one.

    Building an app costs about 45 ms here (Werkzeug compiles ~160 URL rules), and a fresh one
    also compiles every template and loads the catalogue again: reused across a run's ~1,400
    tests that take an app, that is a minute or more per database. What a test may change is put
    back after it: the settings, ``app.extensions`` and the rate limiter's counts."""

    database_url: str
    app: Flask
    config: dict[str, object]
    extensions: dict[str, object]
    limiter_storage: object


_reused: list[_ReusedApp] = []


def _app_for(database_url: str, settings: dict[str, object]) -> _ReusedApp:
    # Every app built since (by a test, a live server) took over the module-wide extensions.
    if (
        _reused
        and _reused[0].database_url == database_url
        and limiter.storage is _reused[0].limiter_storage
        and not settings
    ):
        return _reused[0]
    built = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        WTF_CSRF_ENABLED=True,
        SERVER_NAME=None,
        **settings,
    )
    built.test_client_class = IsolatedClient
    reused = _ReusedApp(
        database_url=database_url,
        app=built,
        config=dict(built.config),
        extensions=dict(built.extensions),
        limiter_storage=limiter.storage,
    )
    # Only the default app is reused: a module's own settings (an identity provider, limits)
    # come with state its clients keep (the provider's keys), fresh for each of its tests.
    _reused[:] = [reused] if not settings else []
    return reused


def _put_back(reused: _ReusedApp) -> bool:
    """The app as it was built, for the next test — or forgotten, when that cannot be sure.
    Answers whether the next test gets it.

    The extensions are module-wide objects (``limiter``, ``talisman``…) that take their settings
    from the last app built: when a test built another app (a live server, other settings), their
    state is that app's, so the next test builds its own again."""
    if limiter.storage is not reused.limiter_storage:
        _reused.clear()
        return False
    sender = reused.app.extensions.get(SENDER_EXTENSION)
    if sender is not None and sender is not reused.extensions.get(SENDER_EXTENSION):
        _reused.clear()  # a test started the alert sender: its thread belongs to that test
        return False
    reused.app.config.clear()
    reused.app.config.update(reused.config)
    reused.app.extensions.clear()
    reused.app.extensions.update(reused.extensions)
    limiter.reset()
    return reused in _reused


@pytest.fixture
def app(migrated_database: str, app_settings: dict[str, object]) -> Iterator[Flask]:
    reused = _app_for(migrated_database, app_settings)
    app = reused.app
    try:
        with app.app_context():
            yield app
            db.session.rollback()
            _empty_all_tables()
            db.session.remove()
    finally:
        # The next test that gets this app keeps its pooled connections: a new PostgreSQL
        # connection starts a server process that loads the catalogue again, a fifth of a
        # database test's time here. Nothing a test leaves on a connection outlives its
        # transaction (the locks, settings and staging tables are all transaction-scoped).
        if not _put_back(reused):
            with app.app_context():
                db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


# What ``seed_locations`` wrote into the empty tables, per database (the same ids every time).
_LOCATION_ROWS: dict[str, Rows] = {}


@pytest.fixture
def locations(app: Flask) -> dict[str, Location]:
    """The six locations with their default zones and breaks, as the demo builds them.

    Built by ``seed_locations`` in the run's first test that needs them; later tests get the
    rows it wrote again, one statement a table: its unit of work inserts the 84 rows one at a
    time (~150 ms a test on a busy PostgreSQL, most of the suite's tests take this fixture)."""
    from app.demo.organisation import seed_locations

    tables = [Location.__table__, BreakTime.__table__, Zone.__table__]
    url = str(db.engine.url)
    empty = are_empty(tables)
    if empty and url in _LOCATION_ROWS:
        write_rows(_LOCATION_ROWS[url])
    else:
        seed_locations()
        if empty:
            _LOCATION_ROWS[url] = take_rows(tables)
    db.session.commit()
    return {location.code: location for location in db.session.scalars(select(Location))}


@pytest.fixture
def make_user(app: Flask, locations: dict[str, Location]) -> Callable[..., User]:
    from app.auth.services import create_user

    counter = iter(range(1, 10_000))

    def factory(
        role: Role = Role.MEDEWERKER,
        location_codes: tuple[str, ...] = ("ZS",),
        *,
        email: str | None = None,
        password: str = PASSWORD,
        name: str | None = None,
    ) -> User:
        n = next(counter)
        user = create_user(
            email=email or f"{role.value}{n}@school.example.nl",
            name=name or f"{role.value.title()} {n}",
            role=role,
            locations=[locations[code] for code in location_codes],
            password=password,
        )
        db.session.commit()
        return user

    return factory


@pytest.fixture
def make_student(app: Flask, locations: dict[str, Location]) -> Callable[..., Student]:
    counter = iter(range(500_000, 600_000))

    def factory(location_code: str = "ZS", **values: str) -> Student:
        number = str(next(counter))
        student = Student(
            leerlingnummer=values.pop("leerlingnummer", number),
            first_name=values.pop("first_name", "Lotte"),
            tussenvoegsel=values.pop("tussenvoegsel", ""),
            last_name=values.pop("last_name", f"Achternaam{number}"),
            class_name=values.pop("class_name", "2B"),
            mentor=values.pop("mentor", "ABC"),
            location_id=locations[location_code].id,
            active=True,
        )
        db.session.add(student)
        db.session.commit()
        return student

    return factory


@pytest.fixture
def login_as(client: FlaskClient, make_user: Callable[..., User]) -> Callable[..., User]:
    """Create a user of ``role`` at ``location_codes`` and sign the test client in as them."""

    def do_login(role: Role = Role.MEDEWERKER, location_codes: tuple[str, ...] = ("ZS",)) -> User:
        user = make_user(role, location_codes)
        response = login(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return do_login
