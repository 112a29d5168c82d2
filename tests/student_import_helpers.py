"""The student import in tests: export files, uploading one, the preview's confirmation form,
and open work (a case, a flag, a handover, a signal) made through the app's own services."""

from __future__ import annotations

import io
import re
from datetime import time

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.core.vocabulary import CaseStatus
from app.desk.cases.services import open_case
from app.desk.handover.services import submit_handover
from app.desk.handover.slots import upcoming_moments
from app.extensions import db
from app.floor.services import accept_entries
from app.models import HandoverSlot, Student, User
from tests.absence_helpers import add_lateness_signal
from tests.client_helpers import csrf_token_from
from tests.desk_helpers import floor_item, handover_input

HEADER = "leerlingnummer;roepnaam;tussenvoegsel;achternaam;klas;locatie;mentor"
UPLOAD = "/beheer/leerlingen/import"
PREVIEW = "/beheer/leerlingen/import/voorbeeld"
CONFIRM = "/beheer/leerlingen/import/bevestigen"
CANCEL = "/beheer/leerlingen/import/annuleren"


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


def student_line(student: Student, **changes: str) -> str:
    """A student as a line of an export (with ``changes``)."""
    values = {
        "leerlingnummer": student.leerlingnummer,
        "roepnaam": student.first_name,
        "tussenvoegsel": student.tussenvoegsel,
        "achternaam": student.last_name,
        "klas": student.class_name,
        "locatie": student.location.code,
        "mentor": student.mentor,
    }
    values.update(changes)
    return ";".join(values.values())


def count_students(*, active: bool | None = None) -> int:
    query = select(func.count(Student.id))
    if active is not None:
        query = query.where(Student.active.is_(active))
    return db.session.scalar(query) or 0


def upload(client: FlaskClient, data: bytes, *, full: bool = True) -> object:
    token = csrf_token_from(client, UPLOAD)
    form: dict[str, object] = {"csrf_token": token, "file": (io.BytesIO(data), "export.csv")}
    if full:
        form["full"] = "y"
    return client.post(UPLOAD, data=form, content_type="multipart/form-data")


def confirmation(page: str, **extra: str) -> dict[str, str]:
    """The confirmation form of a preview page as the browser sends it (``extra``: a ticked
    box, or a field changed)."""
    fields = dict(
        re.findall(
            r'id="(csrf_token|once|token|fingerprint)" name="[^"]+" type="hidden" value="([^"]*)"',
            page,
        )
    )
    assert {"csrf_token", "token", "fingerprint"} <= set(fields), "no confirmation form"
    return {**fields, **extra}


def open_all_work(user: User, student: Student) -> None:
    """An open case handed over to COPA (waiting), an open flag and an active signal."""
    accept_entries(
        user, [floor_item(student.location, students=(student.leerlingnummer,), flag_type="zorg")]
    )
    case = open_case(
        user, student, reason="verzuim", status=CaseStatus.PREVENTIEF, owner=user, teamleider=None
    )
    slot = HandoverSlot(
        location_id=student.location_id, weekday=1, starts_at=time(13, 0), place="", active=True
    )
    db.session.add(slot)
    db.session.flush()
    submit_handover(user, case, handover_input(upcoming_moments(slot.location_id)[0].value))
    add_lateness_signal(student.id)
    db.session.commit()
