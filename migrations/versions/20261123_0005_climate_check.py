"""climate check

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-23 01:40:00

"""

import sqlalchemy as sa
from alembic import op

import app.models.types

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "climate_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "rating",
            sa.Enum(
                "rustig",
                "wisselend",
                "onrustig",
                name="climaterating",
                native_enum=False,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("checked_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_climate_check_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["user.id"], name=op.f("fk_climate_check_staff_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zone.id"], name=op.f("fk_climate_check_zone_id_zone")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_climate_check")),
        sa.UniqueConstraint(
            "staff_id", "zone_id", "day", name=op.f("uq_climate_check_staff_id_zone_id_day")
        ),
    )
    with op.batch_alter_table("climate_check", schema=None) as batch_op:
        batch_op.create_index("ix_climate_check_location_day", ["location_id", "day"], unique=False)


def downgrade():
    with op.batch_alter_table("climate_check", schema=None) as batch_op:
        batch_op.drop_index("ix_climate_check_location_day")
    op.drop_table("climate_check")
