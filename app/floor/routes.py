"""Floor views: the offline shell and the JSON API the phone syncs with."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from app.access import find_visible_student, login_required, roles_required, visible_location_ids
from app.audit import record
from app.auth.plain_user import plain_user_view
from app.core import roles
from app.core.localtime import local_today
from app.core.name_search import query_words
from app.core.request_input import int_arg
from app.core.vocabulary import ClimateRating, EntryKind, FlagType, Outcome, Severity, Topic
from app.extensions import db
from app.floor.climate import check_summary, checks_for_day
from app.floor.inline_style import floor_style
from app.floor.rules import MAX_HEAD_COUNT, kinds_for_phone
from app.floor.scripts import FLOOR_MODULES
from app.floor.services import (
    MAX_BATCH,
    BatchError,
    accept_climate_checks,
    accept_entries,
    entries_for_day,
    entry_summary,
    floor_context,
    student_index,
    student_token,
)
from app.floor.today import quarantined_for_phone
from app.models import Student
from app.models.climate import CLIMATE_NOTE_MAX
from app.models.floor import NOTE_MAX_LENGTH
from app.observability.metrics import count_floor_batch
from app.students.services import search_students_ranked

bp = Blueprint("floor", __name__)

floor_staff = roles_required(roles.FLOOR_STAFF)


@bp.route("/vloer/")
def index() -> ResponseReturnValue:
    """The floor screen's shell. It holds no personal data (everything personal comes from the
    API below), so the service worker may cache it and open it offline."""
    labels = {
        name: {value: str(label) for value, label in vocabulary.choices()}
        for name, vocabulary in (
            ("kinds", EntryKind),
            ("topics", Topic),
            ("severities", Severity),
            ("outcomes", Outcome),
            ("flag_types", FlagType),
        )
    }
    details = {
        key: label
        for name in ("topics", "severities", "outcomes", "flag_types")
        for key, label in labels[name].items()
    }
    html = render_template(
        "floor/index.html",
        **labels,
        details=details,
        kind_fields=kinds_for_phone(),
        missing_messages=missing_messages(),
        max_head_count=MAX_HEAD_COUNT,
        climate_ratings={value: str(label) for value, label in ClimateRating.choices()},
        climate_note_max=CLIMATE_NOTE_MAX,
        note_max=NOTE_MAX_LENGTH,
        max_batch=MAX_BATCH,
        undo_ms=int(current_app.config["FLOOR_UNDO_MS"]),
        style=floor_style().markup,
        modules=FLOOR_MODULES,
    )
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"
    return response


def missing_messages() -> dict[str, str]:
    """What the phone says when a required field (app/floor/rules.py) is still empty."""
    return {
        "students": _("Kies eerst een leerling."),
        "topic": _("Kies een onderwerp."),
        "severity": _("Kies de ernst."),
        "outcome": _("Kies de uitkomst."),
        "flag_type": _("Kies de soort vlag."),
        "head_count": _("Vul een aantal tussen 1 en %(max)s in.", max=MAX_HEAD_COUNT),
    }


@bp.route("/api/floor/context")
@floor_staff
def context() -> ResponseReturnValue:
    return jsonify(user={"id": current_user.id}, **floor_context(current_user))


@bp.route("/api/floor/csrf")
@login_required
def csrf() -> ResponseReturnValue:
    """A fresh CSRF token before each send: a shell opened from cache holds none. Every
    signed-in user may ask (the push subscription API uses it too); it holds no data."""
    return jsonify(token=generate_csrf())


@bp.route("/api/floor/entries", methods=["POST"])
@floor_staff
@plain_user_view  # the sync reads only the user's id and locations (app/auth/plain_user.py)
def post_entries() -> ResponseReturnValue:
    if not request.is_json:
        return jsonify(error="unsupported_media_type", message="Stuur JSON."), 415
    # Not silent: JSON that is invalid, too deep or too large is answered 400/413 with a message.
    body = request.get_json()
    if not isinstance(body, dict) or not ({"entries", "climate"} & body.keys()):
        return jsonify(
            error="bad_request", message="Ongeldige JSON: verwacht entries of climate."
        ), 400
    # The user itself, not the proxy: a batch reads its id and locations once per entry.
    user = current_user._get_current_object()
    try:
        results = accept_entries(user, body.get("entries", []))
        results += accept_climate_checks(user, body.get("climate", []))
    except BatchError as error:
        db.session.rollback()
        return jsonify(error="bad_batch", message=str(error)), 400
    db.session.commit()
    count_floor_batch(r.status for r in results)
    return jsonify(results=[r.as_json() for r in results])


@bp.route("/api/floor/climate")
@floor_staff
def climate_today() -> ResponseReturnValue:
    """Today's own climate checks, so the sheet shows what was already tapped."""
    return jsonify(checks=[check_summary(c) for c in checks_for_day(current_user, local_today())])


@bp.route("/api/floor/today")
@floor_staff
def today() -> ResponseReturnValue:
    """Today's own entries, and the own entries kept in quarantine that the desk has not
    resolved yet (the phone shows those as "niet verwerkt — zie bureau")."""
    entries = entries_for_day(current_user, local_today())
    return jsonify(
        entries=[entry_summary(e) for e in entries],
        quarantined=quarantined_for_phone(current_user),
    )


@bp.route("/api/floor/students")
@floor_staff
def students() -> ResponseReturnValue:
    return jsonify(students=student_index(current_user))


@bp.route("/api/floor/students/search")
@floor_staff
def search() -> ResponseReturnValue:
    """Search by a few letters of a name, class or number; answers initials, class, number and
    location code, never names. ``location`` (the floor's chosen location) ranks first."""
    text = request.args.get("q", "").strip()[:40]
    if len(text) < 2 or not query_words(text):
        return jsonify(students=[])
    location_id = int_arg("location")
    if location_id not in visible_location_ids(current_user):
        location_id = None
    query = search_students_ranked(current_user, text, location_id=location_id, limit=8)
    found = db.session.scalars(query.options(selectinload(Student.location)))
    return jsonify(students=[student_token(s) for s in found])


@bp.route("/api/floor/students/<leerlingnummer>/name")
@floor_staff
def reveal_name(leerlingnummer: str) -> ResponseReturnValue:
    """One full name, on a deliberate tap, for a few seconds on screen. Audited."""
    student: Student | None = find_visible_student(current_user, leerlingnummer)
    if student is None:
        abort(404)
    record(
        current_user,
        "reveal_name",
        "student",
        student.leerlingnummer,
        student=student,
        detail="vloerscherm",
    )
    db.session.commit()
    return jsonify(n=student.leerlingnummer, name=student.full_name)
