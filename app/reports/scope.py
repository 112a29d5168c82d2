"""The scope of a report: which locations it covers, and who may read which.

:func:`readable` is the one access rule of the reports: the views, the form's list of
locations and the comparison all ask it. A location the reader may not see answers exactly
like an unknown one (:class:`ScopeNotFound`, 404 in the views).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import gettext as _
from sqlalchemy import select

from app.core import roles
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
                gettext(
                    "Onbekende locatie '%(value)s' (bekend: %(value2)s).",
                    value=code.strip()[:16],
                    value2=", ".join(loc.code for loc in known) or "geen",
                ),
                field="locatie",
            )
        chosen[location.id] = location
    if not chosen:
        raise ReportError(gettext("Kies een locatie of de hele groep."), field="locatie")
    return sorted(chosen.values(), key=lambda loc: loc.code)


def scope_key(locations: Sequence[Location], whole_group: bool) -> str:
    return ALL_SCOPE if whole_group else ",".join(sorted(loc.code for loc in locations))


# The ``locatie`` value of the whole group in URLs and on the form.
WHOLE_GROUP = "alle"


@dataclass(frozen=True)
class Readable:
    """The reports one user may read: those of these locations, and the whole group's or not."""

    locations: list[Location]
    whole_group: bool


def readable(user: User) -> Readable:
    """Who may read which report (docs/reports.md): beheer every location and the whole group;
    teamleider and locatieleider their own locations; nobody else any."""
    if user.role in roles.BEHEER:
        return Readable(all_locations(), whole_group=True)
    if user.role in roles.REPORT_READERS:
        return Readable(sorted(user.locations, key=lambda loc: loc.code), whole_group=False)
    return Readable([], whole_group=False)


class ScopeNotFound(Exception):
    """An unknown location, or one the reader may not see (answered alike: 404)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.message = _("Onbekende locatie: '%(code)s'.", code=code[:16])


@dataclass(frozen=True)
class Scope:
    """The locations of one report, as the ``locatie`` parameter chose them."""

    locations: list[Location]
    whole_group: bool

    @property
    def codes(self) -> list[str] | None:
        """What :func:`~app.reports.builder.build_report` takes: None for the whole group."""
        return None if self.whole_group else [loc.code for loc in self.locations]

    @property
    def key(self) -> str:
        """How a saved text is filed (:func:`scope_key`)."""
        return scope_key(self.locations, self.whole_group)

    @property
    def code(self) -> str:
        """The ``locatie`` parameter again."""
        return WHOLE_GROUP if self.whole_group else self.locations[0].code


def chosen_scope(access: Readable, code: str) -> Scope:
    """The scope of the ``locatie`` parameter (a location code or ``alle``), if the reader may
    read it; else :class:`ScopeNotFound`."""
    code = (code or "").strip()
    if code.lower() == WHOLE_GROUP:
        if not access.whole_group:
            raise ScopeNotFound(code)
        return Scope(all_locations(), whole_group=True)
    for location in access.locations:
        if location.code.lower() == code.lower():
            return Scope([location], whole_group=False)
    raise ScopeNotFound(code)
