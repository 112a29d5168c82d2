"""The detention class (nablijfklas): sessions per location, the students in them and the
reflection talk with each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time, timedelta

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.access.desk_records import sessions_visible_to, works_at
from app.audit import record, record_many
from app.core import roles
from app.core.localtime import local_today
from app.core.stored_text import N_
from app.desk.common import check_staff, clean_text, staff_at
from app.exceptions import DomainError
from app.extensions import db
from app.models import (
    DetentionAttendance,
    DetentionSession,
    Location,
    Student,
    User,
)
from app.models.desk import NOTE_TEXT, SHORT_TEXT
from app.models.types import utcnow
from app.students.services import search_students


def create_session(
    user: User,
    *,
    location: Location | None,
    held_on: date | None,
    starts_at: time | None,
    supervisor: User | None,
    note: str | None,
    today: date | None = None,
) -> DetentionSession:
    today = today or local_today()
    if user.role not in roles.CASE_WORKERS:
        raise DomainError(gettext("Je kunt geen nablijfklas vastleggen."))
    if location is None or not works_at(user, location.id):
        raise DomainError(gettext("Kies een van je locaties."), field="location")
    if held_on is None:
        raise DomainError(gettext("Kies de datum."), field="held_on")
    if held_on > today + timedelta(days=60) or held_on < today - timedelta(days=60):
        raise DomainError(
            gettext("Kies een datum binnen twee maanden van vandaag."), field="held_on"
        )
    check_staff(supervisor, location.id, roles.VISIT_STAFF, N_("begeleider"), "supervisor")
    assert supervisor is not None
    session = DetentionSession(
        location_id=location.id,
        held_on=held_on,
        starts_at=starts_at,
        supervisor_id=supervisor.id,
        note=clean_text(note, N_("de notitie"), SHORT_TEXT, required=False, field="note"),
        created_by_id=user.id,
    )
    db.session.add(session)
    db.session.flush()
    return session


def usual_location_id(user: User, locations: Sequence[Location]) -> int:
    """Where a new session is most likely held: the location of the user's latest session,
    else their first location (0 without locations)."""
    latest = db.session.scalar(
        select(DetentionSession.location_id)
        .where(
            DetentionSession.created_by_id == user.id,
            DetentionSession.location_id.in_([loc.id for loc in locations] or [-1]),
        )
        .order_by(DetentionSession.id.desc())
        .limit(1)
    )
    if latest is not None:
        return latest
    return locations[0].id if locations else 0


def supervisor_choices(locations: Iterable[Location]) -> list[tuple[int, str]]:
    """Who may supervise a session at any of ``locations``, by name."""
    supervisors = {
        user.id: user.name for loc in locations for user in staff_at(loc.id, roles.VISIT_STAFF)
    }
    return sorted(supervisors.items(), key=lambda item: item[1])


def find_session(user: User, session_id: int) -> DetentionSession | None:
    """A session the user may see (``sessions_visible_to``), else None."""
    return db.session.scalar(
        sessions_visible_to(user)
        .where(DetentionSession.id == session_id)
        .options(
            joinedload(DetentionSession.location),
            joinedload(DetentionSession.supervisor),
            selectinload(DetentionSession.attendances).joinedload(DetentionAttendance.student),
            selectinload(DetentionSession.attendances).joinedload(DetentionAttendance.talk_by),
        )
    )


def sessions_for(user: User, limit: int = 60) -> list[DetentionSession]:
    return list(
        db.session.scalars(
            sessions_visible_to(user)
            .options(
                joinedload(DetentionSession.location),
                joinedload(DetentionSession.supervisor),
                selectinload(DetentionSession.attendances),
            )
            .order_by(DetentionSession.held_on.desc(), DetentionSession.id.desc())
            .limit(limit)
        )
    )


def sessions_on(user: User, day: date) -> dict[int, DetentionSession]:
    """The detention class held on ``day`` at each of the user's locations (the first one when a
    location holds two), by location id: the inbox links a student to it."""
    sessions: dict[int, DetentionSession] = {}
    for session in db.session.scalars(
        sessions_visible_to(user)
        .where(DetentionSession.held_on == day)
        .order_by(DetentionSession.starts_at, DetentionSession.id)
    ):
        sessions.setdefault(session.location_id, session)
    return sessions


def add_to_session(
    user: User, session: DetentionSession, student: Student | None, what_happened: str | None = ""
) -> DetentionAttendance:
    if student is None or student.location_id != session.location_id:
        raise DomainError(
            gettext("Deze leerling hoort niet bij de locatie van deze nablijfklas."),
            field="leerlingnummer",
        )
    if any(a.student_id == student.id for a in session.attendances):
        raise DomainError(
            gettext("%(full_name)s staat al op de lijst.", full_name=student.full_name),
            field="leerlingnummer",
        )
    attendance = DetentionAttendance(
        session_id=session.id,
        student_id=student.id,
        what_happened=clean_text(
            what_happened, N_("wat er gebeurde"), NOTE_TEXT, required=False, field="what_happened"
        ),
    )
    db.session.add(attendance)
    db.session.flush()
    return attendance


def record_talk(
    user: User,
    attendance: DetentionAttendance,
    *,
    what_happened: str | None,
    reflection: str | None,
    agreement: str | None,
) -> None:
    attendance.what_happened = clean_text(
        what_happened, N_("wat er gebeurde"), NOTE_TEXT, required=True, field="what_happened"
    )
    attendance.reflection = clean_text(
        reflection, N_("de reflectie"), NOTE_TEXT, required=True, field="reflection"
    )
    attendance.agreement = clean_text(
        agreement, N_("de afspraak"), NOTE_TEXT, required=False, field="agreement"
    )
    attendance.talk_by_id = user.id
    attendance.talk_at = utcnow()
    db.session.flush()
    record(user, "create", "nablijfklas_gesprek", attendance.id, student=attendance.student_id)


def record_session_view(user: User, session: DetentionSession) -> None:
    """Showing a session's page is audited once for each student on it."""
    record_many(
        user, "view", "nablijfklas", ((session.id, a.student_id) for a in session.attendances)
    )


def students_to_add(user: User, session: DetentionSession, query: str) -> list[Student]:
    """Students of the session's location matching a search (two letters or more)."""
    if len(query) < 2:
        return []
    return list(
        db.session.scalars(
            search_students(user, query, limit=10).where(Student.location_id == session.location_id)
        )
    )


def remove_from_session(user: User, attendance: DetentionAttendance) -> None:
    if attendance.talk_at is not None:
        raise DomainError(
            gettext("Er is al een gesprek vastgelegd; deze leerling blijft op de lijst.")
        )
    db.session.delete(attendance)
    db.session.flush()


def detention_counts(student_ids: Iterable[int]) -> dict[int, int]:
    """How many sessions each student attended (repeat visits)."""
    ids = set(student_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(DetentionAttendance.student_id, func.count())
        .where(DetentionAttendance.student_id.in_(ids))
        .group_by(DetentionAttendance.student_id)
    )
    return {student_id: count for student_id, count in rows}
