"""One import of a kind at a time, across processes and app servers sharing the database.

An import started twice at once (a double click, the nightly job and beheer's upload, two app
servers behind a load balancer) must import once. The lock lives in the database every app
server shares and is held until the import's transaction ends, by commit or rollback — also
when the process dies:

- PostgreSQL: a transaction-level advisory lock. The second import does not wait: it is
  refused at once with a clear Dutch message.
- SQLite: the database's own write lock, taken at once (``BEGIN IMMEDIATE``) instead of at the
  first write, so that what the import reads cannot change under it. The second import waits
  for the first (up to the driver's busy timeout, 5 s) and then sees what the first stored; if
  the first takes longer it is refused with the same message.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.exceptions import DomainError
from app.extensions import db

BUSY = "Er loopt al een import; probeer het zo opnieuw."
# pg_try_advisory_xact_lock(namespace, key): SchoolFit's namespace, one key per kind.
NAMESPACE = 0x5C_F1
# "inbox": the inbox claiming a file it does not recognise (nothing is imported from it).
KEYS = {"students": 1, "absence": 2, "inbox": 3}


class ImportBusy(DomainError):
    """Another import of the same kind holds the lock."""

    def __init__(self) -> None:
        super().__init__(BUSY)


def hold_import_lock(kind: str, *, wait: bool = False) -> None:
    """Hold the lock of imports of ``kind`` until this transaction ends; raises
    :class:`ImportBusy` when another transaction holds it. ``wait``: on PostgreSQL wait for
    it instead (SQLite always waits, up to the busy timeout) — for short work that must not
    run beside an import, such as storing the signals an import's figures lead to."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        if wait:
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
                {"namespace": NAMESPACE, "key": KEYS[kind]},
            )
            return
        held = connection.execute(
            text("SELECT pg_try_advisory_xact_lock(:namespace, :key)"),
            {"namespace": NAMESPACE, "key": KEYS[kind]},
        ).scalar()
        if not held:
            raise ImportBusy()
        return
    driver = connection.connection.driver_connection
    if getattr(driver, "in_transaction", True):
        return  # this transaction has written already: it holds the write lock
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except OperationalError as error:
        if "locked" in str(error.orig):
            raise ImportBusy() from None
        raise
