"""Fixtures shared by every test: the app on a migrated database (SQLite or PostgreSQL),
clients, and factories that build data through the app's own services."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import inspect, text

from app import create_app
from app.core.vocabulary import Role
from app.extensions import db
from app.models import Location, Student, User
from tests.client_helpers import PASSWORD, login

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
        with tempfile.TemporaryDirectory(prefix="schoolfit-test-") as directory:
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


@pytest.fixture
def app(migrated_database: str, app_settings: dict[str, object]) -> Iterator[Flask]:
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=migrated_database,
        WTF_CSRF_ENABLED=True,
        SERVER_NAME=None,
        **app_settings,
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def locations(app: Flask) -> dict[str, Location]:
    """The six locations with their default zones and breaks, as the demo builds them."""
    from app.demo.organisation import seed_locations

    result = seed_locations()
    db.session.commit()
    return result


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
