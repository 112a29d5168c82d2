"""The alerts page per user, one alert (opening it stops the e-mail fallback), acknowledging,
and the push subscription API the menu's "Meldingen aan" uses."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.access import may_open, roles_required
from app.alerts import services
from app.alerts.forms import AcknowledgeForm
from app.alerts.keys import current_keys
from app.core import roles
from app.core.forms import form_action
from app.exceptions import DomainError
from app.extensions import db
from app.models import Alert

bp = Blueprint("alerts", __name__)

recipients = roles_required(roles.ALERT_RECIPIENTS)
MAX_ID = 2_147_483_647


@bp.app_context_processor
def push_context() -> dict[str, Any]:
    """The menu's "Meldingen aan": the applicationServerKey (empty: push is off)."""

    def push_public_key() -> str:
        if not may_open("alerts.index"):
            return ""
        keys = current_keys(current_app.config, current_app.instance_path)
        return keys.public_key if keys is not None else ""

    return {"push_public_key": push_public_key}


def _alert_or_404(alert_id: int) -> Alert:
    alert = services.find_alert(current_user, alert_id) if alert_id <= MAX_ID else None
    if alert is None:
        abort(404)
    return alert


@bp.route("/meldingen/")
@recipients
def index() -> ResponseReturnValue:
    return render_template(
        "alerts/index.html",
        alerts=services.alerts_for(current_user),
        devices=services.device_count(current_user),
        push_on=current_keys(current_app.config, current_app.instance_path) is not None,
    )


def _detail(alert: Alert, form: AcknowledgeForm, status: int = 200) -> ResponseReturnValue:
    entry = services.open_alert(current_user, alert)
    db.session.commit()
    return render_template("alerts/detail.html", alert=alert, entry=entry, form=form), status


@bp.route("/meldingen/<int:alert_id>")
@recipients
def detail(alert_id: int) -> ResponseReturnValue:
    return _detail(_alert_or_404(alert_id), AcknowledgeForm())


@bp.route("/meldingen/<int:alert_id>/afhandelen", methods=["POST"])
@recipients
def acknowledge(alert_id: int) -> ResponseReturnValue:
    alert = _alert_or_404(alert_id)
    form = AcknowledgeForm()
    return form_action(
        form,
        lambda: services.acknowledge(current_user, alert, form.note.data),
        success=_("Melding afgehandeld."),
        then=url_for("alerts.detail", alert_id=alert.id),
        otherwise=lambda: _detail(_alert_or_404(alert_id), form, 400),
    )


def _json_body() -> object:
    if not request.is_json:
        return None
    return request.get_json(silent=True)


@bp.route("/api/push/subscriptions", methods=["POST"])
@recipients
def subscribe() -> ResponseReturnValue:
    """Store this browser's ``PushSubscription.toJSON()`` (X-CSRFToken from /api/floor/csrf)."""
    try:
        services.subscribe(current_user, _json_body())
    except DomainError as error:
        db.session.rollback()
        return jsonify(error="bad_subscription", message=error.message), 400
    db.session.commit()
    return jsonify(ok=True, devices=services.device_count(current_user)), 201


@bp.route("/api/push/subscriptions", methods=["DELETE"])
@recipients
def unsubscribe() -> ResponseReturnValue:
    try:
        removed = services.unsubscribe(current_user, _json_body())
    except DomainError as error:
        db.session.rollback()
        return jsonify(error="bad_subscription", message=error.message), 400
    db.session.commit()
    return jsonify(ok=True, removed=removed, devices=services.device_count(current_user))
