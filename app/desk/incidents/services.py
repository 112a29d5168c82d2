"""Incidents: registering one (from a floor tension or de-escalation, or at the desk) with the
students involved, each in a role; the list and one incident, audited per student."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext
from sqlalchemy import Select, false, select
from sqlalchemy.orm import joinedload, selectinload

from app.access.desk_records import works_at
from app.audit import record_many
from app.core import roles
from app.core.localtime import LOCAL_TZ, local_today
from app.core.stored_text import N_
from app.core.vocabulary import EntryKind, IncidentKind, IncidentRole
from app.desk.common import clean_text
from app.exceptions import DomainError
from app.extensions import db
from app.models import FloorEntry, Incident, IncidentStudent, Location, Student, User, Zone
from app.models.desk import LONG_TEXT
from app.models.types import utcnow

OBJECT = "incident"
MAX_INVOLVED = 30
# Floor entries that can become an incident: a tension or a de-escalation with students.
FROM_FLOOR = (EntryKind.SPANNING, EntryKind.DEESCALATIE)


@dataclass(frozen=True)
class Involved:
    leerlingnummer: str
    role: str


@dataclass(frozen=True)
class IncidentInput:
    location: Location | None
    zone_id: int | None
    kind: str | None
    day: date | None
    at: time | None
    description: str | None
    involved: Sequence[Involved]


def incidents_visible_to(user: User) -> Select[Incident]:
    """Incidents at the user's locations, for case workers."""
    query = select(Incident)
    if user.role not in roles.INCIDENT_WORKERS:
        return query.where(false())
    return query.where(Incident.location_id.in_(user.location_ids or {-1}))


def can_become_incident(entry: FloorEntry) -> bool:
    return entry.kind in FROM_FLOOR and bool(entry.students)


@dataclass(frozen=True)
class Prefill:
    location_id: int
    zone_id: int
    day: date
    at: time
    description: str
    involved: list[Involved]


def prefill(entry: FloorEntry) -> Prefill:
    """What an incident from a floor entry starts with: place, time, note and its students."""
    local = entry.occurred_at.astimezone(LOCAL_TZ)
    return Prefill(
        location_id=entry.location_id,
        zone_id=entry.zone_id,
        day=local.date(),
        at=local.time().replace(second=0, microsecond=0),
        description=entry.note,
        involved=[Involved(s.leerlingnummer, IncidentRole.BETROKKEN) for s in entry.students],
    )


def _involved(data: IncidentInput, location: Location) -> list[tuple[Student, IncidentRole]]:
    rows = [i for i in data.involved if i.leerlingnummer.strip()]
    if not rows:
        raise DomainError(
            gettext("Voeg minstens één leerling toe, met zijn of haar rol."), field="involved"
        )
    if len(rows) > MAX_INVOLVED:
        raise DomainError(
            gettext(
                "Hoogstens %(MAX_INVOLVED)s leerlingen per incident.", MAX_INVOLVED=MAX_INVOLVED
            ),
            field="involved",
        )
    numbers = [i.leerlingnummer.strip()[:20] for i in rows]
    if len(set(numbers)) != len(numbers):
        raise DomainError(gettext("Elke leerling mag maar één keer voorkomen."), field="involved")
    found = {
        s.leerlingnummer: s
        for s in db.session.scalars(select(Student).where(Student.leerlingnummer.in_(numbers)))
    }
    result = []
    for number, row in zip(numbers, rows, strict=True):
        student = found.get(number)
        if student is None or student.location_id != location.id:
            raise DomainError(
                gettext(
                    "Leerling %(number)s is niet gevonden op locatie %(code)s.",
                    number=number,
                    code=location.code,
                ),
                field="involved",
            )
        try:
            role = IncidentRole(row.role)
        except ValueError:
            raise DomainError(
                gettext("Kies de rol van leerling %(number)s.", number=number), field="involved"
            ) from None
        result.append((student, role))
    return result


def create_incident(
    user: User,
    data: IncidentInput,
    *,
    entry: FloorEntry | None = None,
    now: datetime | None = None,
) -> Incident:
    location = data.location
    if (
        location is None
        or not works_at(user, location.id)
        or (user.role not in roles.INCIDENT_WORKERS)
    ):
        raise DomainError(gettext("Kies een van jouw locaties."), field="location")
    try:
        kind = IncidentKind(data.kind or "")
    except ValueError:
        raise DomainError(gettext("Kies wat voor incident het was."), field="kind") from None
    zone = db.session.get(Zone, data.zone_id) if data.zone_id else None
    if zone is not None and zone.location_id != location.id:
        raise DomainError(gettext("Die zone hoort niet bij deze locatie."), field="zone")
    if data.day is None:
        raise DomainError(gettext("Vul de datum in."), field="day")
    occurred_at = datetime.combine(data.day, data.at or time(12, 0), tzinfo=LOCAL_TZ)
    now = now or utcnow()
    if occurred_at > now + timedelta(minutes=10):
        raise DomainError(gettext("Dat moment ligt in de toekomst."), field="day")
    if data.day < local_today() - timedelta(days=366):
        raise DomainError(gettext("Registreer incidenten van het afgelopen jaar."), field="day")
    involved = _involved(data, location)
    if entry is not None and db.session.scalar(
        select(Incident.id).where(Incident.entry_id == entry.id)
    ):
        raise DomainError(gettext("Van deze registratie is al een incident gemaakt."))
    incident = Incident(
        location_id=location.id,
        zone_id=zone.id if zone else None,
        kind=kind,
        occurred_at=occurred_at,
        description=clean_text(
            data.description, N_("wat er gebeurde"), LONG_TEXT, required=True, field="description"
        ),
        entry_id=entry.id if entry is not None else None,
        created_by_id=user.id,
        created_at=now,
    )
    incident.involved = [IncidentStudent(student_id=s.id, role=role) for s, role in involved]
    db.session.add(incident)
    db.session.flush()
    record_many(user, "create", OBJECT, ((incident.id, s) for s, _role in involved))
    return incident


def find_incident(user: User, incident_id: int) -> Incident | None:
    return db.session.scalar(
        incidents_visible_to(user)
        .where(Incident.id == incident_id)
        .options(
            joinedload(Incident.location),
            joinedload(Incident.zone),
            joinedload(Incident.created_by),
            selectinload(Incident.involved).joinedload(IncidentStudent.student),
        )
    )


def record_view(user: User, incident: Incident) -> None:
    """Every view of an incident is audited, once per student in it."""
    record_many(user, "view", OBJECT, ((incident.id, i.student_id) for i in incident.involved))


def incidents_for(user: User, *, days: int = 120) -> list[Incident]:
    since = utcnow() - timedelta(days=days)
    return list(
        db.session.scalars(
            incidents_visible_to(user)
            .where(Incident.occurred_at >= since)
            .options(
                joinedload(Incident.location),
                joinedload(Incident.zone),
                selectinload(Incident.involved),
            )
            .order_by(Incident.occurred_at.desc())
        )
    )
