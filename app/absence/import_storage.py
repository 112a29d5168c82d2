"""Writing checked absence registrations in bulk: staged, then one set-based upsert.

The file's registrations go to a temporary staging table as (position, student, shape,
description) — ``COPY`` on PostgreSQL, ``executemany`` on SQLite: four small values a row — and
their distinct shapes (day, lesson hours, code, …: a few thousand in a year's export) to a
second. Then one ``INSERT … SELECT … ON CONFLICT (natural key) DO UPDATE … WHERE`` (a compared
column differs) ``RETURNING`` writes what is new or corrected: the database does the
comparisons, an unchanged registration is not written, and the returned rows tell new (an id
above the highest before) from corrected, and which students changed. When nothing stored can
clash — no registration of the file's students in its period, checked once: a first import, a
file of new days — a plain ``INSERT … SELECT`` writes them instead, with ids given in the file's
order: no arbitration, no row returned, no sort (docs/benchmarks.md)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.absence.import_rows import KEY_COLUMNS, RECORD_COLUMNS, SHAPE_COLUMNS, CheckedRows
from app.core.bulk_load import checks_set_aside, declined_because
from app.core.sql import among, table_of
from app.extensions import db
from app.models import AbsenceRecord
from app.models.types import utcnow

CHUNK = 5_000
# Told how far a stage has come: (stage, rows done, rows in all).
Progress = Callable[[str, int, int], None]


# Compared with what is stored to tell corrected and unchanged registrations apart.
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


WRITTEN_COLUMNS = (*RECORD_COLUMNS, "source", "import_id", "imported_at")


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_RECORDS = table_of(AbsenceRecord)
_STAGING = MetaData()
# Temporary: each session its own, gone at commit on PostgreSQL and dropped after use anyway
# (an inbox imports several files in one transaction).
STAGED_SHAPES = Table(
    "absence_import_shape",
    _STAGING,
    Column("shape", Integer, primary_key=True),
    *(Column(name, _RECORDS.c[name].type) for name in SHAPE_COLUMNS),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DROP",
)
STAGED_ROWS = Table(
    "absence_import_row",
    _STAGING,
    # SQLite: the rowid, so ordering by it sorts nothing.
    Column("position", Integer, primary_key=True),
    Column("student_id", Integer),
    Column("shape", Integer),
    Column("description", String(80)),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DROP",
)


@dataclass
class Written:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    students: set[int] = field(default_factory=set)  # with a registration new or corrected
    corrected: set[int] = field(default_factory=set)  # with a registration corrected
    # No registration was stored before: every one stored now is the file's.
    only_these: bool = False
    # Asked for a bulk load: "" when it was done, else why not (app/core/bulk_load.py).
    bulk_load_declined: str | None = None


def _insert(dialect_name: str) -> Any:
    if dialect_name == "postgresql":
        return pg_insert
    if dialect_name == "sqlite":
        return sqlite_insert
    raise RuntimeError(f"Absence import does not support {dialect_name}")  # pragma: no cover


def _drop_staging(connection: Any) -> None:
    schema = "pg_temp" if connection.dialect.name == "postgresql" else "temp"
    for table in (STAGED_ROWS, STAGED_SHAPES):
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {schema}.{table.name}")


def _stage(connection: Any, checked: CheckedRows, advance: Callable[[int], None]) -> None:
    """The registrations into the staging tables (created empty here)."""
    _drop_staging(connection)
    STAGED_SHAPES.create(connection)
    STAGED_ROWS.create(connection)
    shapes = [
        {"shape": index, **dict(zip(SHAPE_COLUMNS, values, strict=True))}
        for index, values in enumerate(checked.shape_values)
    ]
    for some in chunks(shapes, 1000):
        connection.execute(insert(STAGED_SHAPES), list(some))
    count = len(checked)
    # Constant identifiers; the values travel by COPY or as parameters.
    columns = f"{STAGED_ROWS.name} (position, student_id, shape, description)"
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        with cursor, cursor.copy(f"COPY {columns} FROM STDIN") as copy:
            for start in range(0, count, CHUNK):
                end = min(start + CHUNK, count)
                for row in zip(
                    range(start, end),
                    checked.students[start:end],
                    checked.shapes[start:end],
                    checked.descriptions[start:end],
                    strict=True,
                ):
                    copy.write_row(row)
                advance(end - start)
    else:
        statement = f"INSERT INTO {columns} VALUES (?, ?, ?, ?)"  # noqa: S608
        for start in range(0, count, CHUNK):
            end = min(start + CHUNK, count)
            rows = zip(
                range(start, end),
                checked.students[start:end],
                checked.shapes[start:end],
                checked.descriptions[start:end],
                strict=True,
            )
            connection.exec_driver_sql(statement, list(rows))
            advance(end - start)


def _staged_query(
    dialect_name: str, source: str, import_id: int | None, first_id: int | None
) -> Any:
    """The staged registrations as :data:`WRITTEN_COLUMNS` (with ``first_id``: ``id`` first,
    ``first_id`` + the row's position)."""
    rows, shapes = STAGED_ROWS.c, STAGED_SHAPES.c
    picked: list[Any] = [] if first_id is None else [literal(first_id, Integer) + rows.position]
    for name in RECORD_COLUMNS:
        picked.append(rows[name] if name in ("student_id", "description") else shapes[name])
    picked += [
        literal(source, _RECORDS.c.source.type),
        literal(import_id, _RECORDS.c.import_id.type),
        literal(utcnow(), _RECORDS.c.imported_at.type),
    ]
    query = (
        select(*picked)
        .select_from(STAGED_ROWS.join(STAGED_SHAPES, shapes.shape == rows.shape))
        # SQLite: a WHERE keeps the join's ON apart from the upsert's ON CONFLICT.
        .where(true())
    )
    if first_id is None or dialect_name == "sqlite":
        # SQLite: the position is the rowid, ordering by it sorts nothing (and the table is
        # written from its end on).
        query = query.order_by(rows.position)
    return query


def _upsert_staged(dialect_name: str, source: str, import_id: int | None) -> Any:
    """``INSERT … SELECT`` the staged registrations, in the file's order (ids follow it: the
    order of registrations counts where two cover the same lesson), ``ON CONFLICT (natural key)
    DO UPDATE`` only where a compared column differs, ``RETURNING`` student and id."""
    query = _staged_query(dialect_name, source, import_id, None)
    statement = _insert(dialect_name)(_RECORDS).from_select(list(WRITTEN_COLUMNS), query)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=list(KEY_COLUMNS),
        set_={name: excluded[name] for name in WRITTEN_COLUMNS if name not in KEY_COLUMNS},
        where=or_(*(_RECORDS.c[c].is_distinct_from(excluded[c]) for c in COMPARED_COLUMNS)),
    )
    return statement.returning(_RECORDS.c.student_id, _RECORDS.c.id)


def _insert_staged(dialect_name: str, source: str, import_id: int | None, first_id: int) -> Any:
    """A plain ``INSERT … SELECT`` of the staged registrations, for when none can clash with a
    stored one: no arbitration, nothing returned. The ids are given, ``first_id`` + the row's
    position, so they follow the file's order without PostgreSQL sorting the rows."""
    query = _staged_query(dialect_name, source, import_id, first_id)
    return insert(_RECORDS).from_select(["id", *WRITTEN_COLUMNS], query)


def _may_clash(
    connection: Any, highest: int, students: Collection[int], period: tuple[date, date]
) -> bool:
    """Whether a registration of these students from the first to the last day of ``period``
    is stored (``highest``: the highest id stored, 0 when none is). Only imports write
    registrations, one at a time under the import lock: none is written meanwhile (and a
    clash would break the natural key's unique index, not the data)."""
    if not highest:
        return False
    query = (
        select(_RECORDS.c.id)
        .where(_RECORDS.c.day.between(*period), among(_RECORDS.c.student_id, students))
        .limit(1)
    )
    return connection.execute(query).first() is not None


def _reserve_ids(connection: Any, highest: int, count: int) -> int:
    """The first of ``count`` ids above every stored one, taken from the table's sequence on
    PostgreSQL (so later inserts start above them)."""
    if connection.dialect.name != "postgresql":
        return highest + 1
    sequence = f"pg_get_serial_sequence('{_RECORDS.name}', 'id')"  # a constant name
    first = max(connection.exec_driver_sql(f"SELECT nextval({sequence})").scalar(), highest + 1)
    connection.execute(text(f"SELECT setval({sequence}, :last)"), {"last": first + count - 1})
    return int(first)


# SQLite's page cache while the upsert runs, in KiB (the default, 2 MiB, holds a few percent
# of a year's natural-key index: each registration then reads its index pages from the file).
SQLITE_CACHE_KIB = 256 * 1024


@contextmanager
def _page_cache(connection: Any) -> Iterator[None]:
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def write_registrations(
    checked: CheckedRows,
    *,
    source: str,
    import_id: int | None = None,
    progress: Progress | None = None,
    students: Collection[int],
    period: tuple[date, date],
    alongside: Callable[[], None] | None = None,
    bulk_load: bool = False,
) -> Written:
    """Upsert the file's registrations by natural key; an unchanged one is left as it is.
    ``students``: the file's students; ``period``: its first and last day; ``alongside``:
    called just before a plain insert (every registration new) is sent, to start work that
    runs while the database writes (:class:`app.core.collection.Alongside`). ``bulk_load``:
    into an empty table on PostgreSQL, with its keys and indexes set aside and made again
    after the insert (:mod:`app.core.bulk_load`; the operator's choice for a first load)."""
    connection = db.session.connection()
    total = len(checked)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress("opslaan", done, total)

    highest = connection.execute(select(func.max(_RECORDS.c.id))).scalar() or 0
    written = Written(only_these=not highest)
    new_only = bool(total) and not _may_clash(connection, highest, students, period)
    if bulk_load:
        written.bulk_load_declined = declined_because(connection, _RECORDS.name) or ""
    _stage(connection, checked, advance)
    if new_only:
        # Nothing stored can clash (a first import, a file of new days): every registration is
        # new, and the database need not look for a conflict nor return each row.
        first_id = _reserve_ids(connection, highest, total)
        set_aside = (
            checks_set_aside(connection, _RECORDS.name)
            if written.bulk_load_declined == ""
            else nullcontext()
        )
        with _page_cache(connection), set_aside:
            statement = _insert_staged(connection.dialect.name, source, import_id, first_id)
            if alongside is not None:
                alongside()
            connection.execute(statement)
        written.inserted = total
        written.students = set(students)
        _drop_staging(connection)
        return written
    with _page_cache(connection):
        statement = _upsert_staged(connection.dialect.name, source, import_id)
        changed = connection.execute(statement).all()
    for student_id, record_id in changed:
        written.students.add(student_id)
        if record_id > highest:
            written.inserted += 1
        else:
            written.updated += 1
            written.corrected.add(student_id)
    written.unchanged = total - written.inserted - written.updated
    _drop_staging(connection)
    if progress and not total:
        progress("opslaan", 0, 0)
    return written


def remove_missing(
    checked: CheckedRows, student_ids: set[int], first_day: date, last_day: date
) -> tuple[int, set[int]]:
    """Delete these students' registrations of ``first_day``..``last_day`` that the file does
    not have (deleted in the LVS); returns how many, and the students that lost one."""
    key_columns = [_RECORDS.c[name] for name in KEY_COLUMNS]
    query = select(_RECORDS.c.id, *key_columns).where(
        _RECORDS.c.day.between(first_day, last_day), among(_RECORDS.c.student_id, student_ids)
    )
    keys = {
        (student_id, *checked.shape_values[shape][:3])
        for student_id, shape in zip(checked.students, checked.shapes, strict=True)
    }
    gone: list[int] = []
    losing: set[int] = set()
    for record_id, *key in db.session.connection().execute(query):
        if tuple(key) not in keys:
            gone.append(record_id)
            losing.add(key[0])
    if gone:
        db.session.execute(delete(AbsenceRecord).where(among(AbsenceRecord.id, gone)))
    return len(gone), losing
