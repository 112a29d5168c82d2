"""Template filters and globals: local time display, roles, language."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l

from app.models import Role

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")

ALL_ROLES = frozenset(Role)
STAFF_ROLES = frozenset({Role.MEDEWERKER, Role.TEAMLEIDER, Role.COPA, Role.LOCATIELEIDER})

# The main menu: (endpoint, label, roles that see it). Items whose blueprint is not registered
# are left out, so each capability adds its own line here.
NAV_ITEMS: list[tuple[str, Any, frozenset[Role]]] = [
    ("floor.index", _l("Vloer"), frozenset({Role.MEDEWERKER})),
    ("desk.inbox", _l("Bureau"), frozenset({Role.MEDEWERKER})),
    ("desk.outstanding", _l("Openstaand"), frozenset({Role.MEDEWERKER})),
    (
        "digest.index",
        _l("Dagoverzicht"),
        frozenset({Role.TEAMLEIDER, Role.LOCATIELEIDER, Role.BEHEER}),
    ),
    ("desk.cases", _l("Casussen"), frozenset({Role.MEDEWERKER, Role.TEAMLEIDER, Role.COPA})),
    (
        "pulse.results",
        _l("Peiling en klimaat"),
        frozenset({Role.TEAMLEIDER, Role.LOCATIELEIDER, Role.BEHEER}),
    ),
    (
        "reports.index",
        _l("Rapportage"),
        frozenset({Role.TEAMLEIDER, Role.LOCATIELEIDER, Role.BEHEER}),
    ),
    ("students.index", _l("Leerlingen"), ALL_ROLES),
    ("absence.signals", _l("Verzuim"), ALL_ROLES),
    ("admin.index", _l("Beheer"), frozenset({Role.BEHEER})),
    ("privacy.audit", _l("Auditlog"), frozenset({Role.BEHEER})),
]


def nav_items() -> list[tuple[str, Any, frozenset[Role]]]:
    return [item for item in NAV_ITEMS if item[0] in current_app.view_functions]


def to_local(value: datetime) -> datetime:
    """UTC (as stored) to Europe/Amsterdam (as shown)."""
    return value.astimezone(LOCAL_TZ)


# Babel pattern fields that are plain numbers, the same in every locale, as strftime codes.
_NUMERIC_FIELDS = {"dd": "%d", "MM": "%m", "yyyy": "%Y", "HH": "%H", "mm": "%M", "ss": "%S"}
_NUMERIC_PATTERN = re.compile(r"(?:dd|MM|yyyy|HH|mm|ss|[-:/. ])+")


@lru_cache(maxsize=64)
def numeric_strftime(pattern: str) -> str | None:
    """The strftime format for a Babel pattern of numbers only ('dd-MM-yyyy HH:mm'), or None
    when it names days or months ('EEEE d MMMM'): those need Babel and the locale."""
    if not _NUMERIC_PATTERN.fullmatch(pattern):
        return None
    return re.sub(r"dd|MM|yyyy|HH|mm|ss", lambda m: _NUMERIC_FIELDS[m.group()], pattern)


def local_time_text(value: datetime, pattern: str) -> str:
    """``value`` (UTC as stored; naive means UTC) in Europe/Amsterdam, in a Babel pattern.
    Numeric patterns skip Babel: a chronology page formats 500 times, and Babel's lookups of
    locale and timezone per call were a quarter of that page's time."""
    strftime = numeric_strftime(pattern)
    if strftime is None:
        return format_datetime(value, pattern)
    return to_local(value if value.tzinfo else value.replace(tzinfo=UTC)).strftime(strftime)


def register_template_helpers(app: Flask) -> None:
    @app.template_filter("localtime")
    def localtime(value: datetime | None, fmt: str = "dd-MM-yyyy HH:mm") -> str:
        if value is None:
            return ""
        return local_time_text(value, fmt)

    @app.context_processor
    def inject_globals() -> dict[str, Any]:
        return {
            "Role": Role,
            "current_locale": str(get_locale() or "nl"),
            "nav_items": nav_items,
        }
