"""Column types shared by the models."""

from __future__ import annotations

import enum
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Enum, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.types import TypeDecorator

from app.core.vocabulary import enum_values


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time, stored as UTC and always returned timezone-aware (UTC).

    SQLite keeps no time zone, so values are normalised to naive UTC on the way in and marked
    UTC on the way out; on PostgreSQL the column is ``timestamp with time zone``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store times as aware UTC datetimes")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def enable_sqlite_foreign_keys(engine: Engine) -> None:
    """SQLite ignores foreign keys unless asked per connection."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


# A pooled connection idle for longer than this is tested before use (:func:`ping_after_idle`).
PING_AFTER_IDLE_SECONDS = 10.0


def ping_after_idle(engine: Engine, idle_seconds: float = PING_AFTER_IDLE_SECONDS) -> None:
    """Test a pooled connection before use only when it sat idle for ``idle_seconds``: that is
    where a database restart, a failover or a firewall's idle cut shows, and the pool then
    opens a fresh connection (it tries three times). SQLAlchemy's ``pool_pre_ping`` tests on
    every checkout, a round trip on every request: a sixth of a floor sync's (issue 24). A
    connection that breaks while in steady use fails that one request, and the pool then drops
    every connection it holds (SQLAlchemy's disconnect handling)."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in_at = record.info.get("checked_in_at")
        if checked_in_at is None or time.monotonic() - checked_in_at < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("an idle pooled connection no longer answers") from error


def enum_column(enum_class: type[enum.Enum], length: int = 20) -> Enum:
    """An enum stored as its value in a VARCHAR (not a native enum: values can be added by a
    plain migration, and SQLite and PostgreSQL store the same)."""
    return Enum(enum_class, native_enum=False, length=length, values_callable=enum_values)


def check_in(column: str, values: tuple[str, ...]) -> str:
    """The SQL of a check constraint: ``column`` holds one of ``values``."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
