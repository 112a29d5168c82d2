"""``flask analyze``: the planner's statistics exist afterwards, on both databases."""

from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import create_engine, text

from app.core.planner_statistics import refresh_planner_statistics
from app.extensions import db
from app.models import Student

ROWS = 37  # below PostgreSQL's autovacuum threshold (50 rows): only our ANALYZE counts them


def _estimated_students() -> float:
    if db.engine.dialect.name == "sqlite":
        # One row per index; its first number is the table's row count.
        stat = db.session.scalar(text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'student'"))
        return float(stat.split()[0])
    return float(
        db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'student'"))
    )


def _forget_sqlite_statistics() -> None:
    """The test database is reused: later tests keep SQLite's usual state, no statistics."""
    if db.engine.dialect.name == "sqlite":
        db.session.rollback()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS sqlite_stat1")
            connection.exec_driver_sql("DROP TABLE IF EXISTS sqlite_stat4")


def test_analyze_counts_the_rows_for_the_planner(
    app: Flask, runner: FlaskCliRunner, make_student: Callable[..., Student]
) -> None:
    for number in range(ROWS):
        make_student(leerlingnummer=f"7{number:05d}")
    db.session.commit()
    try:
        result = runner.invoke(args=["analyze"])
        assert result.exit_code == 0, result.output
        assert "Statistieken van de database vernieuwd" in result.output
        db.session.rollback()
        assert _estimated_students() == ROWS
    finally:
        _forget_sqlite_statistics()


def test_sqlite_statistics_are_sampled_not_read_whole(tmp_path: Path) -> None:
    """A bounded sample keeps the nightly run short on a board's database."""
    engine = create_engine(f"sqlite:///{tmp_path / 'sample.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (a INTEGER, b INTEGER)")
        connection.exec_driver_sql("CREATE INDEX t_a ON t (a)")
        connection.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
            " INSERT INTO t SELECT i % 7, i FROM n"
        )
        refresh_planner_statistics(connection)
        limit = connection.exec_driver_sql("PRAGMA analysis_limit").scalar()
        stat = connection.exec_driver_sql(
            "SELECT stat FROM sqlite_stat1 WHERE idx = 't_a'"
        ).scalar()
    engine.dispose()
    assert limit == 1000
    assert stat is not None and int(stat.split()[0]) > 0
