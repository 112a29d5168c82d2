"""A section of a subject-access report: the rows one capability stores about a student, as
plain values (local times, ISO dates, enum values) fit for a page and for JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.core.localtime import to_local


@dataclass
class Section:
    key: str
    title: str
    rows: list[dict[str, Any]] = field(default_factory=list)


def plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return to_local(value).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return value
