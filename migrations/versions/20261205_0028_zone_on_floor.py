"""zone on floor: whether a zone is a place on the floor (shown on the floor screen) or for
desk work only (a home visit, a phone call)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05 01:30:00

Every existing zone stays on the floor; beheer marks a new desk-only zone when adding it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("zone") as batch:
        batch.add_column(
            sa.Column("on_floor", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade():
    with op.batch_alter_table("zone") as batch:
        batch.drop_column("on_floor")
