"""The main menu: which pages a role reaches from the top bar and the start page.

An item shows when the signed-in user may open its page (the view's own role check, see
``app.access.may_open``) and, for the few pages that are everyday work for one role only,
when the user has that role. Items whose blueprint is not registered are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.access import may_open
from app.core import roles
from app.core.vocabulary import Role


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Any
    # Narrows the menu below what the view allows (None: whoever may open the page).
    audience: frozenset[Role] | None = None
    # The floor and the desk are reached through ``main.workplace``, which remembers on this
    # device where its user works (app/main/workplace.py).
    workplace: str | None = None

    @property
    def url(self) -> str:
        if self.workplace is not None:
            return url_for("main.workplace", werkplek=self.workplace)
        return url_for(self.endpoint)


NAV_ITEMS: tuple[NavItem, ...] = (
    # The floor shell is public (it must open offline); only floor staff need it in the menu.
    NavItem("floor.index", _l("Vloer"), roles.FLOOR_STAFF, workplace="vloer"),
    NavItem("desk.inbox", _l("Bureau"), workplace="bureau"),
    # A team leader reaches "openstaand" from the desk's own menu.
    NavItem("desk.outstanding", _l("Openstaand"), roles.DESK_STAFF),
    NavItem("alerts.index", _l("Meldingen")),
    NavItem("digest.index", _l("Dagoverzicht")),
    NavItem("desk.cases", _l("Casussen")),
    NavItem("desk.meldcode", _l("Meldcode"), roles.MELDCODE_COORDINATORS),
    NavItem("pulse.results", _l("Peiling en klimaat")),
    NavItem("reports.index", _l("Rapportage")),
    NavItem("students.index", _l("Leerlingen")),
    NavItem("absence.signals", _l("Verzuim")),
    NavItem("admin.index", _l("Beheer")),
    NavItem("admin.imports", _l("Imports")),
    # Case readers reach the handover moments from the desk's own menu; the others have no desk.
    NavItem("desk.slots", _l("Overdrachtsmomenten"), roles.SLOT_MANAGERS - roles.CASE_READERS),
    NavItem("privacy.audit", _l("Auditlog")),
)


def nav_items() -> list[NavItem]:
    """The menu items of the signed-in user, in menu order."""
    if not current_user.is_authenticated:
        return []
    return [
        item
        for item in NAV_ITEMS
        if item.endpoint in current_app.view_functions
        and may_open(item.endpoint)
        and (item.audience is None or current_user.role in item.audience)
    ]
