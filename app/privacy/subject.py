"""Subject access (everything stored about one student) and erasure.

Each capability contributes a *section provider*: a function that, for one student, returns the
rows it stores about them, and an *eraser* that deletes them. Adding a model that holds student
data means adding both here — tests/integration/privacy/test_privacy_subject.py checks that
every table with a student column is covered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload

from app.absence.privacy import (
    ABSENCE_TABLES,
    absence_section,
    duo_section,
    erase_absence,
    signal_section,
)
from app.audit import record
from app.core.sql import rows_affected
from app.desk.privacy import DESK_SECTIONS, DESK_TABLES, erase_desk
from app.desk.safeguarding_privacy import (
    SAFEGUARDING_SECTIONS,
    SAFEGUARDING_TABLES,
    erase_safeguarding,
)
from app.exceptions import DomainError
from app.extensions import db
from app.models import AuditEvent, Flag, FloorEntry, Student, User
from app.models.floor import floor_entry_student
from app.privacy.sections import Section, plain


def student_section(student: Student) -> Section:
    return Section(
        "leerling",
        "Leerlinggegevens",
        [
            {
                "leerlingnummer": student.leerlingnummer,
                "roepnaam": student.first_name,
                "tussenvoegsel": student.tussenvoegsel,
                "achternaam": student.last_name,
                "klas": student.class_name,
                "locatie": student.location.code,
                "mentor": student.mentor,
                "actief": student.active,
                "uitgeschreven_op": plain(student.left_at),
            }
        ],
    )


def floor_section(student: Student) -> Section:
    entries = db.session.scalars(
        select(FloorEntry)
        .join(floor_entry_student, floor_entry_student.c.entry_id == FloorEntry.id)
        .where(floor_entry_student.c.student_id == student.id)
        .options(selectinload(FloorEntry.zone), selectinload(FloorEntry.staff))
        .order_by(FloorEntry.occurred_at)
    )
    return Section(
        "vloer",
        "Vloerregistraties",
        [
            {
                "tijdstip": plain(e.occurred_at),
                "soort": e.kind.value,
                "zone": e.zone.name,
                "onderwerp": plain(e.topic),
                "ernst": plain(e.severity),
                "uitkomst": plain(e.outcome),
                "vlag": plain(e.flag_type),
                "notitie": e.note,
                "medewerker": e.staff.name,
            }
            for e in entries
        ],
    )


def flag_section(student: Student) -> Section:
    flags = db.session.scalars(
        select(Flag)
        .where(Flag.student_id == student.id)
        .options(selectinload(Flag.raised_by))
        .order_by(Flag.raised_at)
    )
    return Section(
        "vlaggen",
        "Vlaggen",
        [
            {
                "soort": f.flag_type.value,
                "status": f.status.value,
                "gezet_op": plain(f.raised_at),
                "gezet_door": f.raised_by.name,
                "afgehandeld_op": plain(f.handled_at),
                "notitie_afhandeling": f.handled_note,
            }
            for f in flags
        ],
    )


def audit_section(student: Student) -> Section:
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.student_id == student.id)
        .options(selectinload(AuditEvent.user))
        .order_by(AuditEvent.at)
    )
    return Section(
        "audit",
        "Wie heeft de gegevens ingezien of gewijzigd",
        [
            {
                "tijdstip": plain(e.at),
                "gebruiker": e.user.name if e.user else "",
                "actie": e.action,
                "object": e.object_type,
            }
            for e in events
        ],
    )


def erase_floor(student: Student) -> int:
    """Unlink the student from floor entries (the anonymous count stays) and delete flags."""
    links = rows_affected(
        delete(floor_entry_student).where(floor_entry_student.c.student_id == student.id)
    )
    return links + rows_affected(delete(Flag).where(Flag.student_id == student.id))


# Providers in the order the export shows them; erasers run in order, the student last.
SECTION_PROVIDERS: list[Callable[[Student], Section]] = [
    student_section,
    floor_section,
    flag_section,
    absence_section,
    signal_section,
    duo_section,
    *DESK_SECTIONS,
    *SAFEGUARDING_SECTIONS,
    audit_section,
]
# Desk records first: their triage rows point at floor entries and flags.
ERASERS: list[Callable[[Student], int]] = [
    erase_safeguarding,
    erase_desk,
    erase_floor,
    erase_absence,
]
# Tables (with a student column) that the providers and erasers above cover.
COVERED_TABLES = (
    {"student", "floor_entry_student", "flag", "audit_event"}
    | ABSENCE_TABLES
    | DESK_TABLES
    | SAFEGUARDING_TABLES
)


def subject_access(student: Student) -> list[Section]:
    return [provider(student) for provider in SECTION_PROVIDERS]


def as_json(student: Student, sections: list[Section]) -> dict[str, Any]:
    return {
        "leerlingnummer": student.leerlingnummer,
        "gemaakt_op": plain(datetime.now().astimezone()),
        "secties": {s.key: {"titel": s.title, "rijen": s.rows} for s in sections},
    }


def erase_student(student: Student, by: User, reason: str) -> dict[str, int]:
    """Erase everything stored about ``student`` (AVG art. 17) and the student record itself.

    The audit trail keeps that an erasure happened (without the name); events about the student
    lose their link to them."""
    if not reason.strip():
        raise DomainError(
            gettext("Geef een reden voor het wissen (bijvoorbeeld het verzoek)."), field="reason"
        )
    counts = {eraser.__name__: eraser(student) for eraser in ERASERS}
    number = student.leerlingnummer
    db.session.execute(
        update(AuditEvent).where(AuditEvent.student_id == student.id).values(student_id=None)
    )
    record(by, "erase", "student", number, detail=reason.strip()[:400])
    db.session.delete(student)
    db.session.flush()
    return counts
