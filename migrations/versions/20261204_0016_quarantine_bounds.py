"""quarantine bounds: a fingerprint to group identical entries, one row per repeated entry
without a UUID (with a count)

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-10 09:00:00

The fingerprint of existing rows is computed here from their stored payload and reason, the
same way app/floor/quarantine.py computes it (copied, so this migration never changes with the
app). Existing rows get no repeat key: older duplicates stay as they are.
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from alembic import op

import app.models.types

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def _content(payload: str) -> str:
    try:
        value = json.loads(payload)
    except ValueError:
        return payload
    if isinstance(value, dict):
        value = {key: item for key, item in value.items() if key != "uuid"}
        inner = value.get("climate")
        if isinstance(inner, dict):
            value["climate"] = {key: item for key, item in inner.items() if key != "uuid"}
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def fingerprint(payload: str, reason: str) -> str:
    return hashlib.sha256(f"{reason}\n{_content(payload)}".encode()).hexdigest()


def upgrade():
    with op.batch_alter_table("quarantined_entry") as batch:
        batch.add_column(
            sa.Column("fingerprint", sa.String(length=64), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("repeat_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("repeats", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(
            sa.Column(
                "last_received_at", app.models.types.UTCDateTime(timezone=True), nullable=True
            )
        )
    table = sa.table(
        "quarantined_entry",
        sa.column("id", sa.Integer()),
        sa.column("payload", sa.Text()),
        sa.column("reason", sa.String()),
        sa.column("fingerprint", sa.String()),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(table.c.id, table.c.payload, table.c.reason)).all()
    if rows:
        connection.execute(
            table.update()
            .where(table.c.id == sa.bindparam("row_id"))
            .values(fingerprint=sa.bindparam("value")),
            [
                {"row_id": row_id, "value": fingerprint(payload or "", reason or "")}
                for row_id, payload, reason in rows
            ],
        )
    with op.batch_alter_table("quarantined_entry") as batch:
        batch.alter_column("fingerprint", server_default=None, existing_type=sa.String(64))
        batch.alter_column("repeats", server_default=None, existing_type=sa.Integer())
        batch.create_unique_constraint(
            "uq_quarantined_entry_staff_id_repeat_key", ["staff_id", "repeat_key"]
        )
        batch.create_index(
            "ix_quarantined_entry_staff_fingerprint", ["staff_id", "fingerprint"], unique=False
        )


def downgrade():
    with op.batch_alter_table("quarantined_entry") as batch:
        batch.drop_index("ix_quarantined_entry_staff_fingerprint")
        batch.drop_constraint("uq_quarantined_entry_staff_id_repeat_key", type_="unique")
        batch.drop_column("last_received_at")
        batch.drop_column("repeats")
        batch.drop_column("repeat_key")
        batch.drop_column("fingerprint")
