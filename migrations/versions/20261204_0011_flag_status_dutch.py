"""flag status in Dutch: 'handled' becomes 'afgehandeld', like every other stored value

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("flag") as batch:
        batch.alter_column(
            "status",
            existing_type=sa.String(length=10),
            type_=sa.String(length=12),
            existing_nullable=False,
        )
    op.execute("UPDATE flag SET status = 'afgehandeld' WHERE status = 'handled'")


def downgrade():
    op.execute("UPDATE flag SET status = 'handled' WHERE status = 'afgehandeld'")
    with op.batch_alter_table("flag") as batch:
        batch.alter_column(
            "status",
            existing_type=sa.String(length=12),
            type_=sa.String(length=10),
            existing_nullable=False,
        )
