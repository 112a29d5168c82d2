"""SchoolFit application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, has_request_context, jsonify, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

# Importing app.models registers every table on the metadata (for Alembic too).
from app import models  # noqa: F401
from app.absence.routes import bp as absence_bp
from app.admin.routes import bp as admin_bp
from app.alerts.routes import bp as alerts_bp
from app.alerts.sender import register_sender
from app.auth.routes import bp as auth_bp
from app.auth.sessions import load_session_user, register_session_rules
from app.auth.sso import init_sso
from app.auth.sso_routes import bp as sso_bp
from app.cli import register_cli
from app.core.forms import register_form_rules
from app.core.request_input import register_request_limits
from app.core.translations import install_template_gettext
from app.desk.routes import bp as desk_bp
from app.digest.routes import bp as digest_bp
from app.errors import register_error_handlers, wants_json
from app.extensions import babel, csrf, db, limiter, login_manager, migrate, talisman
from app.floor.inline_style import read_style, register_floor_style
from app.floor.routes import bp as floor_bp
from app.http_caching import register_caching_rules
from app.main.routes import bp as main_bp
from app.models.types import enable_sqlite_foreign_keys, ping_after_idle
from app.observability.logs import configure_logging
from app.observability.metrics import register_metrics
from app.privacy.routes import bp as privacy_bp
from app.pulse.routes import bp as pulse_bp
from app.reports.routes import bp as reports_bp
from app.students.routes import bp as students_bp
from app.templating import register_template_helpers
from config import BaseConfig, config_by_name
from config.settings import PROJECT_ROOT

# The floor screen's style, inlined into its page (app/floor/inline_style.py): read once, here.
FLOOR_STYLE = read_style(PROJECT_ROOT / "static")

# The Content-Security-Policy: everything comes from the app itself, nothing inline — except the
# floor screen's style, allowed by its hash alone (never 'unsafe-inline').
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": f"'self' {FLOOR_STYLE.csp_source}",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "manifest-src": "'self'",
    "worker-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}

PERMISSIONS_POLICY = {
    "geolocation": "()",
    "camera": "()",
    "microphone": "()",
    "payment": "()",
    "usb": "()",
}


def _resolve_config(config: str | type[BaseConfig] | BaseConfig | None) -> BaseConfig:
    if config is None:
        config = os.environ.get("SCHOOLFIT_CONFIG", "development")
    if isinstance(config, str):
        try:
            config = config_by_name[config]
        except KeyError:
            raise RuntimeError(
                f"Unknown SCHOOLFIT_CONFIG {config!r}; use one of {', '.join(config_by_name)}"
            ) from None
    if isinstance(config, type):
        config = config()
    return config


def select_locale() -> str:
    """Dutch unless the user chose English for this session (commands run in Dutch)."""
    if not has_request_context():
        return "nl"
    chosen = session.get("lang")
    return chosen if chosen in ("nl", "en") else "nl"


def create_app(
    config: str | type[BaseConfig] | BaseConfig | None = None, **overrides: Any
) -> Flask:
    """Build a SchoolFit app. ``config`` is a name, a settings class or an instance."""
    settings = _resolve_config(config)
    app = Flask(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.from_object(settings)
    app.config.update(overrides)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if os.environ.get("PROXY_FIX"):
        # Behind one reverse proxy (nginx) in production: trust its X-Forwarded-* headers.
        # Flask's documented way to wrap its WSGI app (mypy sees a method being replaced).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    register_request_limits(app)  # first: its hook caps a JSON body before anything reads it
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)

    configure_logging(app)
    register_metrics(app)
    register_error_handlers(app)
    register_form_rules(app)
    register_template_helpers(app)
    register_caching_rules(app)
    register_session_rules(app)
    register_sender(app)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            enable_sqlite_foreign_keys(db.engine)
        else:
            ping_after_idle(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)

    @app.before_request
    def api_login_first() -> Any:
        # Registered before CSRFProtect: a phone whose session expired must hear "log in again"
        # (401), not "bad CSRF token", so it keeps its queue and shows the login banner.
        api_write = request.path.startswith("/api/") and request.method in ("POST", "DELETE")
        if api_write and not current_user.is_authenticated:
            return jsonify(error="login_required", message="Log opnieuw in."), 401
        return None

    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    limiter.init_app(app)
    init_sso(app)
    register_floor_style(app, FLOOR_STYLE)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        strict_transport_security=True,
        strict_transport_security_max_age=365 * 24 * 3600,
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy=PERMISSIONS_POLICY,
        content_security_policy=CONTENT_SECURITY_POLICY,
    )

    login_manager.user_loader(load_session_user)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    @login_manager.unauthorized_handler
    def unauthorized() -> Any:
        if wants_json():
            return jsonify(error="login_required", message="Log opnieuw in."), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _register_blueprints(app: Flask) -> None:
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(sso_bp)
    app.register_blueprint(floor_bp)
    app.register_blueprint(students_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(absence_bp)
    app.register_blueprint(desk_bp)
    app.register_blueprint(digest_bp)
    app.register_blueprint(pulse_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(alerts_bp)


def _register_cli(app: Flask) -> None:
    register_cli(app)
