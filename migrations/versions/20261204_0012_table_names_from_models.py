"""table names follow their models: a table is its model class in snake_case

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 23:00:00

The desk's tables had Dutch names while their models (and every other table) are English
(docs/architecture.md, "Naming"). Twelve tables are renamed, and with them the names of their
primary keys, foreign keys, unique constraints and indexes, which the naming convention derives
from the table name. Data is kept as it is.

PostgreSQL renames in place. SQLite cannot rename a constraint, so each table is rebuilt under
its new name from its own stored definition (the procedure SQLite documents for changes ALTER
TABLE cannot make): create, copy every row, recreate the indexes, and drop the old table last.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Old name -> new name, parents before the tables that refer to them.
RENAMES = {
    "casus_status": "case_status_change",
    "casus_notitie": "case_note",
    "gespreksverslag": "conversation_report",
    "oudercontact": "parent_call",
    "oudercontact_poging": "call_attempt",
    "huisbezoek": "home_visit",
    "nablijfklas": "detention_session",
    "nablijfklas_leerling": "detention_attendance",
    "overdrachtsmoment": "handover_slot",
    "overdracht": "handover",
    "bureau_triage": "entry_triage",
    "floor_quarantine": "quarantined_entry",
}
PREFIXES = ("pk", "fk", "uq", "ix", "ck")


def renamed_constraint(name: str, table: str, tables: dict[str, str]) -> str:
    """A constraint or index name of ``table`` with its table names mapped by ``tables``:
    ``fk_<table>_<column>_<referred table>``, ``ix_<table>_<column>``, ``pk_<table>`` ..."""
    for prefix in PREFIXES:
        head = f"{prefix}_{table}"
        if name == head:
            return f"{prefix}_{tables.get(table, table)}"
        if name.startswith(head + "_"):
            rest = name[len(head) + 1 :]
            if prefix == "fk":
                for referred in sorted(tables, key=len, reverse=True):
                    if rest.endswith("_" + referred):
                        rest = rest[: -len(referred)] + tables[referred]
                        break
            return f"{prefix}_{tables.get(table, table)}_{rest}"
    return name


def upgrade() -> None:
    _rename(RENAMES)


def downgrade() -> None:
    _rename({new: old for old, new in RENAMES.items()})


def _rename(tables: dict[str, str]) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _rename_postgresql(bind, tables)
    else:
        _rename_sqlite(bind, tables)


def _rename_postgresql(bind: sa.engine.Connection, tables: dict[str, str]) -> None:
    for old, new in tables.items():
        op.rename_table(old, new)
        op.execute(f'ALTER SEQUENCE IF EXISTS "{old}_id_seq" RENAME TO "{new}_id_seq"')
    # Every table's constraints: a foreign key of an unrenamed table names the table it refers to.
    rows = bind.execute(
        sa.text(
            "SELECT c.conname, t.relname FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema()"
        )
    ).all()
    old_of = {new: old for old, new in tables.items()}
    for name, table in rows:
        target = renamed_constraint(name, old_of.get(table, table), tables)
        if target != name:
            op.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{name}" TO "{target}"')
    # Indexes that back no constraint (those were renamed with their constraint above).
    indexes = bind.execute(
        sa.text("SELECT indexname, tablename FROM pg_indexes WHERE schemaname = current_schema()")
    ).all()
    for name, table in indexes:
        target = renamed_constraint(name, old_of.get(table, table), tables)
        if target != name:
            op.execute(f'ALTER INDEX "{name}" RENAME TO "{target}"')


def _rename_sqlite(bind: sa.engine.Connection, tables: dict[str, str]) -> None:
    def stored(kind: str, table: str) -> list[tuple[str, str]]:
        return [
            (name, sql)
            for name, sql in bind.execute(
                sa.text(
                    "SELECT name, sql FROM sqlite_master WHERE type = :kind AND tbl_name = :table"
                ),
                {"kind": kind, "table": table},
            )
            if sql  # an index SQLite made itself for a UNIQUE constraint has no SQL
        ]

    for old, new in tables.items():
        ((_name, create),) = stored("table", old)
        create = re.sub(rf'^CREATE TABLE "?{old}"? ', f"CREATE TABLE {new} ", create)
        create = re.sub(
            r"CONSTRAINT (\w+)",
            lambda m, table=old: f"CONSTRAINT {renamed_constraint(m.group(1), table, tables)}",
            create,
        )
        create = re.sub(
            r'REFERENCES "?(\w+)"? \(',
            lambda m: f"REFERENCES {tables.get(m.group(1), m.group(1))} (",
            create,
        )
        op.execute(create)
        op.execute(f'INSERT INTO {new} SELECT * FROM "{old}"')  # noqa: S608 - fixed names
        for name, sql in stored("index", old):
            target = renamed_constraint(name, old, tables)
            sql = sql.replace(f"INDEX {name} ON {old} ", f"INDEX {target} ON {new} ", 1)
            op.execute(f'DROP INDEX "{name}"')
            op.execute(sql)
    # The tables that refer to others last, so no row loses what it refers to on the way.
    for old in reversed(list(tables)):
        op.execute(f'DROP TABLE "{old}"')
