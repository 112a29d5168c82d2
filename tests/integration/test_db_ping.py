"""Pooled connections are tested only after sitting idle (app/models/types.py, ping_after_idle):
a connection the server dropped while it was idle is replaced, not handed to a request, and a
connection in steady use costs no extra round trip."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from app.models.types import ping_after_idle


@pytest.fixture
def idle_seconds() -> float:
    """How long a connection sits unused before it is tested (a test overrides it)."""
    return 0.2


@pytest.fixture
def engine(migrated_database: str, idle_seconds: float) -> Iterator[Engine]:
    if migrated_database.startswith("sqlite"):
        # The app installs the ping on PostgreSQL only (app/__init__.py): nothing to test here;
        # make test runs this file on PostgreSQL.
        pytest.skip("SQLite has no server to lose a connection to")
    made = create_engine(migrated_database, pool_size=1, max_overflow=0)
    ping_after_idle(made, idle_seconds=idle_seconds)
    yield made
    made.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(engine: Engine, pid: int) -> None:
    """End the server session ``pid`` from another connection, as a database restart, a
    failover or a firewall's idle cut would."""
    killer = create_engine(engine.url, poolclass=NullPool)
    with killer.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced(engine: Engine) -> None:
    first = _backend_pid(engine)
    _terminate(engine, first)
    time.sleep(0.3)  # idle past the limit: the next checkout tests the connection first
    assert _backend_pid(engine) != first  # no error: the pool opened a fresh one


# A minute: however slow a loaded machine is in ending the session, the connection counts as
# in steady use (with 0.2 s, a slow _terminate made the pool test it, and the test fail).
@pytest.mark.parametrize("idle_seconds", [60.0])
def test_a_connection_in_steady_use_is_not_tested(engine: Engine) -> None:
    first = _backend_pid(engine)
    _terminate(engine, first)
    # Used a moment ago, so not tested before use: the dropped connection reaches the caller,
    # proof that no round trip is spent on it (that one request fails; the pool then drops it).
    with pytest.raises(OperationalError):
        _backend_pid(engine)
    assert _backend_pid(engine) != first  # the next checkout opens a fresh connection
