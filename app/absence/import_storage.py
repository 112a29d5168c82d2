"""Writing checked absence registrations in bulk with the database's own upsert (``INSERT … ON
CONFLICT (natural key) DO UPDATE``; on PostgreSQL through ``COPY`` into a staging table), and
telling new, corrected and unchanged registrations apart."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.absence.import_rows import KEY_COLUMNS, RECORD_COLUMNS
from app.core.sql import table_of
from app.extensions import db
from app.models import AbsenceRecord
from app.models.types import utcnow

CHUNK = 5_000
# Told how far a stage has come: (stage, rows done, rows in all).
Progress = Callable[[str, int, int], None]


# Compared with what is stored to tell new, corrected and unchanged registrations apart.
COMPARED_COLUMNS = (
    "last_day",
    "first_hour",
    "last_hour",
    "start_minute",
    "minutes",
    "code",
    "description",
    "category",
    "authorised",
)


COMPARED_POSITIONS = tuple(RECORD_COLUMNS.index(c) for c in COMPARED_COLUMNS)


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


WRITTEN_COLUMNS = (*RECORD_COLUMNS, "source", "import_id", "imported_at")


def _upsert(dialect: Any) -> tuple[str, list[str] | None]:
    """The dialect's ``INSERT … ON CONFLICT (natural key) DO UPDATE`` as driver SQL, with the
    order of its parameters when the driver takes them by position (SQLite)."""
    if dialect.name == "postgresql":
        insert: Any = pg_insert
    elif dialect.name == "sqlite":
        insert = sqlite_insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"Absence import does not support {dialect.name}")
    # inline(): no RETURNING of the new primary key, which bulk rows do not need.
    statement = insert(table_of(AbsenceRecord)).inline()
    statement = statement.on_conflict_do_update(
        index_elements=list(KEY_COLUMNS),
        set_={c: statement.excluded[c] for c in WRITTEN_COLUMNS if c not in KEY_COLUMNS},
    )
    compiled = statement.compile(dialect=dialect, column_keys=list(WRITTEN_COLUMNS))
    order = list(compiled.positiontup or []) if compiled.positional else None
    return str(compiled), order


def _copy_and_upsert_postgresql(
    connection: Any, rows: Iterator[list[tuple[Any, ...]]], progress: Callable[[int], None]
) -> None:
    """PostgreSQL: ``COPY`` the rows into a temporary table, then one ``INSERT … SELECT …
    ON CONFLICT (natural key) DO UPDATE`` — one round trip for the whole file instead of one
    statement per row (psycopg's COPY is implemented in C)."""
    sql, _order = _upsert(connection.dialect)
    insert_into = sql.split(" VALUES ", 1)[0]
    conflict = sql.split(" ON CONFLICT ", 1)[1]
    columns = ", ".join(WRITTEN_COLUMNS)
    staging = "absence_record_import"
    # Identifiers are constants and come from the compiled statement; values travel by COPY.
    table = AbsenceRecord.__tablename__
    empty_copy = f"SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
    statements = (
        f"DROP TABLE IF EXISTS pg_temp.{staging}",
        f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS {empty_copy}",
    )
    with connection.connection.driver_connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        with cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
            for chunk in rows:
                for row in chunk:
                    copy.write_row(row)
                progress(len(chunk))
        cursor.execute(f"{insert_into} SELECT {columns} FROM {staging} ON CONFLICT {conflict}")  # noqa: S608
        cursor.execute(f"DROP TABLE {staging}")


def _memoised(processor: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """SQLAlchemy's own bind processor for a column type, remembered per value: an export
    repeats the same days and lesson times thousands of times, and converting each of them
    anew costs more than the database's own work."""
    if processor is None:
        return lambda value: value
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            converted = cache[value] = processor(value)
            return converted

    return convert


def stored_versions(
    student_ids: set[int], first_day: date, last_day: date
) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    columns = [getattr(AbsenceRecord, c) for c in (*KEY_COLUMNS, *COMPARED_COLUMNS)]
    query = select(*columns).where(AbsenceRecord.day.between(first_day, last_day))
    if len(student_ids) <= 500:
        query = query.where(AbsenceRecord.student_id.in_(student_ids))
    stored = {}
    for row in db.session.execute(query):
        stored[tuple(row[:4])] = tuple(row[4:])
    return stored


def write_records(
    records: Sequence[tuple[Any, ...]],
    *,
    source: str,
    import_id: int | None = None,
    progress: Progress | None = None,
) -> None:
    """Upsert registrations (tuples of :data:`RECORD_COLUMNS`) in chunks, by natural key.

    Values are converted by SQLAlchemy's own (memoised) bind processors, so they are stored
    exactly as the ORM would store them, and go to the driver in bulk: SQLite's
    ``executemany`` of the upsert, PostgreSQL ``COPY`` and one upsert (docs/benchmarks.md)."""
    connection = db.session.connection()
    dialect = connection.dialect
    table = table_of(AbsenceRecord)
    processors = [table.c[name].type._cached_bind_processor(dialect) for name in WRITTEN_COLUMNS]
    width = len(RECORD_COLUMNS)  # then source, import and time, the same for every row
    extra = [
        _memoised(processor)(value)
        for processor, value in zip(
            processors[width:], (source[:12], import_id, utcnow()), strict=True
        )
    ]
    # Only the columns whose type converts at all (on PostgreSQL 3 of the record's 15): a
    # call per value and row costs more, at 600,000 rows, than the COPY itself.
    converting = [(i, _memoised(p)) for i, p in enumerate(processors[:width]) if p is not None]
    done = 0

    def converted() -> Iterator[list[tuple[Any, ...]]]:
        for chunk in chunks(records, CHUNK):
            rows = []
            for record in chunk:
                if len(record) != width:
                    raise ValueError(f"a registration has {len(record)} values, not {width}")
                row = [*record, *extra]
                for index, convert in converting:
                    row[index] = convert(row[index])
                rows.append(tuple(row))
            yield rows

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress("opslaan", done, len(records))

    if dialect.name == "postgresql":
        _copy_and_upsert_postgresql(connection, converted(), advance)
    else:
        sql, order = _upsert(dialect)
        assert order == list(WRITTEN_COLUMNS)  # SQLite: positional, in column order
        for rows in converted():
            connection.exec_driver_sql(sql, rows)
            advance(len(rows))
    if progress and not records:
        progress("opslaan", 0, 0)
