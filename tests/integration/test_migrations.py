"""The migrations on a database of their own: the schema they build equals the models', and the
renaming migrations keep every row, up and down (on SQLite and PostgreSQL alike)."""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import bindparam, create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from app import create_app
from app.auth.services import find_user_by_email
from app.core.localtime import local_today
from app.core.name_search import search_key
from app.demo.seed import seed_demo
from app.desk.cases.services import add_note
from app.desk.conversations.services import ReportInput, create_report
from app.extensions import db
from app.floor.services import accept_entries
from app.models import Casus, FloorEntry, User
from tests.db_helpers import SCRATCH_DIR

# Revision 0012 renamed these tables (old name -> new name).
RENAMED = {
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


@pytest.fixture
def own_database(database_url: str) -> Iterator[str]:
    """An empty database next to the suite's (the suite's stays migrated to the head)."""
    if database_url.startswith("sqlite"):
        with tempfile.TemporaryDirectory(
            prefix="schoolfit-migrations-", dir=SCRATCH_DIR
        ) as directory:
            yield f"sqlite:///{Path(directory) / 'migrations.db'}"
        return
    server = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS schoolfit_migrations"))
        connection.execute(text("CREATE DATABASE schoolfit_migrations"))
    yield make_url(database_url).set(database="schoolfit_migrations").render_as_string(False)
    with server.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS schoolfit_migrations WITH (FORCE)"))
    server.dispose()


@pytest.fixture
def migrating_app(own_database: str) -> Iterator[Flask]:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=own_database)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def schema_differences() -> list[object]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, db.metadata))


def row_counts(tables: list[str]) -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            table: connection.execute(
                select(func.count()).select_from(text(f'"{table}"'))
            ).scalar_one()
            for table in tables
        }


def constraint_and_index_names() -> set[tuple[str, str]]:
    """(table, name) of every constraint and index the database holds."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            constraints = connection.execute(
                text(
                    "SELECT t.relname, c.conname FROM pg_constraint c "
                    "JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname IN :tables"
                ).bindparams(bindparam("tables", expanding=True)),
                {"tables": [t.name for t in db.metadata.sorted_tables]},
            ).all()
            indexes = connection.execute(
                text("SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'")
            ).all()
            return {(table, name) for table, name in [*constraints, *indexes]}
        found: set[tuple[str, str]] = set()
        rows = connection.execute(text("SELECT type, name, tbl_name, sql FROM sqlite_master"))
        for kind, name, table, sql in rows:
            if kind == "index" and not name.startswith("sqlite_autoindex"):
                found.add((table, name))
            found.update((table, c) for c in re.findall(r"CONSTRAINT (\w+)", sql or ""))
        return found


def add_desk_work() -> None:
    """What the demo leaves out: a worked-out entry (its triage refers to the report), a case
    note and a quarantined entry."""
    staff = find_user_by_email("medewerker@demo.schoolfit.nl")
    entry = db.session.scalars(
        select(FloorEntry).where(FloorEntry.staff_id == staff.id, FloorEntry.students.any())
    ).first()
    student = entry.students[0]
    report = ReportInput(
        held_on=local_today(), with_whom=["leerling"], with_other="", topics=["gedrag"], summary="x"
    )
    create_report(staff, student, report, entry=entry)
    case = db.session.scalars(select(Casus)).first()
    add_note(db.session.get(User, case.owner_id), case, "een notitie")
    accept_entries(staff, [{"uuid": str(uuid.uuid4()), "kind": "onbekend"}])


def test_the_migrated_schema_equals_the_models(migrating_app: Flask) -> None:
    """Tables, columns, types, indexes and constraints: what Alembic would generate is nothing."""
    upgrade(revision="head")
    assert schema_differences() == []


def test_renaming_the_desk_tables_keeps_every_row_both_ways(migrating_app: Flask) -> None:
    upgrade(revision="head")
    seed_demo()  # cases, reports, calls, visits, detention, handovers through the services
    add_desk_work()
    db.session.commit()
    before = row_counts(list(RENAMED.values()))
    assert all(before.values()), before

    downgrade(revision="0011")
    db.session.remove()
    names = set(inspect(db.engine).get_table_names())
    assert set(RENAMED) <= names and not set(RENAMED.values()) & names
    assert row_counts(list(RENAMED)) == {old: before[new] for old, new in RENAMED.items()}

    upgrade(revision="head")
    db.session.remove()
    assert row_counts(list(RENAMED.values())) == before
    assert schema_differences() == []
    # Each name starts with its own table's (the naming convention), none with a former name.
    misnamed = {
        (table, name)
        for table, name in constraint_and_index_names()
        if table != "alembic_version" and not re.match(rf"(pk|fk|uq|ix|ck)_{table}(_|$)", name)
    }
    assert misnamed == set()
    # The foreign keys still hold: every attempt belongs to a call, every triage to its report.
    with db.engine.connect() as connection:
        orphans = connection.execute(
            text(
                "SELECT count(*) FROM call_attempt a LEFT JOIN parent_call c ON c.id = a.call_id "
                "WHERE c.id IS NULL"
            )
        ).scalar_one()
    assert orphans == 0


def test_the_sessions_migration_keeps_the_accounts_and_what_refers_to_them(
    migrating_app: Flask,
) -> None:
    """Revision 0015 drops two columns of ``user``, which most tables refer to (locations of
    users, audit events, deliveries...): up and down, every row stays."""
    upgrade(revision="head")
    seed_demo()
    db.session.commit()
    tables = ["user", "user_location", "floor_entry", "casus", "audit_event"]

    def counts() -> dict[str, int]:
        with db.engine.connect() as connection:
            audited = connection.execute(
                text("SELECT count(*) FROM audit_event WHERE user_id IS NOT NULL")
            ).scalar_one()
        return {**row_counts(tables), "audited": audited}

    before = counts()
    assert all(before.values()), before
    downgrade(revision="0012")
    db.session.remove()
    assert counts() == before
    upgrade(revision="head")
    db.session.remove()
    assert counts() == before
    assert schema_differences() == []


def _demo_down_to(revision: str) -> None:
    """The demo seeded on the head's schema, then the schema taken down to ``revision`` (for a
    data migration's test to set up what it finds there)."""
    upgrade(revision="head")
    seed_demo()
    db.session.commit()
    downgrade(revision=revision)
    db.session.remove()


def test_a_running_schools_desk_places_leave_the_floor(migrating_app: Flask) -> None:
    """Revision 0028: the zones a running school already has for a home visit or a phone call
    become desk-only; every other zone stays on the floor."""
    _demo_down_to("0027")
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE zone SET name = ' Huisbezoek' WHERE name = 'huisbezoek'"))
    upgrade(revision="head")
    db.session.remove()
    with db.engine.connect() as connection:
        rows = connection.execute(text("SELECT name, on_floor FROM zone")).all()
    desk_only = {name.strip().lower() for name, on_floor in rows if not on_floor}
    assert desk_only == {"huisbezoek", "telefonisch"}
    assert any(on_floor for name, on_floor in rows if name == "aula")


def test_the_students_already_there_get_their_search_key(migrating_app: Flask) -> None:
    """Revision 0029: every student already in the database is found by the folded name."""
    _demo_down_to("0028")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE student SET first_name = 'Éloïse', tussenvoegsel = 'van den', "
                "last_name = 'Heuvel' WHERE id = (SELECT MIN(id) FROM student)"
            )
        )
    upgrade(revision="head")
    db.session.remove()
    with db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT first_name, tussenvoegsel, last_name, search_key FROM student")
        ).all()
    assert len(rows) >= 100
    assert all(key == search_key(first, tv, last) for first, tv, last, key in rows)
    assert " eloise van den heuvel vandenheuvel " in {key for *_, key in rows}


def test_the_marks_for_the_report_already_there_are_kept_for_its_ranking(
    migrating_app: Flask,
) -> None:
    """Revision 0032: every entry already marked "voor rapportage" gets its row in
    ``report_mark`` (its location, theme and time), and none other; marks set later follow."""
    _demo_down_to("0031")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO entry_triage (entry_id, close_reason, for_report, for_teamleider) "
                "SELECT id, '', id % 3 = 0, false FROM floor_entry "
                "WHERE id NOT IN (SELECT entry_id FROM entry_triage)"
            )
        )
    upgrade(revision="head")
    db.session.remove()
    marked = (
        "SELECT e.id, e.location_id, COALESCE(e.topic, e.kind), e.occurred_at FROM floor_entry e "
        "JOIN entry_triage t ON t.entry_id = e.id WHERE t.for_report"
    )
    kept = "SELECT entry_id, location_id, theme, occurred_at FROM report_mark"
    with db.engine.connect() as connection:
        expected = set(connection.execute(text(marked)).all())
        assert len(expected) >= 20
        assert set(connection.execute(text(kept)).all()) == expected
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE entry_triage SET for_report = NOT for_report"))
    with db.engine.connect() as connection:
        assert set(connection.execute(text(kept)).all()) == set(
            connection.execute(text(marked)).all()
        )


def test_a_database_with_signals_keeps_its_evaluation_day(migrating_app: Flask) -> None:
    """Revision 0033: the signals' newest evaluation day becomes one evaluation of every
    location, so the list keeps saying "Berekend per …" that day; none without signals."""
    _demo_down_to("0032")
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE absence_signal SET evaluated_on = '2026-09-18'"))
        connection.execute(
            text(
                "UPDATE absence_signal SET evaluated_on = '2026-10-02' "
                "WHERE id = (SELECT MIN(id) FROM absence_signal)"
            )
        )
    upgrade(revision="head")
    db.session.remove()
    kept = "SELECT as_of, location_id, partial, students FROM absence_evaluation"
    with db.engine.connect() as connection:
        rows = connection.execute(text(kept)).all()
        active = connection.execute(text("SELECT COUNT(*) FROM student WHERE active")).scalar()
    assert [(str(r.as_of), r.location_id, bool(r.partial), r.students) for r in rows] == [
        ("2026-10-02", None, False, active)
    ]
    downgrade(revision="0032")
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM absence_signal"))
    upgrade(revision="head")
    with db.engine.connect() as connection:
        assert connection.execute(text(kept)).all() == []
