"""``flask --app app backup FILE``."""

from __future__ import annotations

from pathlib import Path

import click

from app.exceptions import DomainError
from app.extensions import db


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Write a backup of the database to FILE (SQLite copy or pg_dump custom format)."""
    from app.privacy.backup import backup

    try:
        written = backup(db.engine, file)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Back-up geschreven: {written} ({written.stat().st_size} bytes)")
