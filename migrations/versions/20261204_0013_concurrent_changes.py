"""concurrent changes: a version on every state machine, and the tokens of sent forms

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 00:00:00

Cases, handovers, flags, parent calls, home visits, the inbox's triage and absence signals get
a ``version`` that every update checks and raises (optimistic locking): of two changes made at
once, one is refused instead of both half-applying. ``form_submission`` keeps the one-time
token of each sent form, so a form sent twice is stored once.
"""

import sqlalchemy as sa
from alembic import op

import app.models.types

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

VERSIONED = (
    "casus",
    "handover",
    "flag",
    "parent_call",
    "home_visit",
    "entry_triage",
    "absence_signal",
)


def upgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("version", sa.Integer(), server_default="1", nullable=False)
            )
    op.create_table(
        "form_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "submitted_at", app.models.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("result_url", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_form_submission_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submission")),
        sa.UniqueConstraint("token", name=op.f("uq_form_submission_token")),
    )
    with op.batch_alter_table("form_submission") as batch:
        batch.create_index(
            batch.f("ix_form_submission_submitted_at"), ["submitted_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("form_submission") as batch:
        batch.drop_index(batch.f("ix_form_submission_submitted_at"))
    op.drop_table("form_submission")
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
