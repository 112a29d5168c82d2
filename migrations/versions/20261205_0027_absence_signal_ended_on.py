"""absence signal ended on: the evaluation day a signal was first found to hold no more, so the
list can show "beëindigd op …" until someone acknowledges it

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 00:30:00

Signals already inactive get their last evaluation day: the best the database knows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("absence_signal") as batch:
        batch.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
    signal = sa.table(
        "absence_signal",
        sa.column("active", sa.Boolean()),
        sa.column("ended_on", sa.Date()),
        sa.column("evaluated_on", sa.Date()),
    )
    op.execute(
        signal.update().where(signal.c.active.is_(False)).values(ended_on=signal.c.evaluated_on)
    )


def downgrade():
    with op.batch_alter_table("absence_signal") as batch:
        batch.drop_column("ended_on")
