"""Command-line interface: ``flask --app app <command>``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.absence.cli import COMMANDS as absence_commands
from app.alerts.cli import alerts_cli, push_cli
from app.auth.services import (
    create_user,
    disable_totp,
    find_user_by_email,
    list_users,
    locations_by_codes,
    parse_role,
    set_password,
)
from app.auth.throttle import unlock
from app.core.planner_statistics import refresh_planner_statistics
from app.core.vocabulary import ImportKind
from app.demo.seed import seed_demo
from app.digest.cli import digest_cli
from app.exceptions import DomainError
from app.extensions import db
from app.imports.commands import refused_command
from app.imports.history import ImportSource, recorded
from app.imports.tabular import read_import_file
from app.inbox.cli import import_inbox_command
from app.models import User
from app.privacy.cli import backup_command, privacy_cli
from app.reports.cli import report_command
from app.students.importing import import_students

users_cli = AppGroup("users", help="Manage staff accounts.")


def _read_password() -> str:
    """Prompt on a terminal; read the first line of standard input when scripted."""
    if sys.stdin.isatty():
        return click.prompt("Wachtwoord", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


@users_cli.command("create")
@click.option("--email", required=True, help="E-mail address (login name).")
@click.option("--name", required=True, help="Full name as shown in the app.")
@click.option(
    "--role",
    required=True,
    help="medewerker, teamleider, copa, locatieleider, beheer or aandachtsfunctionaris.",
)
@click.option("--locations", required=True, help="Comma-separated location codes, e.g. HK,ZS.")
def create_user_command(email: str, name: str, role: str, locations: str) -> None:
    """Create an account. The password is prompted for, or read from standard input."""
    try:
        user = create_user(
            email=email,
            name=name,
            role=parse_role(role),
            locations=locations_by_codes(locations.split(",")),
            password=_read_password(),
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(
        f"Account aangemaakt: {user.email} ({user.role.value}; "
        f"{', '.join(loc.code for loc in user.locations)})"
    )


def _account(email: str) -> User:
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"Geen account met e-mailadres {email}.")
    return user


@users_cli.command("unlock")
@click.argument("email")
def unlock_command(email: str) -> None:
    """Lift the lockouts of an account (break-glass: also for beheer)."""
    user = _account(email)
    locked = unlock(user)
    db.session.commit()
    click.echo(f"{user.email}: {locked} blokkade(s) opgeheven.")


@users_cli.command("set-password")
@click.argument("email")
def set_password_command(email: str) -> None:
    """Give an account a new password (prompted, or read from standard input); it is signed
    out everywhere and its lockouts are lifted (break-glass: also for beheer)."""
    user = _account(email)
    try:
        set_password(user, _read_password())
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"{user.email}: nieuw wachtwoord ingesteld; overal uitgelogd.")


@users_cli.command("disable-2fa")
@click.argument("email")
def disable_totp_command(email: str) -> None:
    """Turn two-factor login off for an account whose phone is lost (break-glass); it is
    signed out everywhere and sets it up again at the next login where it is required."""
    user = _account(email)
    disable_totp(user)
    db.session.commit()
    click.echo(f"{user.email}: tweestapsverificatie uit; overal uitgelogd.")


@users_cli.command("list")
def list_users_command() -> None:
    """List every account."""
    for user in list_users():
        state = "actief" if user.active else "inactief"
        codes = ",".join(loc.code for loc in user.locations)
        click.echo(f"{user.email}\t{user.role.value}\t{codes}\t{state}")


@click.command("import-students")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--partial",
    is_flag=True,
    help="Only add and update; do not deactivate students missing from the file.",
)
@click.option(
    "--confirm",
    is_flag=True,
    help="Import even when students with open work, or more than 10%% of a location's active "
    "students, would be deactivated (without it such an import changes nothing).",
)
def import_students_command(file: Path, partial: bool, confirm: bool) -> None:
    """Import students from a Magister/SOMtoday export (CSV or .xlsx): prints what the import
    does, all or nothing."""
    source = ImportSource.of_command(ImportKind.LEERLINGEN, file.name)
    try:
        source = ImportSource.of_command(ImportKind.LEERLINGEN, file.name, read_import_file(file))
        result = recorded(
            source,
            lambda: import_students(source.data, file.name, full=not partial, confirm=confirm),
        )
    except DomainError as error:
        raise refused_command(source, error) from None
    db.session.commit()
    for line in result.preview:
        click.echo(line)
    click.echo(f"Import klaar ({', '.join(result.locations)}): {result.summary()}.")


@click.command("analyze")
def analyze_command() -> None:
    """Refresh the database's planner statistics (nightly; SQLite keeps none on its own)."""
    with db.engine.begin() as connection:
        seconds = refresh_planner_statistics(connection)
    click.echo(f"Statistieken van de database vernieuwd in {seconds:.1f} s.")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Fill the database with the fictitious demo school group (not in production)."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException("Demodata is niet toegestaan met de productie-instellingen.")

    counts = seed_demo()
    db.session.commit()
    click.echo(
        f"Demodata: {counts['locations']} locaties, {counts['users']} nieuwe accounts, "
        f"{counts['students']} nieuwe leerlingen."
    )


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(import_students_command)
    app.cli.add_command(import_inbox_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(analyze_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(privacy_cli)

    for command in absence_commands:
        app.cli.add_command(command)

    app.cli.add_command(digest_cli)

    app.cli.add_command(report_command)
    app.cli.add_command(push_cli)
    app.cli.add_command(alerts_cli)
