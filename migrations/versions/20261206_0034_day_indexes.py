"""day indexes: a location's flags by the time they were raised, cases by the time they were
opened, case status changes by their time, so the digest reads a day's rows and not the year's

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06 04:20:00

At board scale (issue 24) the digest of a busy day read each location's whole year of flags,
cases and status changes to find the day's few: about 27 ms of a page budgeted at 200 ms.
"""

from __future__ import annotations

from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_flag_location_raised", "flag", ["location_id", "raised_at"])
    op.create_index("ix_casus_opened_at", "casus", ["opened_at"])
    op.create_index("ix_case_status_change_at", "case_status_change", ["at"])


def downgrade() -> None:
    op.drop_index("ix_case_status_change_at", table_name="case_status_change")
    op.drop_index("ix_casus_opened_at", table_name="casus")
    op.drop_index("ix_flag_location_raised", table_name="flag")
