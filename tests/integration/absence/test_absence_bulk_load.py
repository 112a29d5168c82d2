"""A board's first absence load with ``--bulk-load`` (issue 24, app/core/bulk_load.py): on
PostgreSQL the table's foreign keys and indexes are set aside for the insert and made again in
the same transaction. It stores exactly what the usual import stores; afterwards the table has
the same keys and indexes as before; a row that breaks a key still makes the whole load fail;
a table that is in use or not empty, or SQLite, gets the usual import and the summary says
why."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import Connection, select, text
from sqlalchemy.exc import IntegrityError

import app.core.bulk_load as bulk_load
from app.absence.importer import import_absence
from app.core.bulk_load import checks_set_aside
from app.exceptions import DomainError
from app.extensions import db
from app.models import AbsenceRecord, Student
from tests.absence_helpers import magister_csv
from tests.absence_import_helpers import (
    AS_OF,
    assert_figures_equal_a_rebuild,
    clear,
    day_rows,
    figures,
    school_days,
    stored_rows,
)

TABLE = "absence_record"


def on_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def definitions() -> list[tuple[str, str]]:
    """The table's constraints and indexes, by name, as PostgreSQL defines them."""
    connection = db.session.connection()
    constraints = connection.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = to_regclass(:t)"
        ),
        {"t": TABLE},
    ).all()
    indexes = connection.execute(
        text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :t"), {"t": TABLE}
    ).all()
    return sorted((str(name), str(definition)) for name, definition in [*constraints, *indexes])


def bulk_imported(rows: list[str]) -> object:
    result = import_absence(magister_csv(*rows), "jaar.csv", as_of=AS_OF, bulk_load=True)
    db.session.commit()
    return result


def test_a_bulk_load_stores_what_the_usual_import_stores(pupils: list[Student]) -> None:
    rows = day_rows(pupils, school_days(4))
    before = definitions() if on_postgresql() else []
    outcomes = []
    for bulk in (False, True):
        clear()
        result = import_absence(magister_csv(*rows), "jaar.csv", as_of=AS_OF, bulk_load=bulk)
        db.session.commit()
        assert result.inserted == len(rows)
        outcomes.append((stored_rows(), figures()))
        assert_figures_equal_a_rebuild()
        if not bulk:
            assert result.bulk_load_declined is None
            assert "bulk-load" not in result.summary()
        elif on_postgresql():
            assert result.bulk_load_declined == ""
            assert "snelle eerste import" in result.summary()
            assert definitions() == before
        else:
            assert "niet met --bulk-load: alleen op PostgreSQL" in result.summary()
    assert outcomes[0] == outcomes[1]


def test_a_table_with_absence_gets_the_usual_import(pupils: list[Student]) -> None:
    days = school_days(6)
    bulk_imported(day_rows(pupils, days[:3]))
    # New days (nothing can clash: the plain insert) and the same file again (the upsert).
    for rows in (day_rows(pupils, days[3:]), day_rows(pupils, days[3:])):
        result = import_absence(magister_csv(*rows), "later.csv", as_of=AS_OF, bulk_load=True)
        db.session.commit()
        assert result.bulk_load_declined
        reason = "alleen op PostgreSQL" if not on_postgresql() else "al verzuim"
        assert reason in result.summary()
    assert len(stored_rows()) == 2 * len(day_rows(pupils, days[:3]))
    assert_figures_equal_a_rebuild()


@pytest.fixture
def postgresql_only(app: Flask) -> None:
    if not on_postgresql():
        pytest.skip("the bulk load sets keys and indexes aside on PostgreSQL only")


@pytest.mark.usefixtures("postgresql_only")
@pytest.mark.parametrize(
    ("broken", "refusal"),
    [("foreign key", "violates foreign key"), ("natural key", "could not create unique index")],
)
def test_a_row_that_breaks_a_key_fails_the_load_and_the_checks_stay(
    pupils: list[Student],
    broken: str,
    refusal: str,
) -> None:
    before = definitions()
    connection = db.session.connection()
    # No such student; or a pupil's lesson twice.
    students = [max(p.id for p in pupils) + 1000] if broken == "foreign key" else [pupils[0].id] * 2
    with (  # noqa: PT012
        pytest.raises(IntegrityError, match=refusal),
        checks_set_aside(connection, TABLE) as set_aside,
    ):
        assert set_aside.foreign_keys and set_aside.constraint_indexes
        assert set_aside.indexes  # ix_absence_record_day
        left = {name for name, _ in definitions()}
        assert "pk_absence_record" in left and "ck_absence_record_order" in left
        assert not left & {name for name, _ in set_aside.foreign_keys + set_aside.indexes}
        assert not left & {name for name, _ in set_aside.constraint_indexes}
        connection.execute(
            text(
                "INSERT INTO absence_record (student_id, day, slot, kind, last_day,"
                " code, description, category, authorised, source, imported_at)"
                " VALUES (:s, '2026-09-14', 'L1', 'afwezig', '2026-09-14', 'O', '',"
                " 'ongeoorloofd', false, 'magister', now())"
            ),
            [{"s": student} for student in students],
        )
    db.session.rollback()
    assert definitions() == before
    assert db.session.scalar(select(AbsenceRecord.id)) is None


@pytest.fixture
def student_table_in_use(app: Flask) -> Iterator[Connection]:
    """Another transaction that has read the student table and is still open."""
    other = db.engine.connect()
    other.begin()
    other.execute(select(Student.id).limit(1)).all()
    try:
        yield other
    finally:
        other.rollback()
        other.close()


@pytest.mark.usefixtures("postgresql_only")
def test_a_load_that_would_wait_for_requests_is_refused_and_nothing_is_kept(
    pupils: list[Student],
    student_table_in_use: Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bulk_load, "LOCK_WAIT", "300ms")
    before = definitions()
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        bulk_imported(day_rows(pupils, school_days(2)))
    db.session.rollback()
    assert "buiten schooltijd" in refused.value.message
    assert definitions() == before
    assert stored_rows() == []
    # Once the other transaction has ended, the same load goes through.
    student_table_in_use.rollback()
    result = bulk_imported(day_rows(pupils, school_days(2)))
    assert result.bulk_load_declined == ""  # type: ignore[attr-defined]


def test_the_command_line_loads_in_bulk_and_says_so(
    runner: FlaskCliRunner,
    pupils: list[Student],
    tmp_path: Path,
) -> None:
    path = tmp_path / "jaar.csv"
    path.write_bytes(magister_csv(*day_rows(pupils, school_days(2))))
    result = runner.invoke(args=["import-absence", str(path), "--bulk-load", "--no-signals"])
    assert result.exit_code == 0, result.output
    expected = "snelle eerste import" if on_postgresql() else "alleen op PostgreSQL"
    assert "Import klaar" in result.output and expected in result.output
    assert len(stored_rows()) == len(day_rows(pupils, school_days(2)))
