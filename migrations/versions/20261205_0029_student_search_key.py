"""student search key: the name folded for the floor's and the desk's search (no accents, lower
case, the tussenvoegsel in any position)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05 03:30:00

The column is filled for the students already there, in batches; from then on the model fills
it on every write (app/models/student.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.core.name_search import SEARCH_KEY_MAX, search_key

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    with op.batch_alter_table("student") as batch:
        batch.add_column(
            sa.Column("search_key", sa.String(SEARCH_KEY_MAX), nullable=False, server_default="")
        )
    student = sa.table(
        "student",
        sa.column("id", sa.Integer),
        sa.column("first_name", sa.String),
        sa.column("tussenvoegsel", sa.String),
        sa.column("last_name", sa.String),
        sa.column("search_key", sa.String),
    )
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(student.c.id, student.c.first_name, student.c.tussenvoegsel, student.c.last_name)
            .where(student.c.id > last_id)
            .order_by(student.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            student.update()
            .where(student.c.id == sa.bindparam("student_id"))
            .values(search_key=sa.bindparam("key")),
            [
                {"student_id": r.id, "key": search_key(r.first_name, r.tussenvoegsel or "", r.last_name)}
                for r in rows
            ],
        )
        last_id = rows[-1].id


def downgrade():
    with op.batch_alter_table("student") as batch:
        batch.drop_column("search_key")
