"""The outstanding-actions page ("openstaand")."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.access import roles_required
from app.core import roles
from app.core.localtime import local_today
from app.desk.blueprint import bp
from app.desk.outstanding.queries import outstanding_for


@bp.route("/openstaand")
@roles_required(roles.CASE_WORKERS)
def outstanding() -> ResponseReturnValue:
    today = local_today()
    return render_template(
        "desk/outstanding.html", data=outstanding_for(current_user, today=today), today=today
    )
