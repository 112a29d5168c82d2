"""leerlingpeiling: peiling, peiling_answer, peiling_device

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-23 03:00:00

"""

import sqlalchemy as sa
from alembic import op

import app.models.types

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "peiling",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("questionnaire", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "gesloten", name="peilingstatus", native_enum=False, length=12),
            nullable=False,
        ),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("starts_on <= ends_on", name=op.f("ck_peiling_period")),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_peiling_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"],
            ["user.id"],
            name=op.f("fk_peiling_opened_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["user.id"],
            name=op.f("fk_peiling_closed_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peiling")),
        sa.UniqueConstraint("code", name=op.f("uq_peiling_code")),
    )
    with op.batch_alter_table("peiling", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_peiling_location_id"), ["location_id"], unique=False)

    # No time, address, user agent, name, number or device column: see app/models/pulse.py.
    op.create_table(
        "peiling_answer",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("peiling_id", sa.Integer(), nullable=False),
        sa.Column("statement", sa.String(length=32), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("value BETWEEN 1 AND 5", name=op.f("ck_peiling_answer_value")),
        sa.ForeignKeyConstraint(
            ["peiling_id"],
            ["peiling.id"],
            name=op.f("fk_peiling_answer_peiling_id_peiling"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peiling_answer")),
    )
    with op.batch_alter_table("peiling_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_peiling_answer_peiling_id"), ["peiling_id"], unique=False
        )

    op.create_table(
        "peiling_device",
        sa.Column("peiling_id", sa.Integer(), nullable=False),
        sa.Column("device_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["peiling_id"],
            ["peiling.id"],
            name=op.f("fk_peiling_device_peiling_id_peiling"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("peiling_id", "device_hash", name=op.f("pk_peiling_device")),
    )


def downgrade():
    op.drop_table("peiling_device")
    with op.batch_alter_table("peiling_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_peiling_answer_peiling_id"))
    op.drop_table("peiling_answer")
    with op.batch_alter_table("peiling", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_peiling_location_id"))
    op.drop_table("peiling")
