"""The scope of a report: which locations it covers, and which ones a user may read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select

from app.core import roles
from app.core.vocabulary import Role
from app.extensions import db
from app.models import Location, User
from app.reports.model import ALL_SCOPE, ReportError


def all_locations() -> list[Location]:
    return list(db.session.scalars(select(Location).order_by(Location.code)))


def resolve_locations(codes: Iterable[str] | None) -> list[Location]:
    """Locations by code (case-blind), in code order; every location for None."""
    known = all_locations()
    if codes is None:
        return known
    by_code = {loc.code.lower(): loc for loc in known}
    chosen: dict[int, Location] = {}
    for code in codes:
        location = by_code.get(code.strip().lower())
        if location is None:
            raise ReportError(
                f"Onbekende locatie '{code.strip()[:16]}' "
                f"(bekend: {', '.join(loc.code for loc in known) or 'geen'}).",
                field="locatie",
            )
        chosen[location.id] = location
    if not chosen:
        raise ReportError("Kies een locatie of de hele groep.", field="locatie")
    return sorted(chosen.values(), key=lambda loc: loc.code)


def scope_key(locations: Sequence[Location], whole_group: bool) -> str:
    return ALL_SCOPE if whole_group else ",".join(sorted(loc.code for loc in locations))


def readable_locations(user: User) -> list[Location]:
    """The locations whose reports ``user`` may read: beheer every location, teamleider and
    locatieleider their own; nobody else any."""
    if user.role == Role.BEHEER:
        return all_locations()
    if user.role in roles.REPORT_READERS:
        return sorted(user.locations, key=lambda loc: loc.code)
    return []
