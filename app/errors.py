"""Error pages: HTML for people, JSON for the floor's sync API (content negotiation)."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from app.core.request_input import RefusedInput
from app.exceptions import DomainError
from app.extensions import db
from app.observability.logs import route_of_request

# Where a 429 means "too many sign-in attempts" (app/auth/routes.py).
SIGN_IN_ENDPOINTS = frozenset(
    {"auth.login", "auth.login_code", "auth.reauthenticate", "auth.change_password"}
)


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and (
        request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _messages() -> dict[int, str]:
    return {
        400: _("Het verzoek klopt niet."),
        401: _("Log opnieuw in."),
        403: _("Je hebt geen toegang tot deze pagina."),
        404: _("Deze pagina bestaat niet, of je hebt er geen toegang toe."),
        405: _("Deze actie is hier niet toegestaan."),
        413: _("Het bestand of verzoek is te groot."),
        415: _("Dit soort inhoud wordt niet geaccepteerd."),
        429: _("Te veel pogingen. Wacht even en probeer het dan opnieuw."),
        500: _("Er ging iets mis aan onze kant. Probeer het later opnieuw."),
    }


def _respond(status: int, message: str, code: str) -> ResponseReturnValue:
    if wants_json():
        return jsonify(error=code, message=message), status
    return render_template("errors/error.html", status=status, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters() -> ResponseReturnValue | None:
        """No text field takes a NUL character (PostgreSQL cannot store one): refuse the form
        with a message instead of failing on the database. The floor's JSON batches drop them
        themselves (app/floor/services.py)."""
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            values = request.form.values()
        else:
            values = iter(())
        if any("\x00" in value for value in (*values, *request.args.values())):
            return _respond(
                400,
                _("De invoer bevat een ongeldig teken. Pas het aan en probeer het opnieuw."),
                "nul",
            )
        return None

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        db.session.rollback()
        return _respond(
            400,
            _(
                "De beveiligingscode van het formulier ontbreekt of is verlopen. Laad de pagina "
                "opnieuw en probeer het nog eens."
            ),
            "csrf",
        )

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
        db.session.rollback()
        if request.is_json:
            limit_kb = int(request.max_content_length or 0) // 1024
            return _respond(
                413, _("Het verzoek is te groot (maximaal %(kb)s kB).", kb=limit_kb), "too_large"
            )
        limit_mb = int(app.config["MAX_CONTENT_LENGTH"]) // (1024 * 1024)
        return _respond(
            413,
            _(
                "Het bestand is te groot (maximaal %(mb)s MB). Splits het bestand of neem "
                "contact op met functioneel beheer.",
                mb=limit_mb,
            ),
            "too_large",
        )

    @app.errorhandler(429)
    def rate_limited(error: HTTPException) -> ResponseReturnValue:
        db.session.rollback()
        if request.endpoint in SIGN_IN_ENDPOINTS:
            message = _("Te veel inlogpogingen. Wacht een minuut en probeer het dan opnieuw.")
        else:
            message = _messages()[429]
        return _respond(429, message, "rate_limited")

    @app.errorhandler(RefusedInput)
    def refused_input(error: RefusedInput) -> ResponseReturnValue:
        db.session.rollback()
        return _respond(400, error.message, "bad_request")

    @app.errorhandler(DomainError)
    def refused_by_the_domain(error: DomainError) -> ResponseReturnValue:
        """A service's refusal that its route let through (routes normally show it at the
        form, through ``app.core.forms.submit``): nothing of the request is kept and the user
        reads the service's own message (409: the request conflicts with what is stored or
        running, such as an import holding its lock) instead of "something went wrong"."""
        db.session.rollback()
        return _respond(409, error.message, "refused")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        db.session.rollback()
        status = error.code or 500
        message = _messages().get(status, error.description or "")
        return _respond(status, message, error.name.lower().replace(" ", "_"))

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        db.session.rollback()
        # The route template, not the path: a path can hold a leerlingnummer.
        app.logger.exception("Unhandled error on %s", route_of_request())
        return _respond(500, _messages()[500], "server_error")
