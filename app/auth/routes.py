from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.auth import bp
from app.auth.forms import LoginForm, LogoutForm
from app.auth.services import authenticate
from app.extensions import db, limiter
from app.urls import safe_next_url


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            db.session.rollback()
            form.password.errors.append(_("Onbekend e-mailadres of verkeerd wachtwoord."))
        else:
            db.session.commit()
            # A fresh session on login (prevents fixation), keeping only the chosen language.
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            login_user(user)
            session.permanent = True
            target = safe_next_url(request.args.get("next"))
            return redirect(target or url_for("main.index"))
    status = 200 if not form.errors else 400
    return render_template("auth/login.html", form=form), status  # type: ignore[return-value]


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    form = LogoutForm()
    if not form.validate_on_submit():
        flash(_("Uitloggen mislukt, probeer het opnieuw."), "error")
        return redirect(url_for("main.index"))
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Je bent uitgelogd."), "info")
    return redirect(url_for("auth.login", logged_out=1))
