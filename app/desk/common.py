"""What the desk's services share: checked text, the staff that may be chosen, a student's open
case. Services add and flush, never commit; they raise :class:`DomainError` with a Dutch
message and the view rolls back."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext
from sqlalchemy import select

from app.core.vocabulary import (
    CaseStatus,
    Role,
)
from app.exceptions import DomainError
from app.extensions import db
from app.models import (
    Casus,
    User,
    user_location,
)


def clean_text(value: str | None, label: str, limit: int, *, required: bool, field: str) -> str:
    """Trimmed text within ``limit``; a clear message when empty (and required) or too long."""
    cleaned = (value or "").strip()
    label = gettext(label)  # the callers mark their labels with N_()
    if required and not cleaned:
        raise DomainError(gettext("Vul %(label)s in.", label=label), field=field)
    if len(cleaned) > limit:
        raise DomainError(
            gettext(
                "%(label)s is te lang (hoogstens %(limit)s tekens).",
                label=label[:1].upper() + label[1:],
                limit=limit,
            ),
            field=field,
        )
    return cleaned


def staff_at(location_id: int, roles: Iterable[Role]) -> list[User]:
    """Active users with one of ``roles`` assigned to the location, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(user_location, user_location.c.user_id == User.id)
            .where(
                user_location.c.location_id == location_id,
                User.role.in_(list(roles)),
                User.active.is_(True),
            )
            .order_by(User.name)
        )
    )


def check_staff(
    user: User | None, location_id: int, roles: Iterable[Role], label: str, field: str
) -> None:
    label = gettext(label)  # the callers mark their labels with N_()
    if user is None:
        raise DomainError(gettext("Kies %(label)s.", label=label), field=field)
    if not user.active or user.role not in set(roles) or location_id not in user.location_ids:
        raise DomainError(
            gettext(
                "%(name)s kan niet als %(label)s worden gekozen voor deze leerling.",
                name=user.name,
                label=label,
            ),
            field=field,
        )


def open_case_of(student_id: int) -> Casus | None:
    return db.session.scalar(
        select(Casus).where(Casus.student_id == student_id, Casus.status != CaseStatus.AFGESLOTEN)
    )


def open_cases_by_student(student_ids: Iterable[int]) -> dict[int, Casus]:
    ids = set(student_ids)
    if not ids:
        return {}
    return {
        case.student_id: case
        for case in db.session.scalars(
            select(Casus).where(Casus.student_id.in_(ids), Casus.status != CaseStatus.AFGESLOTEN)
        )
    }
