"""Who may know of, read and work on a Meldcode-traject, as a pure function (table-tested in
tests/unit/test_meldcode_rules.py); ``app.access.meldcode`` supplies the facts.

The content of a traject (the signal, the steps, the melding) is for the aandachtsfunctionaris
of the student's location and for the people they added by name. Colleagues who work with the
student (medewerker, teamleider, COPA) learn only that a traject exists and whom to ask.
Location management and beheer: nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core import roles
from app.core.vocabulary import Role


@dataclass(frozen=True)
class MeldcodeAccess:
    knows: bool = False  # that a traject exists, and whom to ask
    read: bool = False  # its content (every view is audited)
    record: bool = False  # record a step or the melding at Veilig Thuis
    manage: bool = False  # owner, members, closing


NO_ACCESS = MeldcodeAccess()


def meldcode_access(
    role: Role, *, same_location: bool, member: bool, is_open: bool
) -> MeldcodeAccess:
    if not same_location:
        return NO_ACCESS
    if role in roles.MELDCODE_COORDINATORS:
        return MeldcodeAccess(knows=True, read=True, record=is_open, manage=is_open)
    if role in roles.MELDCODE_SIGNALLERS:
        return MeldcodeAccess(knows=True, read=member, record=member and is_open)
    return NO_ACCESS


def may_signal(role: Role, same_location: bool) -> bool:
    """Anyone who works with the student may open a traject (a Meldcode signal)."""
    return same_location and role in roles.MELDCODE_SIGNALLERS
