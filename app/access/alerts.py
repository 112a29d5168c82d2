"""Who receives and may open an urgent alert: the roles of its kind (team leaders for floor
alerts, the aandachtsfunctionaris for Meldcode signals), at the alert's location. Anyone else
gets 404, as for a student of another location."""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select

from app.core import roles
from app.core.vocabulary import AlertKind, Role
from app.models import Alert, User

RECIPIENT_ROLES: dict[AlertKind, frozenset[Role]] = {
    AlertKind.VEILIGHEID: roles.FLOOR_ALERT_RECIPIENTS,
    AlertKind.DOORVERWEZEN: roles.FLOOR_ALERT_RECIPIENTS,
    AlertKind.MELDCODE: roles.MELDCODE_ALERT_RECIPIENTS,
}


def may_receive(role: Role, kind: AlertKind, same_location: bool) -> bool:
    """Whether a user may receive and open an alert (pure: tests/unit/test_alert_rules.py)."""
    return same_location and role in RECIPIENT_ROLES[kind]


def kinds_for(role: Role) -> list[AlertKind]:
    return [kind for kind, allowed in RECIPIENT_ROLES.items() if role in allowed]


def alerts_visible_to(user: User) -> Select[Alert]:
    """A select() of the alerts ``user`` may open."""
    kinds = kinds_for(user.role)
    query = select(Alert)
    if not kinds:
        return query.where(false())
    return query.where(
        Alert.location_id.in_(user.location_ids or {-1}),
        or_(*(Alert.kind == kind for kind in kinds)),
    )
