"""Session rules: idle timeout, absolute lifetime, two-factor enforcement, re-authentication.

The floor's offline queue lives in IndexedDB on the phone, so it survives any of these: the
floor screen shows "Opnieuw inloggen" and sends the queue after the next login.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import (
    Flask,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from app.models import User

F = TypeVar("F", bound=Callable[..., Any])

# The idle clock is kept to the minute: rewriting ``last_active`` on every request would make
# every response re-sign and re-send the session cookie (a tap on the floor is a POST).
ACTIVITY_RESOLUTION_SECONDS = 60

# Endpoints a signed-in user may reach before setting up a required second factor.
SETUP_ALLOWED = frozenset(
    {
        "auth.totp_setup",
        "auth.logout",
        "static",
        "main.service_worker",
        "main.manifest",
        "main.offline",
        "main.set_language",
        "floor.index",
    }
)


def start_session(user: User) -> None:
    """Sign ``user`` in on a fresh session, keeping only the chosen language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    session.permanent = True
    now = int(time.time())
    session["login_at"] = now
    session["last_active"] = now
    session["reauth_at"] = now
    # The CSRF token goes into the new session now, not when a page first asks for it: a
    # response that changes the session re-sends its cookie, so a background request that
    # started before the token was made could otherwise send back a session without it (seen
    # as a logout refused for its token on the floor screen). Flask-WTF caches the token of
    # this request in ``g``: drop it, so a token is made for (and stored in) the new session.
    g.pop(current_app.config["WTF_CSRF_FIELD_NAME"], None)
    generate_csrf()


def end_session() -> None:
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _is_activity() -> bool:
    """A person did something: any page, or a POST to the API (a tap on the floor).
    The floor's background GETs (tokens, today's list) do not keep a session alive."""
    return not request.path.startswith("/api/") or request.method == "POST"


def _expired_response(message: str) -> Any:
    end_session()
    if request.path.startswith("/api/"):
        return jsonify(error="login_required", message=message), 401
    flash(message, "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def register_session_rules(app: Flask) -> None:
    @app.before_request
    def enforce_session_rules() -> Any:
        if not current_user.is_authenticated or request.endpoint == "static":
            return None
        now = int(time.time())
        login_at = session.setdefault("login_at", now)
        last_active = session.get("last_active", now)
        idle_limit = int(current_app.config["IDLE_TIMEOUT"].total_seconds())
        absolute_limit = int(current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds())
        if now - login_at > absolute_limit:
            return _expired_response(_("Je sessie is verlopen. Log opnieuw in."))
        if now - last_active > idle_limit:
            minutes = idle_limit // 60
            return _expired_response(
                _(
                    "Je bent automatisch uitgelogd na %(minutes)s minuten zonder activiteit.",
                    minutes=minutes,
                )
            )
        if _is_activity() and now - last_active >= ACTIVITY_RESOLUTION_SECONDS:
            session["last_active"] = now

        required = current_app.config["TOTP_REQUIRED_ROLES"]
        needs_setup = current_user.role.value in required and not current_user.totp_enabled
        if needs_setup and request.endpoint not in SETUP_ALLOWED:
            if request.path.startswith("/api/"):
                message = _("Stel eerst tweestapsverificatie in.")
                return jsonify(error="2fa_required", message=message), 403
            return redirect(url_for("auth.totp_setup"))
        return None


def recent_auth_required(view: F) -> F:
    """Exports and other sensitive actions ask for the password again when the last
    authentication is older than REAUTH_WINDOW."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        window = int(current_app.config["REAUTH_WINDOW"].total_seconds())
        if int(time.time()) - session.get("reauth_at", 0) > window:
            return redirect(url_for("auth.reauthenticate", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    wrapped.__dict__["requires_recent_auth"] = True
    return cast(F, wrapped)
