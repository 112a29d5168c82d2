"""absence figures: the day figures per student, kept for the signal evaluation and reports

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 22:00:00

The table starts empty; the first signal evaluation (or import) after the upgrade fills it
from the stored registrations (app/absence/figures.py).
"""

import sqlalchemy as sa
from alembic import op

import app.models.types

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "absence_figures",
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("days", sa.Text(), nullable=False),
        sa.Column("computed_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["student.id"],
            name=op.f("fk_absence_figures_student_id_student"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("student_id", name=op.f("pk_absence_figures")),
    )
    op.create_table(
        "absence_figures_basis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("built_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absence_figures_basis")),
    )


def downgrade():
    op.drop_table("absence_figures_basis")
    op.drop_table("absence_figures")
