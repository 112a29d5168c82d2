"""The LVS export (a CSV of a period) and the audit of "kopieer voor LVS"."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, jsonify, make_response, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.access import login_required, roles_required
from app.auth.sessions import recent_auth_required
from app.core import roles
from app.core.fields import choice_list
from app.core.forms import form_page, submit
from app.core.localtime import local_today
from app.desk.blueprint import MAX_ID, bp
from app.desk.conversations.services import find_report
from app.desk.export import services
from app.desk.export.forms import ExportForm
from app.desk.handover.queries import find_handover
from app.desk.pages import location_choices, own_locations
from app.extensions import db


@bp.route("/lvs-export", methods=["GET", "POST"])
@roles_required(roles.CASE_WORKERS)
@recent_auth_required
def export() -> ResponseReturnValue:
    locations = own_locations()
    form = ExportForm()
    form.location.choices = choice_list([(0, _("Al mijn locaties")), *location_choices(locations)])
    if request.method == "GET":
        today = local_today()
        form.start.data = today - timedelta(days=today.weekday())
        form.end.data = today
        form.location.data = 0
    done = submit(
        form,
        lambda: services.export_period(
            current_user,
            [form.location.data] if form.location.data else [loc.id for loc in locations],
            form.start.data,
            form.end.data,
            reports=bool(form.reports.data),
            handovers=bool(form.handovers.data),
        ),
    )
    if done:
        response = make_response(done.value.content)
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
        response.headers["Content-Disposition"] = f'attachment; filename="{done.value.filename}"'
        return response
    return form_page("desk/export.html", form)


@bp.route("/lvs/gekopieerd", methods=["POST"])
@login_required
def lvs_copied() -> ResponseReturnValue:
    """The "kopieer voor LVS" button reports a copy, so the export is in the audit trail."""
    body = request.get_json(silent=True) or {}
    kind = body.get("kind") if isinstance(body, dict) else None
    object_id = body.get("id") if isinstance(body, dict) else None
    if not isinstance(object_id, int) or isinstance(object_id, bool) or not 0 < object_id <= MAX_ID:
        return jsonify(error="bad_request"), 400
    if kind == "gespreksverslag":
        report = find_report(current_user, object_id)
        if report is None:
            abort(404)
        services.record_report_copied(current_user, report)
    elif kind == "overdracht":
        found = find_handover(current_user, object_id)
        if found is None:
            abort(404)
        services.record_handover_copied(current_user, found[0])
    else:
        return jsonify(error="bad_request"), 400
    db.session.commit()
    return jsonify(ok=True)
