"""The desk blueprint (``/bureau``), where desk mode starts, and the checks every desk page
makes before it runs: ids within range, and a confirmed screened-off place."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from app.access import login_required
from app.core import roles
from app.core.forms import form_status
from app.desk.inbox.forms import ScreenedPlaceForm
from app.models.types import utcnow
from app.urls import safe_next_url

bp = Blueprint("desk", __name__, url_prefix="/bureau")

MAX_ID = 2_147_483_647  # PostgreSQL integer; larger ids cannot exist
SCREENED_KEY = "desk_screened_at"
# Pages without personal data: no screened-place confirmation needed.
UNSCREENED_ENDPOINTS = frozenset({"desk.screened", "desk.slots", "desk.slot_toggle"})


@bp.url_value_preprocessor
def refuse_impossible_ids(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """An id beyond the database's integer range answers 404 (not a database error)."""
    for value in (values or {}).values():
        if isinstance(value, int) and value > MAX_ID:
            abort(404)


@bp.before_request
def require_screened_place() -> Response | None:
    """The first desk page of a session asks to confirm a screened-off place (case content is
    for the desk, not for a laptop in the canteen: the school's evaluation at ZS)."""
    if not current_user.is_authenticated or request.endpoint in UNSCREENED_ENDPOINTS:
        return None
    if session.get(SCREENED_KEY):
        return None
    if request.method == "GET":
        target = request.full_path.rstrip("?")
    else:
        target = request.referrer or url_for("desk.inbox")
    return redirect(url_for("desk.screened", next=safe_next_url(target) or None))


@bp.route("/afgeschermd", methods=["GET", "POST"])
@login_required
def screened() -> ResponseReturnValue:
    form = ScreenedPlaceForm()
    if request.method == "GET":
        form.next.data = safe_next_url(request.args.get("next")) or ""
    if form.validate_on_submit():
        session[SCREENED_KEY] = utcnow().isoformat(timespec="minutes")
        return redirect(safe_next_url(form.next.data) or url_for("desk.home"))
    return render_template("desk/screened.html", form=form), form_status(form)


@bp.route("/start")
@login_required
def home() -> ResponseReturnValue:
    """Where desk mode starts for each role."""
    if current_user.role in roles.DESK_STAFF:
        return redirect(url_for("desk.inbox"))
    if current_user.role in roles.CASE_READERS:
        return redirect(url_for("desk.cases"))
    if current_user.role in roles.MELDCODE_COORDINATORS:
        return redirect(url_for("desk.meldcode"))
    return redirect(url_for("main.index"))
