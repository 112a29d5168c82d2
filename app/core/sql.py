"""SQL that must be written per dialect (SQLite, PostgreSQL), once."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any, TypeVar, TypeVarTuple, cast, overload

from sqlalchemy import (
    BigInteger,
    CursorResult,
    Executable,
    Integer,
    Select,
    String,
    Table,
    bindparam,
    func,
    insert,
    select,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.type_api import TypeEngine
from sqlalchemy.sql.visitors import InternalTraversal

from app.extensions import db

Columns = TypeVarTuple("Columns")
_T = TypeVar("_T")


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def rows_affected(statement: Executable) -> int:
    """Run an UPDATE or DELETE and answer how many rows it changed."""
    result = cast(CursorResult[Any], db.session.execute(statement))
    return result.rowcount or 0


@overload
def on_connection(statement: Select[*Columns], params: Any = None) -> CursorResult[*Columns]: ...


@overload
def on_connection(statement: Executable, params: Any = None) -> CursorResult[*tuple[Any, ...]]: ...


def on_connection(statement: Executable, params: Any = None) -> CursorResult[*tuple[Any, ...]]:
    """Run a Core statement on the session's connection, in its transaction, past the ORM
    session's execute path (which flushes nothing for a Core statement either): for the
    statements run on every floor sync, where that path is a good part of the cost."""
    return db.session.connection().execute(statement, params)


def plain_rows(statement: Select[*Columns]) -> CursorResult[*Columns]:
    """Run a SELECT of columns through Core: plain rows, without the ORM's per-row bookkeeping,
    which costs seconds over the hundreds of thousands of rows of a board's school year. The
    session is flushed first, as the ORM's autoflush would."""
    db.session.flush()
    return db.session.connection().execute(statement)


def table_of(model: type[Any]) -> Table:
    """A model's Core table, for bulk statements that need no ORM bookkeeping."""
    return cast(Table, model.__table__)


def among(column: Any, ids: Collection[int], dialect: str | None = None) -> Any:
    """``column IN ids`` with the ids as ONE parameter (a PostgreSQL array, a JSON array that
    SQLite's ``json_each`` unfolds): a day's import touches thousands of students, and an
    ``IN (?, ?, …)`` of thousands of parameters is slow to send and to plan (and SQLite's default
    build takes at most 32,766)."""
    dialect = dialect or dialect_name()
    values = among_values(ids, dialect)
    return _among(column, bindparam(None, values, type_=_among_type(Integer(), dialect)), dialect)


def among_parameter(
    column: Any, name: str, item_type: TypeEngine[Any], dialect: str | None = None
) -> Any:
    """:func:`among` with the values left to a named parameter (give them with
    :func:`among_values`), for a statement built once and run with other values each time: the
    SQL text stays the same whatever their number, so neither SQLAlchemy (an ``IN`` list is
    rendered anew for each number of values) nor the database (a prepared statement) has to
    compile it again."""
    dialect = dialect or dialect_name()
    return _among(column, bindparam(name, type_=_among_type(item_type, dialect)), dialect)


def among_values(values: Collection[Any], dialect: str | None = None) -> Any:
    """The one parameter's value of :func:`among` and :func:`among_parameter`."""
    ordered = sorted(values)
    if (dialect or dialect_name()) == "postgresql":
        return ordered
    return json.dumps(ordered)


def _among_type(item_type: TypeEngine[Any], dialect: str) -> TypeEngine[Any]:
    return ARRAY(item_type) if dialect == "postgresql" else String()


def _among(column: Any, parameter: Any, dialect: str) -> Any:
    if dialect == "postgresql":
        return column == func.any(parameter)
    return column.in_(select(func.json_each(parameter).table_valued("value").c.value))


def epoch_bucket(column: Any, seconds: int, dialect: str | None = None) -> Any:
    """The UTC bucket of a timestamp column as ``seconds since 1970 // seconds``, in SQL.

    Amsterdam is a whole number of hours off UTC, so hour and quarter-hour buckets in UTC are
    local ones too. SQLite keeps UTC as text and ``strftime('%s')`` gives the seconds; ``//``
    renders an integer division (SQLAlchemy 2 turns ``/`` into a true division)."""
    if (dialect or dialect_name()) == "postgresql":
        return sql_cast(func.floor(func.extract("epoch", column) / seconds), Integer)
    return sql_cast(func.strftime("%s", column), Integer) // seconds


def epoch_microseconds(column: Any, dialect: str | None = None) -> Any:
    """A timestamp column as whole microseconds since 1970 (UTC), in SQL: exact, so a
    difference of two equals the difference of the two datetimes in Python.

    SQLite keeps ``YYYY-MM-DD HH:MM:SS.ffffff`` (no fraction: 0 microseconds); PostgreSQL's
    ``extract(epoch …)`` is an exact numeric."""
    if (dialect or dialect_name()) == "postgresql":
        return sql_cast(func.extract("epoch", column) * 1_000_000, BigInteger)
    whole = sql_cast(func.strftime("%s", column), BigInteger) * 1_000_000
    return whole + sql_cast(func.substr(column, 21, 6), BigInteger)


def month_key(column: Any, dialect: str | None = None) -> Any:
    """A date column's month as ``YYYY-MM`` text, in SQL (SQLite keeps dates as ISO text)."""
    if (dialect or dialect_name()) == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.substr(column, 1, 7)


def insert_ignoring_duplicates(
    table: Table | type[Any], index_elements: Sequence[str], dialect: str | None = None
) -> Insert:
    """``INSERT ... ON CONFLICT (index_elements) DO NOTHING``: the database decides what is
    already there, so two workers (or two taps) storing the same row store it once. Add
    ``.returning(...)`` to learn which rows were new (psycopg reports no row count for it)."""
    name = dialect or dialect_name()
    if name == "postgresql":
        return pg_insert(table).on_conflict_do_nothing(index_elements=list(index_elements))
    if name == "sqlite":
        return sqlite_insert(table).on_conflict_do_nothing(index_elements=list(index_elements))
    return insert(table)  # pragma: no cover - only SQLite and PostgreSQL are supported


def insert_many(table: Table, rows: Sequence[Mapping[str, Any]], chunk: int = 5000) -> None:
    """Many rows (dicts with the same keys) into ``table`` in the session's transaction: one
    ``COPY`` on PostgreSQL (a statement per chunk cost a round trip and its parameters' handling
    each: an import's figures at 10× write 400,000 rows), ``executemany`` in chunks elsewhere.
    The columns' bind processing applies either way; the identifiers are the table's own."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        for start in range(0, len(rows), chunk):
            db.session.execute(insert(table), rows[start : start + chunk])
        return
    names = list(rows[0])
    processors = [table.c[name].type.bind_processor(connection.dialect) for name in names]
    command = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
    driver = connection.connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()
    with cursor, cursor.copy(command) as copy:
        for row in rows:
            copy.write_row(
                [
                    row[name] if process is None else process(row[name])
                    for name, process in zip(names, processors, strict=True)
                ]
            )


class NotAnIndexForSQLite(ColumnElement[_T]):
    """``column`` as it is, but on SQLite with the unary ``+`` that keeps the planner from
    using an index for the term (SQLite's documented way). SQLite plans by rules of thumb and,
    given an index on a broad condition (a location's students, the active signals), starts
    there and reads a year of rows where another index would read a day's; PostgreSQL plans by
    its statistics and gets the plain column, whose estimates it needs."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: ColumnElement[_T] | InstrumentedAttribute[_T]) -> None:
        self.column: ColumnElement[_T] = (
            column.__clause_element__() if isinstance(column, InstrumentedAttribute) else column
        )
        self.type = self.column.type


@compiles(NotAnIndexForSQLite)
def _plain(element: NotAnIndexForSQLite[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(NotAnIndexForSQLite, "sqlite")
def _unary_plus(element: NotAnIndexForSQLite[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.column, **kw)
