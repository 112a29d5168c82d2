from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from app.access import login_required
from app.core import roles
from app.extensions import limiter
from app.floor.scripts import FLOOR_MODULES
from app.main.health import readiness
from app.main.workplace import (
    DESK,
    WORKPLACE_COOKIE,
    WORKPLACE_COOKIE_MAX_AGE,
    WORKPLACES,
    landing_workplace,
)
from app.urls import safe_next_url, shows_on_get
from config.settings import PROJECT_ROOT

bp = Blueprint("main", __name__)

F = TypeVar("F", bound=Callable[..., Any])

SERVICE_WORKER_DIR = PROJECT_ROOT / "service_worker"


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """Each role starts where its work is: floor staff on the floor screen on a phone and at the
    desk on a laptop (app/main/workplace.py), the other roles on the start page's tiles."""
    if current_user.role in roles.FLOOR_STAFF and "floor.index" in current_app.view_functions:
        workplace = landing_workplace(
            request.cookies.get(WORKPLACE_COOKIE),
            request.headers.get("User-Agent", ""),
            request.headers.get("Sec-CH-UA-Mobile"),
        )
        return redirect(_workplace_url(workplace))
    return render_template("main/index.html")


def _workplace_url(workplace: str) -> str:
    if workplace == DESK and "desk.home" in current_app.view_functions:
        return url_for("desk.home")
    return url_for("floor.index")


@bp.route("/werkplek/<werkplek>")
@login_required
def workplace(werkplek: str) -> ResponseReturnValue:
    """Go to the floor or the desk, and start there on this device from now on. (A GET, as it
    is a link in both menus: it changes nothing on the server, only this browser's preference.)"""
    if werkplek not in WORKPLACES:
        return redirect(url_for("main.index"))
    response = redirect(_workplace_url(werkplek))
    response.set_cookie(
        WORKPLACE_COOKIE,
        werkplek,
        max_age=WORKPLACE_COOKIE_MAX_AGE,
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.route("/taal/<code>", methods=["POST"])
def set_language(code: str) -> ResponseReturnValue:
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = safe_next_url(request.form.get("next"))
    if target is None or not shows_on_get(target):  # an address only a form posts to
        target = url_for("main.index")
    return redirect(target)


# The app shell the service worker precaches. None of these may hold personal data.
SHELL_STATIC = (
    "css/app.css",
    "css/floor.css",
    "js/app.js",
    *FLOOR_MODULES,
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
)
SHELL_PAGES = ("/vloer/", "/offline", "/manifest.webmanifest")


def _shell_urls() -> list[str]:
    return [*SHELL_PAGES, *(f"/static/{path}" for path in SHELL_STATIC)]


def _shell_version() -> str:
    """A hash over the worker, the shell's static files and templates: any change to them makes
    the worker's bytes differ, so browsers install the new version and drop the old cache."""
    cached: str | None = current_app.extensions.get("schoolfit_shell_version")
    if cached and not current_app.debug:
        return cached
    digest = hashlib.sha256()
    static_root = Path(current_app.static_folder or "")
    template_root = PROJECT_ROOT / "templates"
    files = [
        SERVICE_WORKER_DIR / "sw.js",
        template_root / "floor/index.html",
        template_root / "main/offline.html",
        static_root / "manifest.webmanifest",
    ]
    files += [static_root / path for path in SHELL_STATIC]
    for path in files:
        digest.update(path.read_bytes())
    version = digest.hexdigest()[:12]
    current_app.extensions["schoolfit_shell_version"] = version
    return version


@bp.route("/sw.js")
def service_worker() -> ResponseReturnValue:
    """Served from the root so its scope is the whole app; always revalidated."""
    source = (SERVICE_WORKER_DIR / "sw.js").read_text(encoding="utf-8")
    source = source.replace("__SHELL_VERSION__", _shell_version()).replace(
        "__SHELL_URLS__", json.dumps(_shell_urls())
    )
    response = Response(source, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/manifest.webmanifest")
def manifest() -> ResponseReturnValue:
    response = send_from_directory(current_app.static_folder or "", "manifest.webmanifest")
    response.headers["Content-Type"] = "application/manifest+json"
    return response


@bp.route("/offline")
def offline() -> ResponseReturnValue:
    """Shown by the service worker when a page is not cached and the network is gone."""
    return render_template("main/offline.html")


def plain_http_allowed(view: F) -> F:
    """Flask-Talisman's per-view option: this view is never redirected to HTTPS."""
    view.__dict__["talisman_view_options"] = {"force_https": False}
    return view


def _probe_answer(body: Mapping[str, object], status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


# The load balancer's probes: plain HTTP from inside the network (never redirected to HTTPS),
# never rate-limited, and they touch no session.
@bp.route("/healthz")
@plain_http_allowed
@limiter.exempt
def healthz() -> ResponseReturnValue:
    """The process is alive and serving (it does not ask the database: a database outage must
    not make the load balancer restart every app process)."""
    return _probe_answer({"status": "ok"}, 200)


@bp.route("/readyz")
@plain_http_allowed
@limiter.exempt
def readyz() -> ResponseReturnValue:
    """Whether this instance may get traffic: the database answers and is migrated to this
    code's head, and Redis answers when it is configured. 503 when not."""
    checks = readiness()
    ready = all(checks.values())
    body = {"status": "ready" if ready else "unavailable", "checks": checks}
    return _probe_answer(body, 200 if ready else 503)
