"""Reading the database back in a test, writing rows built once again, and where the suite's
SQLite files live."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Table, exists, func, select, text

from app.extensions import db

# The suite's throw-away SQLite files go to memory-backed /dev/shm where there is one: on disk,
# SQLite syncs every commit (two or three fsyncs of ~1 ms each here), thousands of times a run.
# A test database need not survive a power cut (the PostgreSQL of the tests runs with fsync=off
# for the same reason); what the files hold and how they are shared is the same either way.
MEMORY_DIR = Path("/dev/shm")
SCRATCH_DIR: str | None = (
    str(MEMORY_DIR) if MEMORY_DIR.is_dir() and os.access(MEMORY_DIR, os.W_OK) else None
)


def count(model: type) -> int:
    """How many rows the model's table holds."""
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@dataclass(frozen=True)
class Rows:
    """Rows of some tables as a test built them, to write again into the same empty tables."""

    tables: tuple[tuple[Table, tuple[dict[str, Any], ...]], ...]


def take_rows(tables: list[Table]) -> Rows:
    """Every row of ``tables`` (parents before children), as it is now."""
    return Rows(
        tuple(
            (table, tuple(dict(row._mapping) for row in db.session.execute(select(table))))
            for table in tables
        )
    )


def are_empty(tables: list[Table]) -> bool:
    """Whether ``tables`` hold no row (one statement)."""
    found = db.session.execute(select(*(exists().select_from(table) for table in tables))).one()
    return not any(found)


def write_rows(rows: Rows) -> None:
    """The rows again, one statement a table, ids and all; on PostgreSQL each table's id
    sequence then continues after them, as it would after the inserts that built them."""
    for table, values in rows.tables:
        if values:
            db.session.execute(table.insert(), list(values))
    if db.engine.dialect.name == "postgresql":
        for table, values in rows.tables:
            if values and "id" in table.columns:
                # Names from the models' metadata, not from input.
                db.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "  # noqa: S608
                        f'(SELECT max(id) FROM "{table.name}"))'
                    )
                )
