"""The load balancer's probes: /healthz (the process is alive: no database needed) and /readyz
(the database answers and is migrated to this code's head; Redis answers when configured).
Neither leaks anything: no versions, host names or error texts; neither is redirected to HTTPS,
rate-limited or given a session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db
from tests.pgserver import free_port

# Nothing listens on a freshly freed port.
UNREACHABLE_DATABASE = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/schoolfit"
LEAKS = ("sqlite", "postgres", "psycopg", "127.0.0.1", "localhost", "0015", "error", "redis")


def assert_tells_nothing(text: str) -> None:
    lowered = text.lower()
    assert not [word for word in LEAKS if word in lowered], text


@pytest.fixture
def broken_app(migrated_database: str) -> Iterator[Flask]:
    served = create_app("testing", SQLALCHEMY_DATABASE_URI=UNREACHABLE_DATABASE)
    with served.app_context():
        yield served
        db.session.remove()
        db.engine.dispose()


def test_healthz_says_the_process_is_alive(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_readyz_is_ready_on_a_migrated_database(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "checks": {"database": True, "migrations": True},
    }
    assert "Set-Cookie" not in response.headers
    assert_tells_nothing(response.get_data(as_text=True))


def test_without_a_database_healthz_is_alive_and_readyz_is_not(broken_app: Flask) -> None:
    client = broken_app.test_client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "checks": {"database": False, "migrations": False},
    }
    assert_tells_nothing(response.get_data(as_text=True))


def test_readyz_is_not_ready_while_the_schema_is_behind_the_code(
    app: Flask, client: FlaskClient
) -> None:
    app.extensions["schoolfit_migration_heads"] = frozenset({"9999"})
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": True, "migrations": False}
    assert_tells_nothing(response.get_data(as_text=True))
    assert "9999" not in response.get_data(as_text=True)


def test_readyz_is_not_ready_when_redis_does_not_answer(
    migrated_database: str,
) -> None:
    served = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=migrated_database,
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
        RATELIMIT_STORAGE_OPTIONS={"socket_timeout": 1, "socket_connect_timeout": 1},
    )
    with served.app_context():
        response = served.test_client().get("/readyz")
        db.engine.dispose()
    assert response.status_code == 503
    assert response.get_json()["checks"] == {
        "database": True,
        "migrations": True,
        "rate_limit_storage": False,
    }
    assert_tells_nothing(response.get_data(as_text=True))


def test_probes_are_plain_http_behind_the_load_balancer(
    monkeypatch: pytest.MonkeyPatch, migrated_database: str
) -> None:
    """Production redirects plain HTTP to HTTPS; the load balancer's own probes reach the
    instance over plain HTTP on the inside and must get their answer."""
    monkeypatch.setenv("SECRET_KEY", "p" * 48)
    monkeypatch.setenv("DATABASE_URL", migrated_database)
    served = create_app("production")
    client = served.test_client()
    assert client.get("/login").status_code == 302
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    with served.app_context():
        db.engine.dispose()
