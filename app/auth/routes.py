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

from app.access import login_required
from app.auth.devices import attempt_key, client_key, is_known_device
from app.auth.forms import (
    CodeForm,
    LoginForm,
    LogoutEverywhereForm,
    LogoutForm,
    PasswordChangeForm,
    ReauthForm,
)
from app.auth.identity import password_login_allowed
from app.auth.notify import send_lockout_mail
from app.auth.services import (
    Attempt,
    authenticate,
    change_own_password,
    confirm_code,
    confirm_identity,
    enable_totp,
    log_out_everywhere,
    new_totp_secret,
    totp_uri,
)
from app.auth.sessions import VIA_SSO_KEY, end_session, forget_session, start_session
from app.auth.sso import sso_enabled
from app.auth.throttle import claim_lockout_mail, describe_client
from app.core.forms import submit
from app.extensions import db, limiter
from app.models import User
from app.urls import safe_next_url

bp = Blueprint("auth", __name__)

# The password step is done; the second factor must follow within this many seconds.
PENDING_2FA_SECONDS = 300


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _address_limit() -> str:
    return str(current_app.config["LOGIN_ADDRESS_RATE_LIMIT"])


def _login_attempt_key() -> str:
    """Login attempts are limited per client (known device, or address) and account typed."""
    return attempt_key(request.form.get("email", ""))


def _code_attempt_key() -> str:
    return attempt_key(str(session.get("2fa_user_id", "")))


def _signed_in_account() -> str:
    """Re-authentication and a password change are limited per account, wherever the
    attempts come from (a school's Wi-Fi is one address for all its staff)."""
    return f"account:{current_user.get_id()}"


def _after_login_target() -> str:
    return safe_next_url(request.args.get("next")) or url_for("main.index")


def continue_login(
    user: User, next_url: str | None, *, via_sso: bool = False
) -> ResponseReturnValue:
    """After the password (or the single sign-on) was accepted: the code step when two-factor
    login is on, else a fresh server-side session. The same for both ways in."""
    if user.totp_enabled:
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        session["2fa_user_id"] = user.id
        session["2fa_started"] = int(time.time())
        if via_sso:
            session["2fa_via_sso"] = True
        return redirect(url_for("auth.login_code", next=next_url))
    start_session(user, via_sso=via_sso)
    db.session.commit()
    return redirect(safe_next_url(next_url) or url_for("main.index"))


def password_login_shown() -> bool:
    """The password form is on the login page unless single sign-on is set up and
    PASSWORD_LOGIN keeps passwords for beheer (then it is folded away, for break-glass)."""
    return not sso_enabled() or current_app.config["PASSWORD_LOGIN"] != "beheer"  # noqa: S105


def may_use_password(user: User) -> bool:
    return user.has_password and password_login_allowed(
        user.role, current_app.config["PASSWORD_LOGIN"]
    )


def _minutes() -> int:
    return int(current_app.config["LOCKOUT_DURATION"].total_seconds() // 60)


def _refused_login_message() -> str:
    """The same words whether the address is unknown, the password wrong or the client locked:
    the page never tells whether an account exists."""
    return _(
        "Onbekend e-mailadres of verkeerd wachtwoord. Na %(count)s mislukte pogingen wordt "
        "het account hier %(minutes)s minuten geblokkeerd en krijgt de eigenaar een e-mail.",
        count=current_app.config["LOCKOUT_THRESHOLD"],
        minutes=_minutes(),
    )


def _locked_message() -> str:
    return _(
        "Te veel mislukte pogingen: inloggen op dit account is hier %(minutes)s minuten "
        "geblokkeerd. Je krijgt hierover een e-mail.",
        minutes=_minutes(),
    )


def _tell_owner(attempt: Attempt) -> None:
    """After the attempt that locked a client: e-mail the account's owner (at most once per
    lockout period, decided in the database)."""
    user, until = attempt.account, attempt.locked_until
    if not attempt.locked_now or user is None or until is None:
        return
    if not claim_lockout_mail(user):
        return
    db.session.commit()
    key = client_key(user.id)
    send_lockout_mail(
        user, client=describe_client(key), known_device=key.startswith("d:"), until=until
    )


# A school's Wi-Fi is one address for all its staff and students: per account and client, so
# a stranger's attempts use up neither another account's nor a known device's; and per address
# over all accounts (a browser that signed in before is exempt), so one address cannot try many
# accounts quickly.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_attempt_key)
@limiter.limit(_address_limit, methods=["POST"], exempt_when=is_known_device)
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        attempt = authenticate(form.email.data or "", form.password.data or "", client_key)
        db.session.commit()  # keep the failure counts, or the login time
        _tell_owner(attempt)
        user = attempt.user
        if user is None:
            form.password.errors.append(_refused_login_message())
        elif not may_use_password(user):
            form.password.errors.append(
                _(
                    "Met een wachtwoord inloggen kan alleen voor functioneel beheer. Log in met "
                    "%(label)s.",
                    label=current_app.config["OIDC_LABEL"],
                )
            )
        else:
            return continue_login(user, request.args.get("next"))
    status = 200 if not form.errors else 400
    return _login_page(form), status


def _login_page(form: LoginForm) -> str:
    return render_template(
        "auth/login.html",
        form=form,
        sso=sso_enabled(),
        sso_label=current_app.config["OIDC_LABEL"],
        password_shown=password_login_shown() or bool(form.errors),
        sso_logout_offer=sso_enabled() and bool(session.pop("sso_logout_offer", False)),
    )


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_code_attempt_key)
@limiter.limit(_address_limit, methods=["POST"], exempt_when=is_known_device)
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
        attempt = confirm_code(user, form.code.data or "", client_key(user.id))
        db.session.commit()
        if attempt.user is not None:
            start_session(attempt.user, via_sso=bool(session.get("2fa_via_sso")))
            db.session.commit()
            return redirect(_after_login_target())
        if attempt.locked_until is not None:
            _tell_owner(attempt)
            session.pop("2fa_user_id", None)
            flash(_locked_message(), "error")
            return redirect(url_for("auth.login"))
        form.code.errors.append(_code_refused_message(attempt))
    status = 200 if not form.errors else 400
    return render_template("auth/code.html", form=form), status


def _code_refused_message(attempt: Attempt) -> str:
    if attempt.code_used:
        return _("Deze code is al gebruikt. Wacht op de volgende code in je app.")
    return _("Die code klopt niet. Probeer de nieuwste code uit de app.")


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


def _signed_out_for_lockout(attempt: Attempt) -> ResponseReturnValue:
    """A signed-in session whose password or code failed once too often is ended: whoever
    holds it has not shown it is the account's owner."""
    _tell_owner(attempt)
    end_session()
    db.session.commit()
    flash(_locked_message(), "error")
    return redirect(url_for("auth.login"))


@bp.route("/herbevestigen", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_limit, methods=["POST"], key_func=_signed_in_account)
def reauthenticate() -> ResponseReturnValue:
    """Confirm the password (and code) before an export; an account without a password (or
    one that may not use it) confirms at the single sign-on provider instead."""
    if not may_use_password(current_user._get_current_object()):
        if sso_enabled():
            return redirect(url_for("sso.reauthenticate", next=request.args.get("next")))
        flash(_("Herbevestigen kan nu niet: dit account heeft geen wachtwoord."), "error")
        return redirect(url_for("main.index"))
    form = ReauthForm()
    if form.validate_on_submit():
        attempt = confirm_identity(
            current_user,
            form.password.data or "",
            form.code.data or "",
            client_key(current_user.id),
        )
        db.session.commit()  # the failure count, or the code's time step
        if attempt.ok:
            session["reauth_at"] = int(time.time())
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.index"))
        if attempt.locked_until is not None:
            return _signed_out_for_lockout(attempt)
        if attempt.code_used:
            form.code.errors.append(_code_refused_message(attempt))
        else:
            form.password.errors.append(_("Wachtwoord of code klopt niet."))
    status = 200 if not form.errors else 400
    return render_template(
        "auth/reauth.html",
        form=form,
        sso=sso_enabled(),
        sso_label=current_app.config["OIDC_LABEL"],
    ), status


@bp.route("/account/")
@login_required
def account() -> ResponseReturnValue:
    """The own account: a new password, two-factor login, log out everywhere."""
    return _account_page(PasswordChangeForm())


def _account_page(form: PasswordChangeForm) -> ResponseReturnValue:
    status = 200 if not form.errors else 400
    return render_template(
        "auth/account.html", form=form, logout_form=LogoutEverywhereForm()
    ), status


@bp.route("/account/wachtwoord", methods=["POST"])
@login_required
@limiter.limit(_login_limit, methods=["POST"], key_func=_signed_in_account)
def change_password() -> ResponseReturnValue:
    """A new password: ends every other session of the account; this one continues on a
    fresh session."""
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _account_page(form)
    user: User = current_user._get_current_object()
    attempt = confirm_identity(
        user, form.password.data or "", form.code.data or "", client_key(user.id)
    )
    if not attempt.ok:
        db.session.commit()  # the failure count
        if attempt.locked_until is not None:
            return _signed_out_for_lockout(attempt)
        if attempt.code_used:
            form.code.errors.append(_code_refused_message(attempt))
        else:
            form.password.errors.append(_("Wachtwoord of code klopt niet."))
        return _account_page(form)
    done = submit(
        form,
        lambda: change_own_password(user, form.new_password.data or "", form.repeat.data or ""),
        validate=False,
        fallback_field="new_password",
    )
    if not done:
        return _account_page(form)
    start_session(user)  # a fresh session (the new password ended all of them)
    db.session.commit()
    flash(_("Je wachtwoord is gewijzigd. Op je andere apparaten ben je uitgelogd."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/overal-uitloggen", methods=["POST"])
@login_required
def logout_everywhere() -> ResponseReturnValue:
    """End every session of the account on every device, this one too."""
    form = LogoutEverywhereForm()
    if not form.validate_on_submit():
        flash(_("Uitloggen mislukt, probeer het opnieuw."), "error")
        return redirect(url_for("auth.account"))
    log_out_everywhere(current_user._get_current_object())
    db.session.commit()
    forget_session()
    flash(_("Je bent op al je apparaten uitgelogd."), "info")
    return redirect(url_for("auth.login", logged_out=1))


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    form = LogoutForm()
    if not form.validate_on_submit():
        flash(_("Uitloggen mislukt, probeer het opnieuw."), "error")
        return redirect(url_for("main.index"))
    via_sso = bool(session.get(VIA_SSO_KEY))
    end_session()
    db.session.commit()
    if via_sso and sso_enabled():
        session["sso_logout_offer"] = True  # the login page offers the provider's logout
    flash(_("Je bent uitgelogd."), "info")
    return redirect(url_for("auth.login", logged_out=1))
