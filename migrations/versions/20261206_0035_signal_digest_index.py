"""signal digest index: a student's absence signals by when they were first seen, with what the
digest shows of them, so the digest reads a location's signals from the index alone

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-06 07:00:00

The digest lists the active signals of a location's students first seen before the day's end.
At board scale (issue 24) it reached them through each student's signals by another index and
then read every signal's row to see whether it was active — 50,000 rows for one location's
4,160 active signals, 21 ms of a page budgeted at 200 ms on SQLite. With the columns it reads
in the index, and the first-seen time as a range, that is 6 ms (the day's digest of a
location whose signals came later) to 22 ms (every signal of the year before the day, sorted).
"""

from __future__ import annotations

from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_absence_signal_student_seen",
        "absence_signal",
        ["student_id", "first_seen_at", "active", "rule", "due_on", "acknowledged_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_absence_signal_student_seen", table_name="absence_signal")
