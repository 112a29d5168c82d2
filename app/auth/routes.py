from __future__ import annotations

import time

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.security import check_password_hash

from app.access import login_required
from app.auth.forms import CodeForm, LoginForm, LogoutForm, ReauthForm
from app.auth.services import (
    authenticate,
    enable_totp,
    new_totp_secret,
    totp_uri,
    verify_totp,
)
from app.auth.sessions import end_session, start_session
from app.core.forms import submit
from app.extensions import db, limiter
from app.models import User
from app.urls import safe_next_url

bp = Blueprint("auth", __name__)

# The password step is done; the second factor must follow within this many seconds.
PENDING_2FA_SECONDS = 300


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _after_login_target() -> str:
    return safe_next_url(request.args.get("next")) or url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        db.session.commit()  # keep the failure counters, or the login time
        if user is None:
            form.password.errors.append(
                _(
                    "Onbekend e-mailadres of verkeerd wachtwoord. Na 5 mislukte pogingen wordt "
                    "een account 15 minuten geblokkeerd."
                )
            )
        elif user.totp_enabled:
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            session["2fa_user_id"] = user.id
            session["2fa_started"] = int(time.time())
            return redirect(url_for("auth.login_code", next=request.args.get("next")))
        else:
            start_session(user)
            return redirect(_after_login_target())
    status = 200 if not form.errors else 400
    return render_template("auth/login.html", form=form), status


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login_code() -> ResponseReturnValue:
    user_id = session.get("2fa_user_id")
    started = session.get("2fa_started", 0)
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.active or int(time.time()) - started > PENDING_2FA_SECONDS:
        session.pop("2fa_user_id", None)
        flash(_("Log opnieuw in."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if verify_totp(user.totp_secret, form.code.data or ""):
            start_session(user)
            return redirect(_after_login_target())
        form.code.errors.append(_("Die code klopt niet. Probeer de nieuwste code uit de app."))
    status = 200 if not form.errors else 400
    return render_template("auth/code.html", form=form), status


@bp.route("/account/tweestapsverificatie", methods=["GET", "POST"])
@login_required
def totp_setup() -> ResponseReturnValue:
    """Set up two-factor login: scan the QR code, confirm with a code."""
    secret = session.get("totp_setup_secret") or new_totp_secret()
    session["totp_setup_secret"] = secret
    form = CodeForm()
    if submit(
        form,
        lambda: enable_totp(current_user, secret, form.code.data or ""),
        success=_("Tweestapsverificatie staat aan."),
        fallback_field="code",
    ):
        session.pop("totp_setup_secret", None)
        return redirect(url_for("main.index"))
    uri = totp_uri(current_user, secret)
    svg = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    status = 200 if not form.errors else 400
    return render_template(
        "auth/totp_setup.html",
        form=form,
        qr_data_uri=svg,
        secret=secret,
        required=current_user.role.value in current_app.config["TOTP_REQUIRED_ROLES"],
    ), status


@bp.route("/herbevestigen", methods=["GET", "POST"])
@login_required
def reauthenticate() -> ResponseReturnValue:
    """Confirm the password (and code) before an export."""
    form = ReauthForm()
    if form.validate_on_submit():
        password_ok = check_password_hash(current_user.password_hash, form.password.data or "")
        code_ok = not current_user.totp_enabled or verify_totp(
            current_user.totp_secret, form.code.data or ""
        )
        if password_ok and code_ok:
            session["reauth_at"] = int(time.time())
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.index"))
        form.password.errors.append(_("Wachtwoord of code klopt niet."))
    status = 200 if not form.errors else 400
    return render_template("auth/reauth.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    form = LogoutForm()
    if not form.validate_on_submit():
        flash(_("Uitloggen mislukt, probeer het opnieuw."), "error")
        return redirect(url_for("main.index"))
    end_session()
    flash(_("Je bent uitgelogd."), "info")
    return redirect(url_for("auth.login", logged_out=1))
