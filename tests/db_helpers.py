"""Reading the database back in a test."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db


def count(model: type) -> int:
    """How many rows the model's table holds."""
    return db.session.scalar(select(func.count()).select_from(model)) or 0
