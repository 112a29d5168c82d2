"""Backups: SQLite through its online backup API, PostgreSQL through pg_dump (custom format).

Restore: SQLite — put the file back as the database file (with the app stopped);
PostgreSQL — ``pg_restore --clean --if-exists --no-owner -d DATABASE FILE``. See
docs/operations.md.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from flask_babel import gettext
from sqlalchemy.engine import Engine, make_url

from app.exceptions import DomainError


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if candidates:
        return candidates[0]
    raise DomainError(
        gettext("%(name)s niet gevonden: installeer de PostgreSQL-clienttools.", name=name)
    )


def pg_environment(engine: Engine) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the PostgreSQL tools; the password goes in the environment,
    never on the command line (where other users could read it)."""
    url = make_url(engine.url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    return [*args, "--dbname", url.database or ""], env


def backup(engine: Engine, target: Path) -> Path:
    """Write a consistent backup of the database behind ``engine`` to ``target``."""
    target = target.expanduser().resolve()
    if target.exists():
        raise DomainError(
            gettext("%(target)s bestaat al; kies een nieuwe bestandsnaam.", target=target)
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    dialect = engine.dialect.name
    if dialect == "sqlite":
        raw = engine.raw_connection()
        try:
            with sqlite3.connect(target) as destination:
                # On SQLite the driver connection is a sqlite3.Connection (typed as a union).
                raw.driver_connection.backup(destination)  # type: ignore[union-attr]
        finally:
            raw.close()
    elif dialect == "postgresql":
        args, env = pg_environment(engine)
        command = [
            _pg_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--file",
            str(target),
            *args,
        ]
        # No shell; the arguments are our own configuration (the database URL), not user input.
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            target.unlink(missing_ok=True)
            raise DomainError(
                gettext("pg_dump mislukte: %(value)s", value=result.stderr.strip()[:500])
            )
    else:  # pragma: no cover
        raise DomainError(
            gettext("Back-up van %(dialect)s wordt niet ondersteund.", dialect=dialect)
        )
    return target
