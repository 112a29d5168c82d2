"""The access rule for cases, as a pure function: who may see and do what with one case.

No Flask, no database: ``app.access.cases`` supplies the facts (role, same location, whether a
handover makes the case visible to COPA, the status); tested with tables in
``tests/unit/test_desk_rules.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.core import roles
from app.core.vocabulary import CaseStatus, HandoverStatus, Role

S = CaseStatus


@dataclass(frozen=True)
class CaseAccess:
    """What one user may do with one case (all False: the case does not exist for them)."""

    view: bool = False
    work: bool = False  # reviews, status changes, handover
    assign: bool = False  # owner and team leader (also while the case is with COPA)
    change_status: bool = False
    add_note: bool = False
    decide_handover: bool = False


NO_ACCESS = CaseAccess()


def case_access(
    role: Role, *, same_location: bool, handover_visible: bool, status: CaseStatus
) -> CaseAccess:
    """The access rule for cases.

    - medewerker and teamleider: every case of their locations; while it is with COPA they
      read it and add notes only;
    - copa: only cases of their locations with a pending or accepted handover; COPA decides on
      handovers, adds notes, and changes the status only while the case is with COPA;
    - locatieleider and beheer: no case content (reports and management only);
    - everything else: no access (the view answers 404).
    """
    if not same_location:
        return NO_ACCESS
    if role in roles.CASE_WORKERS:
        # While the case is with COPA, SchoolFit reads it and adds notes; COPA decides the rest
        # (it hands the case back or closes it).
        workable = status not in (S.AFGESLOTEN, S.OVERGEDRAGEN_COPA)
        return CaseAccess(
            view=True,
            work=workable,
            assign=status != S.AFGESLOTEN,
            change_status=workable,
            add_note=True,
            decide_handover=False,
        )
    if role == Role.COPA and handover_visible:
        return CaseAccess(
            view=True,
            work=False,
            change_status=status == S.OVERGEDRAGEN_COPA,
            add_note=True,
            decide_handover=True,
        )
    return NO_ACCESS


def copa_sees(handover_statuses: Iterable[HandoverStatus]) -> bool:
    """COPA sees a case once a handover is pending or accepted (a returned one alone: no)."""
    return any(
        s in (HandoverStatus.INGEDIEND, HandoverStatus.GEACCEPTEERD) for s in handover_statuses
    )
