"""``flask --app app backup FILE``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.audit import record
from app.exceptions import DomainError
from app.extensions import db
from app.models import Student
from app.privacy.backup import backup
from app.privacy.retention import purge
from app.privacy.subject import as_json, subject_access

privacy_cli = AppGroup("privacy", help="Retention, subject access and erasure (AVG).")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
def purge_command(dry_run: bool) -> None:
    """Delete or anonymise what has passed its retention period. Safe to run again."""
    lines = purge(current_app.config["RETENTION_DAYS"], dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    prefix = "Zou worden" if dry_run else "Klaar"
    click.echo(f"{prefix} (bewaartermijnen uit RETENTION_DAYS):")
    for line in lines:
        click.echo(f"  {line.count:>7}  {line.description} (ouder dan {line.days} dagen)")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Write a backup of the database to FILE (SQLite copy or pg_dump custom format)."""
    try:
        written = backup(db.engine, file)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Back-up geschreven: {written} ({written.stat().st_size} bytes)")


@privacy_cli.command("export")
@click.argument("leerlingnummer")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the JSON to this file instead of standard output.",
)
def export_command(leerlingnummer: str, out: Path | None) -> None:
    """Everything stored about one student, as JSON (subject access request)."""
    student = db.session.scalar(select(Student).where(Student.leerlingnummer == leerlingnummer))
    if student is None:
        raise click.ClickException(f"Geen leerling met leerlingnummer {leerlingnummer}.")
    body = json.dumps(as_json(student, subject_access(student)), ensure_ascii=False, indent=2)
    record(None, "export", "subject_access", leerlingnummer, student=student, detail="cli")
    db.session.commit()
    if out is None:
        click.echo(body)
    else:
        out.write_text(body, encoding="utf-8")
        click.echo(f"Geschreven: {out}", err=True)
