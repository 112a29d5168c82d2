"""What a load balancer asks: is the process alive (``/healthz``), may it get traffic
(``/readyz``: the database answers, its schema is at the migrations' head, and the rate-limit
storage — Redis — answers when one is configured).

The answers name the checks and whether each passed, nothing more: no versions, host names or
error texts (those go to the log).
"""

from __future__ import annotations

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, limiter

_HEADS_KEY = "schoolfit_migration_heads"


def migration_heads() -> frozenset[str]:
    """The head revisions of the migrations this code ships (read once per process)."""
    heads: frozenset[str] | None = current_app.extensions.get(_HEADS_KEY)
    if heads is None:
        config = Config()
        config.set_main_option("script_location", current_app.extensions["migrate"].directory)
        heads = frozenset(ScriptDirectory.from_config(config).get_heads())
        current_app.extensions[_HEADS_KEY] = heads
    return heads


def _database_checks() -> tuple[bool, bool]:
    """(the database answers, its schema is at the head)."""
    try:
        connection = db.session.connection()
        connection.execute(text("SELECT 1"))
        current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.warning("readyz: database check failed: %s", error)
        return False, False
    db.session.rollback()
    at_head = current == migration_heads()
    if not at_head:
        current_app.logger.warning(
            "readyz: database at %s, code at %s", sorted(current), sorted(migration_heads())
        )
    return True, at_head


def uses_shared_rate_limit_storage() -> bool:
    return not str(current_app.config["RATELIMIT_STORAGE_URI"]).startswith("memory://")


def readiness() -> dict[str, bool]:
    """Each check by name: passed or not."""
    database, migrations = _database_checks()
    checks = {"database": database, "migrations": migrations}
    if uses_shared_rate_limit_storage():
        try:
            storage_ok = bool(limiter.storage.check())
        except Exception as error:  # any failure means "not ready"
            current_app.logger.warning("readyz: rate-limit storage check failed: %s", error)
            storage_ok = False
        checks["rate_limit_storage"] = storage_ok
    return checks
