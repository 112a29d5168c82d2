"""Home visits: plan and change (with warnings for one person alone or no mixed pair), report,
cancel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext
from sqlalchemy import or_
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.access.cases import can_work_on_student
from app.access.desk_records import visits_visible_to
from app.audit import record
from app.core import roles
from app.core.localtime import LOCAL_TZ, local_today
from app.core.stored_text import N_
from app.core.vocabulary import (
    VisitStatus,
)
from app.desk import rules
from app.desk.common import check_staff, clean_text, open_case_of
from app.exceptions import DomainError
from app.extensions import db
from app.models import (
    HomeVisit,
    Location,
    Student,
    User,
)
from app.models.desk import LONG_TEXT, SHORT_TEXT
from app.models.types import utcnow


@dataclass(frozen=True)
class VisitPlan:
    """A home visit's plan as checked: when, with whom, why."""

    planned_at: datetime
    staff_one: User
    staff_two: User | None
    companion: str
    mixed_pair: bool
    reason: str


def _checked_plan(
    student: Student,
    *,
    planned_on: date | None,
    planned_time: time | None,
    staff_one: User | None,
    staff_two: User | None,
    companion: str | None,
    mixed_pair: bool,
    reason: str | None,
    today: date,
) -> VisitPlan:
    if planned_on is None:
        raise DomainError(gettext("Kies de datum van het huisbezoek."), field="planned_on")
    if planned_on < today:
        raise DomainError(gettext("Die datum ligt in het verleden."), field="planned_on")
    if planned_on > today + timedelta(days=180):
        raise DomainError(gettext("Plan een huisbezoek binnen een half jaar."), field="planned_on")
    if planned_time is None:
        raise DomainError(gettext("Kies het tijdstip van het huisbezoek."), field="planned_time")
    check_staff(
        staff_one, student.location_id, roles.VISIT_STAFF, N_("eerste medewerker"), "staff_one"
    )
    if staff_two is not None:
        check_staff(
            staff_two, student.location_id, roles.VISIT_STAFF, N_("tweede medewerker"), "staff_two"
        )
        if staff_one is not None and staff_two.id == staff_one.id:
            raise DomainError(gettext("Kies twee verschillende medewerkers."), field="staff_two")
    companion_text = clean_text(
        companion, N_("de naam van de begeleider"), 120, required=False, field="companion"
    )
    reason_text = clean_text(
        reason, N_("de reden van het bezoek"), SHORT_TEXT, required=True, field="reason"
    )
    assert staff_one is not None
    return VisitPlan(
        planned_at=datetime.combine(planned_on, planned_time, tzinfo=LOCAL_TZ),
        staff_one=staff_one,
        staff_two=staff_two,
        companion=companion_text,
        mixed_pair=bool(mixed_pair) and (staff_two is not None or bool(companion_text)),
        reason=reason_text,
    )


def plan_visit(
    user: User,
    student: Student,
    *,
    planned_on: date | None,
    planned_time: time | None,
    staff_one: User | None,
    staff_two: User | None,
    companion: str | None,
    mixed_pair: bool,
    reason: str | None,
    today: date | None = None,
) -> tuple[HomeVisit, list[str]]:
    """Plan a home visit; answers the visit and warnings (one person alone, not a mixed pair)."""
    if not can_work_on_student(user, student):
        raise DomainError(gettext("Je kunt voor deze leerling geen huisbezoek plannen."))
    plan = _checked_plan(
        student,
        planned_on=planned_on,
        planned_time=planned_time,
        staff_one=staff_one,
        staff_two=staff_two,
        companion=companion,
        mixed_pair=mixed_pair,
        reason=reason,
        today=today or local_today(),
    )
    case = open_case_of(student.id)
    visit = HomeVisit(
        student_id=student.id,
        case_id=case.id if case else None,
        status=VisitStatus.GEPLAND,
        created_by_id=user.id,
    )
    _apply_plan(visit, plan)
    db.session.add(visit)
    db.session.flush()
    record(user, "create", "huisbezoek", visit.id, student=student)
    return visit, visit_warnings(visit, student.location)


def _apply_plan(visit: HomeVisit, plan: VisitPlan) -> None:
    visit.planned_at = plan.planned_at
    visit.staff_one = plan.staff_one
    visit.staff_two = plan.staff_two
    visit.companion = plan.companion
    visit.mixed_pair = plan.mixed_pair
    visit.reason = plan.reason


def change_visit(
    user: User,
    visit: HomeVisit,
    *,
    version: int | None,
    planned_on: date | None,
    planned_time: time | None,
    staff_one: User | None,
    staff_two: User | None,
    companion: str | None,
    mixed_pair: bool,
    reason: str | None,
    today: date | None = None,
) -> list[str]:
    """Change a planned visit (when, with whom, why); answers the warnings of the new plan.

    ``version`` is the visit's version the form was made from: when somebody changed the visit
    since, the change is refused (``StaleDataError``, "Iemand anders heeft dit net gewijzigd"),
    as is the second of two changes saved at the same moment (the version column)."""
    if visit.status != VisitStatus.GEPLAND:
        raise DomainError(
            gettext("Dit huisbezoek is niet meer gepland en kan niet meer worden gewijzigd.")
        )
    if not can_work_on_student(user, visit.student):
        raise DomainError(gettext("Je kunt dit huisbezoek niet wijzigen."))
    if version != visit.version:
        raise StaleDataError(f"home visit {visit.id}: version {version} != {visit.version}")
    plan = _checked_plan(
        visit.student,
        planned_on=planned_on,
        planned_time=planned_time,
        staff_one=staff_one,
        staff_two=staff_two,
        companion=companion,
        mixed_pair=mixed_pair,
        reason=reason,
        today=today or local_today(),
    )
    _apply_plan(visit, plan)
    db.session.flush()
    record(user, "update", "huisbezoek", visit.id, student=visit.student)
    return visit_warnings(visit, visit.student.location)


def visit_warnings(visit: HomeVisit, location: Location) -> list[str]:
    return rules.home_visit_warnings(
        people=visit.people_count,
        mixed_pair=visit.mixed_pair,
        wants_mixed_pairs=location.wants_mixed_pairs,
    )


def find_visit(user: User, visit_id: int) -> HomeVisit | None:
    """A visit the user may see (``visits_visible_to``), else None."""
    return db.session.scalar(
        visits_visible_to(user)
        .where(HomeVisit.id == visit_id)
        .options(
            joinedload(HomeVisit.student).joinedload(Student.location),
            joinedload(HomeVisit.staff_one),
            joinedload(HomeVisit.staff_two),
        )
    )


def record_visit_view(user: User, visit: HomeVisit) -> None:
    """Every time a visit's page is shown, it is audited."""
    record(user, "view", "huisbezoek", visit.id, student=visit.student)


def record_visit(
    user: User, visit: HomeVisit, report: str | None, *, now: datetime | None = None
) -> None:
    now = now or utcnow()
    if visit.status != VisitStatus.GEPLAND:
        raise DomainError(gettext("Dit huisbezoek is niet meer gepland."))
    if visit.planned_at.astimezone(LOCAL_TZ).date() > now.astimezone(LOCAL_TZ).date():
        raise DomainError(
            gettext("Dit huisbezoek is nog niet geweest; leg het verslag daarna vast.")
        )
    visit.report = clean_text(report, N_("het verslag"), LONG_TEXT, required=True, field="report")
    visit.status = VisitStatus.GEDAAN
    visit.done_at = now
    db.session.flush()


def cancel_visit(user: User, visit: HomeVisit, reason: str | None) -> None:
    if visit.status != VisitStatus.GEPLAND:
        raise DomainError(gettext("Dit huisbezoek is niet meer gepland."))
    visit.cancel_reason = clean_text(
        reason, N_("een reden"), SHORT_TEXT, required=True, field="reason"
    )
    visit.status = VisitStatus.GEANNULEERD
    db.session.flush()


def visits_for(user: User, *, include_done_days: int = 30) -> list[HomeVisit]:
    """Planned visits and recently done ones at the user's locations, soonest first."""
    since = utcnow() - timedelta(days=include_done_days)
    return list(
        db.session.scalars(
            visits_visible_to(user)
            .where(or_(HomeVisit.status == VisitStatus.GEPLAND, HomeVisit.planned_at >= since))
            .options(
                joinedload(HomeVisit.student).joinedload(Student.location),
                joinedload(HomeVisit.staff_one),
                joinedload(HomeVisit.staff_two),
            )
            .order_by(HomeVisit.planned_at.desc())
        )
    )
