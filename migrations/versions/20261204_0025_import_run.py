"""import run: the history of every student and absence import (upload, command line, inbox),
and the inbox's claim on a file's content

Revision ID: 0025
Revises: 0016
Create Date: 2026-12-04 23:30:00
"""

import sqlalchemy as sa
from alembic import op

import app.models.types

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "leerlingen", "verzuim", "onbekend", name="importkind", native_enum=False, length=12
            ),
            nullable=False,
        ),
        sa.Column(
            "origin",
            sa.Enum(
                "inbox",
                "upload",
                "opdrachtregel",
                name="importorigin",
                native_enum=False,
                length=15,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "bezig",
                "gelukt",
                "mislukt",
                "overgeslagen",
                name="importstatus",
                native_enum=False,
                length=15,
            ),
            nullable=False,
        ),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("inbox_claim", sa.String(length=64), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("runner", sa.String(length=120), nullable=False),
        sa.Column("moved_to", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_import_run_user_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_run")),
        sa.UniqueConstraint("inbox_claim", name=op.f("uq_import_run_inbox_claim")),
    )
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_run_started_at"), ["started_at"], unique=False)


def downgrade():
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_run_started_at"))
    op.drop_table("import_run")
