"""Single sign-on views: start the OpenID Connect flow, its callback, re-authentication at the
provider, and the provider's logout (docs/sso.md)."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.access import login_required
from app.auth.devices import is_known_device
from app.auth.identity import Refusal, bound_user, fresh_authentication, sign_in_identity
from app.auth.routes import continue_login
from app.auth.sso import (
    SSOError,
    VerifiedLogin,
    authorize_redirect,
    end_session_url,
    finish_login,
    sso_enabled,
)
from app.extensions import db, limiter
from app.urls import safe_next_url

bp = Blueprint("sso", __name__)

PURPOSE_KEY = "sso_purpose"
NEXT_KEY = "sso_next"
ASKED_AT_KEY = "sso_asked_at"


def _address_limit() -> str:
    return str(current_app.config["LOGIN_ADDRESS_RATE_LIMIT"])


def _label() -> str:
    return str(current_app.config["OIDC_LABEL"])


def _start(purpose: str) -> ResponseReturnValue:
    if not sso_enabled():  # no single sign-on set up: the password pages
        target = "auth.reauthenticate" if purpose == "reauth" else "auth.login"
        return redirect(url_for(target, next=safe_next_url(request.args.get("next"))))
    session[PURPOSE_KEY] = purpose
    session[NEXT_KEY] = safe_next_url(request.args.get("next"))
    session[ASKED_AT_KEY] = int(time.time())
    try:
        return authorize_redirect(reauthenticate=purpose == "reauth")
    except (OSError, ValueError) as error:  # discovery failed: the provider cannot be reached
        current_app.logger.warning("sso: cannot start: %s", error)
        return _failed_page()


def _failed_page() -> ResponseReturnValue:
    message = _(
        "Inloggen met %(label)s is niet gelukt. Probeer het opnieuw vanaf de inlogpagina.",
        label=_label(),
    )
    return render_template("auth/sso_refused.html", message=message, again=True), 400


def _refused_message(refusal: Refusal | None) -> str:
    if refusal is Refusal.DEACTIVATED:
        return _(
            "Je account in SchoolFit staat uit. Vraag het functioneel beheer om het weer aan "
            "te zetten."
        )
    if refusal is Refusal.TAKEN:
        return _(
            "Het account met dit e-mailadres hoort al bij een andere aanmelding bij "
            "%(label)s. Vraag het functioneel beheer om hulp.",
            label=_label(),
        )
    return _("Je hebt nog geen account in SchoolFit; vraag het functioneel beheer.")


@bp.route("/login/sso")
@limiter.limit(_address_limit, exempt_when=is_known_device)
def login() -> ResponseReturnValue:
    """Start signing in at the provider (authorization code flow with PKCE)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    return _start("login")


@bp.route("/login/sso/herbevestigen")
@login_required
@limiter.limit(_address_limit, exempt_when=is_known_device)
def reauthenticate() -> ResponseReturnValue:
    """Confirm at the provider before an export: it must sign the person in again now."""
    return _start("reauth")


@bp.route("/login/sso/callback")
@limiter.limit(_address_limit, exempt_when=is_known_device)
def callback() -> ResponseReturnValue:
    """The provider sends the browser back here with the code (or an error)."""
    if not sso_enabled():
        return redirect(url_for("auth.login"))
    purpose = session.pop(PURPOSE_KEY, "login")
    next_url = session.pop(NEXT_KEY, None)
    asked_at = int(session.pop(ASKED_AT_KEY, 0))
    try:
        verified = finish_login()
    except SSOError as error:
        current_app.logger.warning("sso: login refused: %s", error)
        return _failed_page()
    if purpose == "reauth":
        return _finish_reauth(verified, next_url, asked_at)
    issuer = str(current_app.config["OIDC_ISSUER"])
    try:
        outcome = sign_in_identity(
            issuer, verified.subject, verified.claims, current_app.config["OIDC_EMAIL_CLAIMS"]
        )
    except IntegrityError:  # the same first login on two tabs at once: one binds, this one not
        db.session.rollback()
        return _failed_page()
    if outcome.user is None:
        db.session.rollback()
        current_app.logger.info(
            "sso: no account for sub %s (%s)",
            verified.subject,
            outcome.refusal.value if outcome.refusal else "?",
        )
        message = _refused_message(outcome.refusal)
        return render_template("auth/sso_refused.html", message=message, again=False), 403
    db.session.commit()  # the binding and the login time, before the session
    return continue_login(outcome.user, next_url, via_sso=True)


def _finish_reauth(
    verified: VerifiedLogin, next_url: str | None, asked_at: int
) -> ResponseReturnValue:
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    issuer = str(current_app.config["OIDC_ISSUER"])
    user = bound_user(issuer, verified.subject)
    if user is None or user.id != current_user.id:
        current_app.logger.warning("sso: re-authentication as another identity refused")
        message = _(
            "Je hebt je bij %(label)s aangemeld als iemand anders dan wie in SchoolFit is "
            "ingelogd.",
            label=_label(),
        )
        return render_template("auth/sso_refused.html", message=message, again=False), 403
    now = int(time.time())
    if not asked_at or not fresh_authentication(
        verified.claims.get("auth_time"), asked_at=asked_at, now=now
    ):
        current_app.logger.warning("sso: re-authentication without a fresh auth_time")
        return _failed_page()
    session["reauth_at"] = now
    return redirect(safe_next_url(next_url) or url_for("main.index"))


@bp.route("/login/sso/uitloggen")
def logout() -> ResponseReturnValue:
    """After SchoolFit's logout: sign out at the provider too (its end_session_endpoint), and
    come back to the login page."""
    if not sso_enabled():
        return redirect(url_for("auth.login"))
    back = f"{str(current_app.config['APP_BASE_URL']).rstrip('/')}/login"
    target = end_session_url(back)
    return redirect(target or url_for("auth.login"))
