"""Digest views: thin — check access, build the digest, audit, commit, render.

Access: ``app.core.roles.DIGEST_READERS`` (others 403), for their own locations only (another or
an unknown location answers 404, so existence does not leak).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.access import roles_required
from app.core import roles
from app.core.calendar_store import load_calendar
from app.core.localtime import local_today
from app.digest.access import can_open_cases, may_read_digest, openable_students
from app.digest.agenda import agenda, nothing_happened
from app.digest.auditing import audit_digest
from app.digest.builder import build_digest, default_day
from app.digest.formatting import ratio_text
from app.extensions import db
from app.models import Location, User

bp = Blueprint("digest", __name__, url_prefix="/digest")
digest_readers = roles_required(roles.DIGEST_READERS)

# "4,5 : 1" in the page's language.
bp.add_app_template_filter(ratio_text, "digest_ratio")

# No digest before this day (SchoolFit did not exist; far older dates overflow the time zone
# arithmetic).
EARLIEST_DAY = date(2020, 1, 1)


def _own_location(code: str) -> Location:
    """One of the user's locations by code (case-blind), else 404."""
    user: User = current_user
    wanted = code.strip().lower()
    for location in user.locations:
        if location.code.lower() == wanted and may_read_digest(user, location):
            return location
    abort(404)


def _parse_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _page_url(location: Location, day: date) -> str:
    return url_for("digest.page", code=location.code, day=day.isoformat())


@bp.route("/")
@digest_readers
def index() -> ResponseReturnValue:
    """The digest of the user's first location (or the one chosen), today or the last school day
    before it. Also the target of the page's location/date form (``?locatie=…&datum=…``)."""
    user: User = current_user
    locations = list(user.locations)
    if not locations:
        return render_template("digest/no_location.html")
    chosen = request.args.get("locatie", "").strip().lower()
    location = next((loc for loc in locations if loc.code.lower() == chosen), locations[0])
    today = local_today()
    day = _parse_day(request.args.get("datum"))
    if day is None or day > today:
        day = default_day(today=today)
    return redirect(_page_url(location, day))


@bp.route("/<code>/")
@digest_readers
def latest(code: str) -> ResponseReturnValue:
    """A location's digest of today, or of the last school day before today."""
    return redirect(_page_url(_own_location(code), default_day()))


@bp.route("/<code>/<day>")
@digest_readers
def page(code: str, day: str) -> ResponseReturnValue:
    """The digest of one location for one day: readable on a phone, printable."""
    user: User = current_user
    location = _own_location(code)
    chosen = _parse_day(day)
    if chosen is None or chosen < EARLIEST_DAY:
        abort(404)
    today = local_today()
    if chosen > today:
        return redirect(_page_url(location, default_day(today=today)))
    digest = build_digest(location, chosen, calendar=load_calendar())
    audit_digest(user, digest)
    db.session.commit()
    return render_template(
        "digest/page.html",
        digest=digest,
        today=today,
        locations=list(user.locations),
        tasks=agenda(digest.actions),
        quiet=not digest.info.school_day and nothing_happened(digest),
        student_links=openable_students(user, digest)
        if "students.detail" in current_app.view_functions
        else set(),
        case_links=can_open_cases(user, location.id)
        and "desk.case_detail" in current_app.view_functions,
    )
