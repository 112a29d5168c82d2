"""report tallies: floor entries counted per location and UTC hour (by kind, and by zone), kept
by the database in the same transaction as every write; unauthorised absence hours per student
and day beside the stored day figures; an index for the observations marked for the report

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-05 07:00:00

The school-year report of a board (24,000 students, 1.5 million floor entries) spent its time
scanning every floor entry of the year several times and decoding every student's stored day
figures (docs/benchmarks.md, issue 24). The tallies make both a scan of a few thousand rows.

Never stale by construction: triggers on ``floor_entry`` keep the floor tallies for every
INSERT, UPDATE and DELETE, whoever issues it (the ORM, Core bulk statements, cascades), inside
the writing transaction. On PostgreSQL they are statement triggers over the transition tables
that upsert the statement's changes in key order, so two concurrent batches never wait on each
other's tally rows in opposite orders. ``absence_unauthorised_day`` is written by
``app.absence.figures`` together with ``absence_figures`` and cascades with the student.

SQLite: a later ``batch_alter_table("floor_entry")`` recreates the table and drops its
triggers; such a migration must create them again (``create_floor_triggers`` below;
tests/integration/reports/test_report_tallies.py fails otherwise).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

# The tally keys; severity and outcome are '' when the entry has none (a NULL would make every
# row distinct to ON CONFLICT).
KIND_KEY = "location_id, hour, kind, severity, outcome"
ZONE_KEY = "location_id, hour, zone_id"

SQLITE_HOUR = "CAST(strftime('%s', {row}.occurred_at) AS INTEGER) / 3600"
POSTGRES_HOUR = "CAST(floor(extract(epoch FROM {row}.occurred_at) / 3600) AS INTEGER)"


def _kind_values(row: str, hour: str, sign: str) -> str:
    return (
        f"{row}.location_id, {hour.format(row=row)}, {row}.kind, COALESCE({row}.severity, ''), "
        f"COALESCE({row}.outcome, ''), {sign}1, {sign}COALESCE({row}.head_count, 0)"
    )


def _zone_values(row: str, hour: str, sign: str) -> str:
    return f"{row}.location_id, {hour.format(row=row)}, {row}.zone_id, {sign}1"


def _sqlite_triggers() -> list[str]:
    def add(row: str, sign: str) -> str:
        return (
            f"INSERT INTO floor_tally ({KIND_KEY}, entries, heads) "  # noqa: S608 - fixed SQL
            f"VALUES ({_kind_values(row, SQLITE_HOUR, sign)}) "
            f"ON CONFLICT ({KIND_KEY}) DO UPDATE SET entries = entries + excluded.entries, "
            "heads = heads + excluded.heads;\n"
            f"INSERT INTO floor_zone_tally ({ZONE_KEY}, entries) "
            f"VALUES ({_zone_values(row, SQLITE_HOUR, sign)}) "
            f"ON CONFLICT ({ZONE_KEY}) DO UPDATE SET entries = entries + excluded.entries;\n"
        )

    counted = "location_id, occurred_at, kind, severity, outcome, head_count, zone_id"
    return [
        f"CREATE TRIGGER floor_tally_insert AFTER INSERT ON floor_entry BEGIN\n{add('NEW', '')}END",
        f"CREATE TRIGGER floor_tally_delete AFTER DELETE ON floor_entry BEGIN\n"
        f"{add('OLD', '-')}END",
        f"CREATE TRIGGER floor_tally_update AFTER UPDATE OF {counted} ON floor_entry BEGIN\n"
        f"{add('OLD', '-')}{add('NEW', '')}END",
    ]


def _postgres_upserts(rows: str) -> str:
    """The two tally upserts for the signed rows of a statement (a subquery ``rows`` over
    the transition tables), in key order: concurrent writers lock tally rows in one order."""
    return f"""
        INSERT INTO floor_tally AS t ({KIND_KEY}, entries, heads)
        SELECT {KIND_KEY}, sum(entries), sum(heads) FROM ({rows}) AS d
        GROUP BY {KIND_KEY} HAVING sum(entries) <> 0 OR sum(heads) <> 0 ORDER BY {KIND_KEY}
        ON CONFLICT ({KIND_KEY}) DO UPDATE
        SET entries = t.entries + excluded.entries, heads = t.heads + excluded.heads;
        INSERT INTO floor_zone_tally AS t ({ZONE_KEY}, entries)
        SELECT {ZONE_KEY}, sum(entries) FROM ({rows}) AS d
        GROUP BY {ZONE_KEY} HAVING sum(entries) <> 0 ORDER BY {ZONE_KEY}
        ON CONFLICT ({ZONE_KEY}) DO UPDATE SET entries = t.entries + excluded.entries;"""  # noqa: S608


def _postgres_rows(table: str, sign: str) -> str:
    row = table[0]
    return (
        f"SELECT {row}.location_id, {POSTGRES_HOUR.format(row=row)} AS hour, {row}.kind, "  # noqa: S608
        f"COALESCE({row}.severity, '') AS severity, COALESCE({row}.outcome, '') AS outcome, "
        f"{row}.zone_id, {sign}1 AS entries, {sign}COALESCE({row}.head_count, 0) AS heads "
        f"FROM {table} AS {row}"
    )


POSTGRES_FUNCTION = f"""
CREATE FUNCTION floor_tally_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN{_postgres_upserts(_postgres_rows("new_rows", ""))}
    ELSIF TG_OP = 'DELETE' THEN{_postgres_upserts(_postgres_rows("old_rows", "-"))}
    ELSE{
    _postgres_upserts(
        _postgres_rows("new_rows", "") + " UNION ALL " + _postgres_rows("old_rows", "-")
    )
}
    END IF;
    RETURN NULL;
END
$$
"""


def _postgres_triggers() -> list[str]:
    return [
        POSTGRES_FUNCTION,
        "CREATE TRIGGER floor_tally_insert AFTER INSERT ON floor_entry "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION floor_tally_change()",
        "CREATE TRIGGER floor_tally_delete AFTER DELETE ON floor_entry "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION floor_tally_change()",
        "CREATE TRIGGER floor_tally_update AFTER UPDATE ON floor_entry "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION floor_tally_change()",
    ]


def create_floor_triggers() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _postgres_triggers() if postgres else _sqlite_triggers():
        op.execute(statement)


def drop_floor_triggers() -> None:
    for name in ("floor_tally_insert", "floor_tally_delete", "floor_tally_update"):
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON floor_entry")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS floor_tally_change()")


def _location_column() -> sa.Column:
    return sa.Column(
        "location_id",
        sa.Integer,
        sa.ForeignKey("location.id", ondelete="CASCADE"),
        primary_key=True,
    )


def upgrade():
    op.create_table(
        "floor_tally",
        _location_column(),
        sa.Column("hour", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("severity", sa.String(10), primary_key=True),
        sa.Column("outcome", sa.String(20), primary_key=True),
        sa.Column("entries", sa.Integer, nullable=False),
        sa.Column("heads", sa.Integer, nullable=False),
    )
    op.create_table(
        "floor_zone_tally",
        _location_column(),
        sa.Column("hour", sa.Integer, primary_key=True),
        sa.Column(
            "zone_id", sa.Integer, sa.ForeignKey("zone.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("entries", sa.Integer, nullable=False),
    )
    op.create_table(
        "absence_unauthorised_day",
        sa.Column(
            "student_id",
            sa.Integer,
            sa.ForeignKey("student.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("hours", sa.Float, nullable=False),
    )
    op.create_index("ix_absence_unauthorised_day_day", "absence_unauthorised_day", ["day"])
    # The report's observations ("voor rapportage"): found from the marks, not by reading every
    # floor entry of the period (SQLite's planner took the latter: 1.5 million rows at 10×).
    op.create_index("ix_entry_triage_for_report", "entry_triage", ["for_report", "entry_id"])
    postgres = op.get_bind().dialect.name == "postgresql"
    hour = (POSTGRES_HOUR if postgres else SQLITE_HOUR).format(row="e")
    op.execute(
        f"INSERT INTO floor_tally ({KIND_KEY}, entries, heads) "  # noqa: S608 - fixed SQL
        f"SELECT e.location_id, {hour}, e.kind, COALESCE(e.severity, ''), "
        "COALESCE(e.outcome, ''), count(*), COALESCE(sum(e.head_count), 0) FROM floor_entry e "
        "GROUP BY 1, 2, 3, 4, 5"
    )
    op.execute(
        f"INSERT INTO floor_zone_tally ({ZONE_KEY}, entries) "  # noqa: S608 - fixed SQL
        f"SELECT e.location_id, {hour}, e.zone_id, count(*) FROM floor_entry e GROUP BY 1, 2, 3"
    )
    create_floor_triggers()
    _rebuild_figures_later()


def _rebuild_figures_later() -> None:
    """The unauthorised days are written with the stored day figures: mark those out of date,
    so the next import or evaluation (the nightly ``flask signals`` at the latest) rebuilds them
    and the days with them. Until then the report counts from the registrations, as it does
    whenever the figures' basis does not hold. Not read here: the figures' stored form changes
    with the same release, and a migration should not depend on either form."""
    basis = sa.table("absence_figures_basis", sa.column("fingerprint", sa.String))
    op.get_bind().execute(basis.update().values(fingerprint=""))


def downgrade():
    drop_floor_triggers()
    op.drop_index("ix_entry_triage_for_report", table_name="entry_triage")
    op.drop_index("ix_absence_unauthorised_day_day", table_name="absence_unauthorised_day")
    op.drop_table("absence_unauthorised_day")
    op.drop_table("floor_zone_tally")
    op.drop_table("floor_tally")
