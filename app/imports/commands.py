"""What the import commands share (``import-students``, ``import-absence``)."""

from __future__ import annotations

import click

from app.exceptions import DomainError
from app.extensions import db
from app.imports.history import ImportSource, record_refused


def refused_command(source: ImportSource, error: DomainError) -> click.ClickException:
    """A refused import: nothing of it is kept, the refusal is recorded in the history, and the
    command ends with its message (exit status 1)."""
    db.session.rollback()
    record_refused(source, error)
    db.session.commit()
    return click.ClickException(error.message)
