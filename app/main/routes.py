from __future__ import annotations

from flask import (
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app import PROJECT_ROOT
from app.main import bp
from app.models import Role
from app.urls import safe_next_url

SERVICE_WORKER_DIR = PROJECT_ROOT / "service_worker"


@bp.route("/")
@login_required
def index() -> str | Response:
    """Each role starts where its work is: staff on the floor screen."""
    if current_user.role == Role.MEDEWERKER and "floor.index" in current_app.view_functions:
        return redirect(url_for("floor.index"))
    return render_template("main/index.html")


@bp.route("/taal/<code>", methods=["POST"])
def set_language(code: str) -> Response:
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))


@bp.route("/sw.js")
def service_worker() -> Response:
    """Served from the root so its scope is the whole app; always revalidated."""
    response = send_from_directory(SERVICE_WORKER_DIR, "sw.js", max_age=0)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/manifest.webmanifest")
def manifest() -> Response:
    response = send_from_directory(current_app.static_folder or "", "manifest.webmanifest")
    response.headers["Content-Type"] = "application/manifest+json"
    return response


@bp.route("/offline")
def offline() -> str:
    """Shown by the service worker when a page is not cached and the network is gone."""
    return render_template("main/offline.html")


@bp.route("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    from sqlalchemy import text

    from app.extensions import db

    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}, 200
