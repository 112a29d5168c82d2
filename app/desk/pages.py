"""What the desk's views share: reading ids and students from the request, the choices of
staff and locations, and where to go back to after a POST."""

from __future__ import annotations

from collections.abc import Iterable

from flask import abort, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.access import find_visible_student
from app.access.cases import can_work_on_student
from app.core.vocabulary import Role
from app.desk.blueprint import MAX_ID
from app.desk.common import staff_at
from app.desk.inbox.services import own_entry
from app.extensions import db
from app.models import FloorEntry, Location, Student, User
from app.urls import safe_next_url


def back(default: str) -> Response:
    """Back to the page the form came from (its ``next`` field), else ``default``."""
    return redirect(safe_next_url(request.form.get("next")) or default)


def user_by_id(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id else None


def staff_choices(
    location_id: int, roles: Iterable[Role], empty: str | None = None
) -> list[tuple[int, str]]:
    """Staff with one of ``roles`` at the location, as select choices (optionally "nobody")."""
    choices = [(u.id, u.name) for u in staff_at(location_id, roles)]
    return ([(0, empty)] if empty is not None else []) + choices


def student_for_work(leerlingnummer: str | None) -> Student:
    """A student the user may work on (case workers at the student's location), else 404."""
    student = find_visible_student(current_user, (leerlingnummer or "")[:20])
    if student is None or not can_work_on_student(current_user, student):
        abort(404)
    return student


def entry_for(student: Student | None, entry_id: str | None) -> FloorEntry | None:
    """The own floor entry an action starts from (``?melding=``), checked against the student."""
    if not entry_id:
        return None
    if not entry_id.isdigit() or int(entry_id) > MAX_ID:
        abort(404)
    entry = own_entry(current_user, int(entry_id))
    if entry is None or (student is not None and student.id not in {s.id for s in entry.students}):
        abort(404)
    return entry


def own_locations() -> list[Location]:
    return list(
        db.session.scalars(
            select(Location)
            .where(Location.id.in_(current_user.location_ids or {-1}))
            .order_by(Location.code)
        )
    )


def location_choices(locations: Iterable[Location]) -> list[tuple[int, str]]:
    return [(loc.id, f"{loc.code} – {loc.name}") for loc in locations]


def handled_url(entry_id: int) -> str:
    """The inbox after one of its entries was worked out on another page (a report, a call, a
    case): on top, what became of it, with a link to what was saved."""
    return url_for("desk.inbox", verwerkt=entry_id, _anchor="net-verwerkt")
