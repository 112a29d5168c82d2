"""single sign-on: an account's identity at the OpenID Connect provider

Revision ID: 0026
Revises: 0017
Create Date: 2026-12-05 00:00:00

Issue 22. ``user_identity``: the (issuer, sub) pair an account was bound to on its first
single sign-on login; later logins match on that pair only.
"""

import sqlalchemy as sa
from alembic import op

import app.models.types

revision = "0026"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_user_identity_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_identity")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_user_identity_issuer_subject")),
        sa.UniqueConstraint("user_id", "issuer", name=op.f("uq_user_identity_user_id_issuer")),
    )
    op.create_index(op.f("ix_user_identity_user_id"), "user_identity", ["user_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_user_identity_user_id"), table_name="user_identity")
    op.drop_table("user_identity")
