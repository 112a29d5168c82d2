"""Session rules: sessions kept on the server, idle timeout, absolute lifetime, two-factor
enforcement, re-authentication.

The session cookie is signed, and it also carries a random token whose hash is a row of
``user_session`` (app/auth/services.py). Every request's user is loaded through that row, so
deleting it — logout, "log out everywhere", a new password, deactivation — ends the session on
every app instance at once, and a copied cookie replayed afterwards is signed out: pages send
it to the login page, the API answers 401.

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
    Response,
    after_this_request,
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

from app.auth.devices import remember_device
from app.auth.plain_user import PlainUser, plain_session_user, wants_plain_user
from app.auth.services import (
    close_session,
    open_session,
    session_user,
    session_user_pk,
    token_hash,
)
from app.extensions import db
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


# The session key of the server-side session's token.
SESSION_ID_KEY = "sid"


def load_session_user(user_id: str) -> User | PlainUser | None:
    """Flask-Login's user loader: the user of this session while its row exists — as plain
    values for a view marked with ``plain_user_view`` (the floor's sync), else the model."""
    token = str(session.get(SESSION_ID_KEY) or "")
    if wants_plain_user():
        user_pk = session_user_pk(user_id, token)
        return None if user_pk is None else plain_session_user(user_pk, token_hash(token))
    return session_user(user_id, token)


# Set on a session that signed in with single sign-on (logout then offers the provider's).
VIA_SSO_KEY = "via_sso"


def start_session(user: User, *, via_sso: bool = False) -> None:
    """Sign ``user`` in on a fresh session, keeping only the chosen language. Adds the
    session's row (the caller commits) and remembers this browser as a known device.
    ``via_sso``: the login was a single sign-on."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session[SESSION_ID_KEY] = open_session(user)
    login_user(user)
    user_id = user.id

    @after_this_request
    def known_device(response: Response) -> Response:
        return remember_device(response, user_id)

    session.permanent = True
    now = int(time.time())
    session["login_at"] = now
    session["last_active"] = now
    session["reauth_at"] = now
    if via_sso:
        session[VIA_SSO_KEY] = True
    # The CSRF token goes into the new session now, not when a page first asks for it: a
    # response that changes the session re-sends its cookie, so a background request that
    # started before the token was made could otherwise send back a session without it (seen
    # as a logout refused for its token on the floor screen). Flask-WTF caches the token of
    # this request in ``g``: drop it, so a token is made for (and stored in) the new session.
    g.pop(current_app.config["WTF_CSRF_FIELD_NAME"], None)
    generate_csrf()


def end_session() -> None:
    """Sign out of this session and delete its row (the caller commits)."""
    close_session(str(session.get(SESSION_ID_KEY) or ""))
    forget_session()


def forget_session() -> None:
    """Empty the cookie's session, keeping only the chosen language."""
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
    db.session.commit()
    if request.path.startswith("/api/"):
        return jsonify(error="login_required", message=message), 401
    flash(message, "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


# Requests a browser makes on its own, beside the page (the service worker's update check, the
# manifest, files, probes): they need no session and must never write it. Two responses that
# each carry the session cookie race: the later one wins, so a background answer sent with the
# session as it was (say, Flask-Login marking it non-fresh because the worker's request came with
# another User-Agent) would wipe the message the page's own answer had just put in it.
BACKGROUND_ENDPOINTS = frozenset(
    {
        "static",
        "main.service_worker",
        "main.manifest",
        "main.offline",
        "main.healthz",
        "main.readyz",
        "metrics.metrics",
    }
)


# The service worker's own requests (its precache of the floor shell at install) say so in this
# header: like the endpoints above they run beside the page, whatever their endpoint.
BACKGROUND_HEADER = "X-SchoolFit-Background"


def is_background_request() -> bool:
    return request.endpoint in BACKGROUND_ENDPOINTS or BACKGROUND_HEADER in request.headers


def register_session_rules(app: Flask) -> None:
    @app.after_request
    def leave_session_alone(response: Response) -> Response:
        if is_background_request():
            session.modified = False
        return response

    @app.before_request
    def enforce_session_rules() -> Any:
        if request.endpoint == "static":
            return None
        if not current_user.is_authenticated:
            if "_user_id" in session:
                # Signed in by the cookie, but the server ended the session (logout elsewhere,
                # "log out everywhere", a new password, deactivation): forget it here too, and
                # say so on the next page (the login page; on the floor, after its banner).
                forget_session()
                flash(_("Je sessie is beëindigd. Log opnieuw in."), "info")
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
