"""The digest reads a day's flags, new cases, case status changes and entries marked for the
team leader by their time, not a location's whole year, and the location's absence signals from
its students and an index holding what is shown of them, not from the board's (issue 24: at
board scale the first four cost 36 ms of the page's 200, the signals 21 ms).

SQLite plans by rules of thumb: given a location's students by their index it starts there and
reads every student's year, so the statements are written to start from the day's rows
(migrations 0034 and 0035, `NotAnIndexForSQLite`). PostgreSQL plans by its statistics and is
sent the plain columns: a unary ``+`` or ``+ 0`` there would hide its indexes (checked here)."""

from __future__ import annotations

import re

from app.digest.builder import build_digest
from app.extensions import db
from tests.digest_helpers import DAY, Scenario, at
from tests.statement_count import counted_statements

# The table a day's statement reads from, the day's bounds on its time, and the index it must
# start with.
DAY_READS = {
    "FROM flag ": ("flag.raised_at >= ", "ix_flag_location_raised"),
    "FROM casus ": ("casus.opened_at >= ", "ix_casus_opened_at"),
    "FROM case_status_change ": ("case_status_change.at >= ", "ix_case_status_change_at"),
    # The entries marked for the team leader that day: from the day's marks, not the
    # location's entries (app/desk/reporting.py).
    "FROM floor_entry JOIN entry_triage ": (
        "entry_triage.for_teamleider_at >= ",
        "ix_entry_triage_for_teamleider_at",
    ),
    # The active signals of the location's students: from those students, not from the board's
    # active signals.
    "FROM absence_signal ": ("absence_signal.first_seen_at < ", "ix_student_location_id"),
}


def test_the_days_rows_are_read_from_the_day_and_the_signals_from_the_students(
    scenario: Scenario,
) -> None:
    with counted_statements() as statements:
        build_digest(scenario.location, DAY, now=at(DAY, 14))
    day_reads = {
        table: statement
        for statement in statements
        for table, (bound, _index) in DAY_READS.items()
        if table in statement and bound in statement
    }
    assert set(day_reads) == set(DAY_READS), f"statements not found: {sorted(day_reads)}"
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        for table, statement in day_reads.items():
            hidden = re.findall(r"\+\s*\w+\.\w+|\w+\.\w+\s*\+\s*0\b", statement)
            assert not hidden, f"{table.strip()}: columns hidden from PostgreSQL: {hidden}"
        return
    for table, statement in day_reads.items():
        index = DAY_READS[table][1]
        # The plan does not depend on the values bound (no STAT4 in SQLite's build).
        plan = connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", (None,) * statement.count("?")
        ).all()
        assert f"INDEX {index} " in plan[0][3], f"{table.strip()} starts with: {plan[0][3]}"
        if table == "FROM absence_signal ":
            # Each student's signals from the index alone (migration 0035), not their rows.
            steps = [row[3] for row in plan]
            assert any("COVERING INDEX ix_absence_signal_student_seen" in s for s in steps), steps
