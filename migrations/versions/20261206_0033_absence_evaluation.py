"""absence evaluation: one row per stored signal evaluation (the day it judged as of, its
location or all, whether only an import's changed students), so an evaluation no longer writes
every signal it finds unchanged

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06 00:30:00

The signal list said "Berekend per …" from the newest ``evaluated_on`` of the signals it showed,
so every evaluation rewrote that day into each signal of its scope, changed or not: at board
scale a daily import's evaluation spent more than a second on that ``UPDATE`` alone (issue 24).
A database that has signals gets one evaluation, of every location, as of their newest
``evaluated_on``: the best it knows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.models.types import UTCDateTime

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "absence_evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("partial", sa.Boolean(), nullable=False),
        sa.Column("students", sa.Integer(), nullable=False),
        sa.Column("evaluated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["location.id"],
            name=op.f("fk_absence_evaluation_location_id_location"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absence_evaluation")),
    )
    op.create_index(
        op.f("ix_absence_evaluation_location_id"), "absence_evaluation", ["location_id"]
    )
    op.execute(
        "INSERT INTO absence_evaluation (as_of, location_id, partial, students, evaluated_at) "
        "SELECT MAX(evaluated_on), NULL, false, "
        "(SELECT COUNT(*) FROM student WHERE active), CURRENT_TIMESTAMP "
        "FROM absence_signal HAVING COUNT(*) > 0"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_absence_evaluation_location_id"), table_name="absence_evaluation")
    op.drop_table("absence_evaluation")
