"""Counting the SQL statements a block sends, for the tests that keep list pages, case pages,
the digest builder, the audit log and the floor sync free of N+1 queries. The one way to count
them: no test listens to SQLAlchemy's events itself."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """The statements sent to the database inside the block, in order."""
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@contextmanager
def loaded_models() -> Iterator[list[str]]:
    """The class names of the ORM instances loaded from the database inside the block (a lean
    path that reads plain rows loads none)."""
    from sqlalchemy.orm import Session

    loaded: list[str] = []

    def note(_session: object, instance: object) -> None:
        loaded.append(type(instance).__name__)

    event.listen(Session, "loaded_as_persistent", note)
    try:
        yield loaded
    finally:
        event.remove(Session, "loaded_as_persistent", note)
