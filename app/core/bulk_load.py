"""PostgreSQL's bulk load into an empty table: its checks set aside, then made again at once.

A foreign key is checked by a trigger once per inserted row, and each index is updated row by
row; for a school board's first year of absence (6 million registrations) those per-row checks
took half of the insert. PostgreSQL's own advice for populating a table ("Populating a
Database" in its manual) is to drop the foreign keys and indexes, load, and create them again:
an index is then built by one sort and a foreign key validated by one join over all rows, in
the same transaction, so the rows are checked exactly as strictly — a row that breaks a key
makes the whole load fail, and nothing of it is kept.

The price is the locks: dropping a foreign key takes an exclusive lock on the table **and on
the table it references** until the transaction ends, so every request that reads those
tables waits for the load. That is why this is an operator's explicit choice for a first load
(``flask import-absence --bulk-load``, docs/operations.md), never what a page does, and why
the locks are asked for with a short ``lock_timeout``: a load that would have to wait behind
running requests (and make every later one wait behind it) is refused instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from app.core.stored_text import N_
from app.exceptions import DomainError

# How long the load waits for the locks of the tables involved before it is refused.
LOCK_WAIT = "5s"
# Memory for the sorts that build the indexes again (the default 64 MB spills at 10×).
INDEX_BUILD_MEMORY = "256MB"

BUSY = N_(
    "De tabellen van het verzuim zijn nu in gebruik, dus de snelle eerste import (--bulk-load) "
    "kan ze niet vastzetten. Probeer het buiten schooltijd opnieuw, of importeer zonder "
    "--bulk-load."
)


@dataclass(frozen=True)
class SetAside:
    """A table's foreign keys and secondary indexes as PostgreSQL defines them (primary key
    excepted), to be made again exactly so."""

    foreign_keys: tuple[tuple[str, str], ...]  # (name, definition)
    constraint_indexes: tuple[tuple[str, str], ...]  # unique constraints: (name, definition)
    indexes: tuple[tuple[str, str], ...]  # other indexes: (name, CREATE INDEX statement)


def declined_because(connection: Connection, table: str) -> str | None:
    """Why a bulk load into ``table`` is not possible here (None: it is): only on
    PostgreSQL, into an empty table the connection's role owns (only the owner may drop and
    add its constraints)."""
    if connection.dialect.name != "postgresql":
        return N_("alleen op PostgreSQL")
    owner = connection.execute(
        text("SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = to_regclass(:t)"),
        {"t": table},
    ).scalar()
    if not owner:
        return N_("de database-gebruiker van SchoolFit is geen eigenaar van de tabel")
    # A constant table name of the caller's, not input.
    if connection.exec_driver_sql(f"SELECT EXISTS (SELECT FROM {table})").scalar():  # noqa: S608
        return N_("er staat al verzuim in de database")
    return None


def _definitions(connection: Connection, table: str) -> SetAside:
    foreign_keys = connection.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = to_regclass(:t) AND contype = 'f' ORDER BY conname"
        ),
        {"t": table},
    ).all()
    constraint_indexes = connection.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = to_regclass(:t) AND contype IN ('u', 'x') ORDER BY conname"
        ),
        {"t": table},
    ).all()
    indexes = connection.execute(
        text(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid"
            " WHERE x.indrelid = to_regclass(:t) AND NOT x.indisprimary"
            " AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
            " ORDER BY i.relname"
        ),
        {"t": table},
    ).all()
    return SetAside(
        tuple((n, d) for n, d in foreign_keys),
        tuple((n, d) for n, d in constraint_indexes),
        tuple((n, d) for n, d in indexes),
    )


@contextmanager
def checks_set_aside(connection: Connection, table: str) -> Iterator[SetAside]:
    """Within: ``table`` (empty; see :func:`declined_because`) without its foreign keys and
    secondary indexes. On leaving, the indexes are built and the foreign keys validated over
    every row, in this transaction: a violation raises (IntegrityError) and the caller's
    rollback brings the table back as it was. Raises :class:`DomainError` when the locks are
    not granted within :data:`LOCK_WAIT`."""
    definitions = _definitions(connection, table)
    quoted = connection.dialect.identifier_preparer.quote
    previous = connection.exec_driver_sql("SHOW lock_timeout").scalar()
    connection.execute(text("SELECT set_config('lock_timeout', :v, true)"), {"v": LOCK_WAIT})
    try:
        for name, _definition in (*definitions.foreign_keys, *definitions.constraint_indexes):
            connection.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT {quoted(name)}")
        for name, _definition in definitions.indexes:
            connection.exec_driver_sql(f"DROP INDEX {quoted(name)}")
    except OperationalError as error:
        if getattr(error.orig, "sqlstate", None) == "55P03":  # lock_not_available
            raise DomainError(BUSY) from None
        raise
    connection.execute(text("SELECT set_config('lock_timeout', :v, true)"), {"v": previous})
    yield definitions
    connection.execute(
        text("SELECT set_config('maintenance_work_mem', :v, true)"), {"v": INDEX_BUILD_MEMORY}
    )
    for name, definition in definitions.constraint_indexes:
        connection.exec_driver_sql(
            f"ALTER TABLE {table} ADD CONSTRAINT {quoted(name)} {definition}"
        )
    for _name, statement in definitions.indexes:
        connection.exec_driver_sql(statement)
    for name, definition in definitions.foreign_keys:
        connection.exec_driver_sql(
            f"ALTER TABLE {table} ADD CONSTRAINT {quoted(name)} {definition}"
        )
