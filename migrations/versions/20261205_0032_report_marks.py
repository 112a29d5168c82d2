"""report marks: the floor entries marked "voor rapportage" with their location, theme and time,
kept by the database in the same transaction as every change of an entry or its mark, so the
report ranks the marks without reading the floor entries

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-05 15:00:00

The school-year report of a board ranks the year's marked observations per location and theme
(75,000 of 1.5 million floor entries at 10×) and lists the most recent of each
(docs/benchmarks.md, issue 24). Joined from ``entry_triage`` to ``floor_entry`` that ranking was
the report's largest statement; ``report_mark`` holds what it needs, in one index.

Never stale by construction, like the tallies of 0030: triggers on ``entry_triage`` (a mark set,
removed or moved, whoever writes it) and on ``floor_entry`` (its location, time, kind or topic
changed) change ``report_mark`` inside the writing transaction; a deleted entry takes its mark
with it (ON DELETE CASCADE, and the triage's own cascade). On PostgreSQL the mark's copy of the
entry is read ``FOR SHARE``: an entry changed by another transaction meanwhile is waited for
and read as committed, so the two triggers never miss each other's write.

SQLite: a later ``batch_alter_table`` of ``floor_entry`` or ``entry_triage`` recreates the table
and drops its triggers; such a migration must create them again (``create_mark_triggers``;
tests/integration/reports/test_report_marks.py fails otherwise).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

COLUMNS = "entry_id, location_id, theme, occurred_at"
# A mark's values from its floor entry ``e``: the theme is the topic when there is one, else
# the kind (the report's theme; topics and kinds have no value in common).
FROM_ENTRY = "e.id, e.location_id, COALESCE(e.topic, e.kind), e.occurred_at"
# Backfilled this many marks per statement.
BATCH = 10_000

SQLITE_TRIGGERS = [
    # Unconditional: an INSERT OR REPLACE of a triage row deletes the old row without its
    # DELETE trigger, so the insert clears whatever mark the entry had.
    f"""CREATE TRIGGER report_mark_insert AFTER INSERT ON entry_triage BEGIN
    DELETE FROM report_mark WHERE entry_id = NEW.entry_id;
    INSERT INTO report_mark ({COLUMNS}) SELECT {FROM_ENTRY} FROM floor_entry e
    WHERE e.id = NEW.entry_id AND NEW.for_report;
END""",  # noqa: S608 - fixed SQL
    f"""CREATE TRIGGER report_mark_update AFTER UPDATE OF entry_id, for_report ON entry_triage
BEGIN
    DELETE FROM report_mark WHERE entry_id IN (OLD.entry_id, NEW.entry_id);
    INSERT INTO report_mark ({COLUMNS}) SELECT {FROM_ENTRY} FROM floor_entry e
    WHERE e.id = NEW.entry_id AND NEW.for_report;
END""",  # noqa: S608 - fixed SQL
    """CREATE TRIGGER report_mark_delete AFTER DELETE ON entry_triage BEGIN
    DELETE FROM report_mark WHERE entry_id = OLD.entry_id;
END""",
    """CREATE TRIGGER report_mark_entry AFTER UPDATE OF location_id, occurred_at, kind, topic
ON floor_entry BEGIN
    UPDATE report_mark SET location_id = NEW.location_id, theme = COALESCE(NEW.topic, NEW.kind),
    occurred_at = NEW.occurred_at WHERE entry_id = OLD.id;
END""",
]

POSTGRES_TRIGGERS = [
    f"""CREATE FUNCTION report_mark_of_triage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM report_mark WHERE entry_id = OLD.entry_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.for_report THEN
        INSERT INTO report_mark AS m ({COLUMNS})
        SELECT {FROM_ENTRY} FROM floor_entry e WHERE e.id = NEW.entry_id FOR SHARE
        ON CONFLICT (entry_id) DO UPDATE SET location_id = excluded.location_id,
            theme = excluded.theme, occurred_at = excluded.occurred_at;
    END IF;
    RETURN NULL;
END
$$""",  # noqa: S608 - fixed SQL
    """CREATE FUNCTION report_mark_of_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE report_mark SET location_id = NEW.location_id, theme = COALESCE(NEW.topic, NEW.kind),
        occurred_at = NEW.occurred_at
    WHERE entry_id = NEW.id;
    RETURN NULL;
END
$$""",
    "CREATE TRIGGER report_mark_insert AFTER INSERT ON entry_triage FOR EACH ROW "
    "WHEN (NEW.for_report) EXECUTE FUNCTION report_mark_of_triage()",
    "CREATE TRIGGER report_mark_update AFTER UPDATE OF entry_id, for_report ON entry_triage "
    "FOR EACH ROW WHEN (OLD.for_report OR NEW.for_report) "
    "EXECUTE FUNCTION report_mark_of_triage()",
    "CREATE TRIGGER report_mark_delete AFTER DELETE ON entry_triage FOR EACH ROW "
    "WHEN (OLD.for_report) EXECUTE FUNCTION report_mark_of_triage()",
    "CREATE TRIGGER report_mark_entry AFTER UPDATE OF location_id, occurred_at, kind, topic "
    "ON floor_entry FOR EACH ROW WHEN (OLD.location_id IS DISTINCT FROM NEW.location_id "
    "OR OLD.occurred_at IS DISTINCT FROM NEW.occurred_at OR OLD.kind IS DISTINCT FROM NEW.kind "
    "OR OLD.topic IS DISTINCT FROM NEW.topic) EXECUTE FUNCTION report_mark_of_entry()",
]

TRIGGERS = {
    "report_mark_insert": "entry_triage",
    "report_mark_update": "entry_triage",
    "report_mark_delete": "entry_triage",
    "report_mark_entry": "floor_entry",
}


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def create_mark_triggers() -> None:
    for statement in POSTGRES_TRIGGERS if _postgres() else SQLITE_TRIGGERS:
        op.execute(statement)


def drop_mark_triggers() -> None:
    for name, table in TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if _postgres() else ""))
    if _postgres():
        op.execute("DROP FUNCTION IF EXISTS report_mark_of_triage()")
        op.execute("DROP FUNCTION IF EXISTS report_mark_of_entry()")


def _backfill() -> None:
    """The marks already there, in batches of ``BATCH`` in the order of their entries (found
    from the index ``entry_triage (for_report, entry_id)``)."""
    connection = op.get_bind()
    after = 0
    while True:
        bound = connection.execute(
            sa.text(
                "SELECT entry_id FROM entry_triage WHERE for_report AND entry_id > :after "
                "ORDER BY entry_id LIMIT 1 OFFSET :skip"
            ),
            {"after": after, "skip": BATCH - 1},
        ).scalar()
        upto = "" if bound is None else " AND t.entry_id <= :upto"
        connection.execute(
            sa.text(
                f"INSERT INTO report_mark ({COLUMNS}) SELECT {FROM_ENTRY} "  # noqa: S608
                "FROM entry_triage t JOIN floor_entry e ON e.id = t.entry_id "
                f"WHERE t.for_report AND t.entry_id > :after{upto}"
            ),
            {"after": after, "upto": bound},
        )
        if bound is None:
            return
        after = bound


def upgrade() -> None:
    op.create_table(
        "report_mark",
        sa.Column(
            "entry_id",
            sa.Integer,
            sa.ForeignKey("floor_entry.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("location_id", sa.Integer, nullable=False),
        sa.Column("theme", sa.String(30), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_report_mark_ranking",
        "report_mark",
        ["location_id", "theme", "occurred_at", "entry_id"],
    )
    create_mark_triggers()
    _backfill()


def downgrade() -> None:
    drop_mark_triggers()
    op.drop_index("ix_report_mark_ranking", table_name="report_mark")
    op.drop_table("report_mark")
