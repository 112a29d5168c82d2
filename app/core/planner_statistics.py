"""The query planner's statistics, refreshed by ``flask analyze`` (nightly, docs/operations.md).

SQLite keeps none until ``ANALYZE`` runs: without them it guesses, and at board scale it walked
a location's 250,000 floor entries for the digest where an index on the day's few marks would
do. PostgreSQL's autovacuum analyses a table only after a share of its rows changed, so after a
night's bulk import its estimates can be a day behind.
"""

from __future__ import annotations

import time

from sqlalchemy import Connection

# Rows SQLite samples per index: an estimate good enough for the planner, in seconds even for a
# database of millions of rows (a full ANALYZE reads every index whole).
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_planner_statistics(connection: Connection) -> float:
    """Analyse every table for the planner; returns the seconds it took."""
    started = time.perf_counter()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
    connection.exec_driver_sql("ANALYZE")
    return time.perf_counter() - started
