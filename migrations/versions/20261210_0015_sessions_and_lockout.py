"""sessions on the server, lockout per account and client, TOTP codes once, digest claims

Revision ID: 0015
Revises: 0016
Create Date: 2026-12-10 10:00:00

- ``user_session``: one row per signed-in session (the cookie carries a token, the row its
  hash); logout and "log out everywhere" delete rows, so a copied cookie stops working.
- ``login_throttle``: failed attempts per account and client (address or known device),
  replacing the account-wide ``user.failed_logins`` / ``user.locked_until``.
- ``user.totp_last_step`` (a code is accepted once), ``user.lockout_notified_at`` (one e-mail
  per lockout period).
- ``digest_delivery.claim_token`` / ``claimed_at``: a run claims an e-mail before sending it.

SQLite drops the two old columns with its own ``ALTER TABLE … DROP COLUMN`` (3.35 and newer):
``user``, which most tables refer to, is not rebuilt.
"""

import sqlalchemy as sa
from alembic import op

import app.models.types

revision = "0015"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_user_session_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_session_token_hash")),
    )
    op.create_index(op.f("ix_user_session_user_id"), "user_session", ["user_id"], unique=False)
    op.create_table(
        "login_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_login_throttle_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttle")),
        sa.UniqueConstraint(
            "user_id", "client_key", name=op.f("uq_login_throttle_user_id_client_key")
        ),
    )
    op.add_column("user", sa.Column("totp_last_step", sa.Integer(), nullable=True))
    op.add_column(
        "user",
        sa.Column(
            "lockout_notified_at", app.models.types.UTCDateTime(timezone=True), nullable=True
        ),
    )
    op.drop_column("user", "locked_until")
    op.drop_column("user", "failed_logins")
    op.add_column(
        "digest_delivery",
        sa.Column("claim_token", sa.String(length=32), nullable=False, server_default=""),
    )
    op.add_column(
        "digest_delivery",
        sa.Column("claimed_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade():
    op.drop_column("digest_delivery", "claimed_at")
    op.drop_column("digest_delivery", "claim_token")
    op.add_column(
        "user", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column(
        "user",
        sa.Column("locked_until", app.models.types.UTCDateTime(timezone=True), nullable=True),
    )
    op.drop_column("user", "lockout_notified_at")
    op.drop_column("user", "totp_last_step")
    op.drop_table("login_throttle")
    op.drop_index(op.f("ix_user_session_user_id"), table_name="user_session")
    op.drop_table("user_session")
