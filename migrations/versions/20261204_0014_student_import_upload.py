"""student import upload: a student export kept on the server between its preview and the
confirmation of the import

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 23:00:00
"""

import sqlalchemy as sa
from alembic import op

import app.models.types

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "student_import_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_student_import_upload_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student_import_upload")),
        sa.UniqueConstraint("token", name=op.f("uq_student_import_upload_token")),
        sa.UniqueConstraint("user_id", name=op.f("uq_student_import_upload_user_id")),
    )


def downgrade():
    op.drop_table("student_import_upload")
