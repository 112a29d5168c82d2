from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, inspect, select

from app.core.vocabulary import Role
from app.extensions import db
from app.models import Location, Student, User

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def test_migrations_have_exactly_one_head() -> None:
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_migrated_schema_matches_the_models(app: Flask) -> None:
    """Every table and column the models declare exists in the migrated database."""
    inspector = inspect(db.engine)
    for table in db.metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert {c.name for c in table.columns} <= columns, table.name


def test_users_create_reads_password_from_stdin(runner: FlaskCliRunner, locations: dict) -> None:
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Nieuw@School.example.nl",
            "--name",
            "Nieuwe Collega",
            "--role",
            "teamleider",
            "--locations",
            "HK,zs",
        ],
        input="een-heel-lang-wachtwoord\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "nieuw@school.example.nl"))
    assert user is not None and user.role == Role.TEAMLEIDER
    assert [loc.code for loc in user.locations] == ["HK", "ZS"]


def test_users_create_refuses_bad_input(runner: FlaskCliRunner, locations: dict) -> None:
    base = ["users", "create", "--email", "a@school.example.nl", "--name", "A"]
    result = runner.invoke(
        args=[*base, "--role", "directeur", "--locations", "HK"], input="een-heel-lang-wachtwoord\n"
    )
    assert result.exit_code != 0 and "Onbekende rol 'directeur'" in result.output
    result = runner.invoke(
        args=[*base, "--role", "copa", "--locations", "HK,XX"], input="een-heel-lang-wachtwoord\n"
    )
    assert result.exit_code != 0 and "Onbekende locatie(s): XX" in result.output
    result = runner.invoke(args=[*base, "--role", "copa", "--locations", "HK"], input="kort\n")
    assert result.exit_code != 0 and "minstens 12 tekens" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_seed_demo_builds_a_living_app_and_is_idempotent(
    runner: FlaskCliRunner, app: Flask
) -> None:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Location.id))) == 6
    assert db.session.scalar(select(func.count(User.id))) == len(Role)
    students = db.session.scalar(select(func.count(Student.id)))
    assert students is not None and students >= 300
    # Floor history for the digest's climate figure and the reports: before today, with
    # tensions and klimaatchecks, and added only once.
    from app.core.localtime import local_today
    from app.models import ClimateCheck, FloorEntry

    entries = db.session.scalar(select(func.count(FloorEntry.id))) or 0
    kinds = set(db.session.scalars(select(FloorEntry.kind)).all())
    assert entries > 300 and {"contact", "spanning", "deescalatie", "vlag"} <= {
        str(k) for k in kinds
    }
    assert db.session.scalar(select(func.count(ClimateCheck.id)))
    days = db.session.scalars(select(ClimateCheck.day)).all()
    assert max(days) < local_today()
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count(Student.id))) == students
    assert db.session.scalar(select(func.count(FloorEntry.id))) == entries


def test_seed_demo_refuses_production_config(runner: FlaskCliRunner, app: Flask) -> None:
    app.config["DEMO_DATA_ALLOWED"] = False
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "niet toegestaan" in result.output
    assert db.session.scalar(select(func.count(Location.id))) == 0
