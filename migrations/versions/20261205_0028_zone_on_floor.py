"""zone on floor: whether a zone is a place on the floor (shown on the floor screen) or for
desk work only (a home visit, a phone call)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05 01:30:00

Existing zones named like the desk's own places (a home visit, a phone call) become desk-only;
every other zone stays on the floor. Beheer marks a new desk-only zone when adding it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

DESK_ONLY_NAMES = ("huisbezoek", "telefonisch", "telefoon", "thuisbezoek")


def upgrade():
    with op.batch_alter_table("zone") as batch:
        batch.add_column(
            sa.Column("on_floor", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    # A running school's "huisbezoek" and "telefonisch" are not places on the floor either.
    zone = sa.table("zone", sa.column("name", sa.String), sa.column("on_floor", sa.Boolean))
    op.execute(
        zone.update()
        .where(sa.func.lower(sa.func.trim(zone.c.name)).in_(DESK_ONLY_NAMES))
        .values(on_floor=False)
    )


def downgrade():
    with op.batch_alter_table("zone") as batch:
        batch.drop_column("on_floor")
