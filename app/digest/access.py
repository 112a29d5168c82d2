"""Who may read a location's digest, and whether the page may link students to their cases.
Views and templates ask these; templates never test roles."""

from __future__ import annotations

from app.access.case_rules import case_access
from app.core import roles
from app.core.vocabulary import CaseStatus
from app.models import Location, User


def may_read_digest(user: User, location: Location) -> bool:
    """Team leaders, location management and functional management, of their own locations."""
    return user.role in roles.DIGEST_READERS and location.id in user.location_ids


def can_open_cases(user: User, location_id: int) -> bool:
    """Whether the page may link students to their cases: the case access rule for an open
    case of this location (team leaders yes; location management and beheer see no cases)."""
    access = case_access(
        user.role,
        same_location=location_id in user.location_ids,
        handover_visible=False,
        status=CaseStatus.SIGNAAL,
    )
    return access.view
