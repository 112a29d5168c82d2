"""Who may read a location's digest, and whether the page may link students to their student
page and their cases.
Views and templates ask these; templates never test roles."""

from __future__ import annotations

from app.access.case_rules import case_access
from app.core import roles
from app.core.vocabulary import CaseStatus
from app.digest.model import Digest, StudentRef
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


def may_open_student(user: User, student: StudentRef) -> bool:
    """Whether the page may link a student to their student page (``/leerlingen/<nummer>``):
    the student page's own rule (``app.access.find_visible_student``), a student of one of the
    reader's locations. The student page itself decides what of the student the reader sees
    (absence for everyone who sees the student, case content for case workers)."""
    return (
        bool(student.leerlingnummer)
        and student.location_id is not None
        and student.location_id in user.location_ids
    )


def openable_students(user: User, digest: Digest) -> set[int]:
    """The ids of the digest's students the reader may open (see :func:`may_open_student`)."""
    return {sid for sid, ref in digest.students.items() if may_open_student(user, ref)}
