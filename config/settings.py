"""Development, testing and production settings.

Every value that differs between machines comes from an environment variable. The classes are
instantiated by ``create_app`` so the environment is read when an app is made, not at import.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# A key everybody who reads this repository knows: fine on a laptop, refused in production.
INSECURE_DEV_SECRET = "dev-only-not-secret"  # noqa: S105


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class BaseConfig:
    """Settings shared by every environment."""

    NAME = "base"
    DEBUG = False
    TESTING = False

    def __init__(self) -> None:
        if "TOTP_REQUIRED_ROLES" in os.environ:
            roles = os.environ["TOTP_REQUIRED_ROLES"].split(",")
            self.TOTP_REQUIRED_ROLES = tuple(r.strip() for r in roles if r.strip())
        self.SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_DEV_SECRET)
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or self.default_database_url()
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        self.APP_BASE_URL = os.environ.get("APP_BASE_URL", "http://127.0.0.1:5000")
        self.MAIL_FROM = os.environ.get("MAIL_FROM", "schoolfit@localhost")
        self.SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
        # Kept as given: app/digest/mail.py checks it (a bad value must not stop the whole app)
        # and, when empty, takes the usual port of SMTP_SECURITY.
        self.SMTP_PORT = os.environ.get("SMTP_PORT", "")
        self.SMTP_USER = os.environ.get("SMTP_USER", "")
        self.SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
        self.SMTP_SECURITY = os.environ.get("SMTP_SECURITY", "none")

    # Uploads (student and absence exports) are refused above this size with a clear message.
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # The cookie is sent again only when the session changed (sign-in, the idle clock's minute,
    # the CSRF token), not on every response: the absolute and idle limits are checked on the
    # server from the session's own timestamps, so its expiry date need not move each request.
    SESSION_REFRESH_EACH_REQUEST = False
    # Signed out after this long without activity (desk work; the floor's queue survives it).
    IDLE_TIMEOUT = timedelta(minutes=30)
    # Signed out this long after signing in, whatever the activity.
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)
    # Exports ask for the password again when the last authentication is older than this.
    REAUTH_WINDOW = timedelta(minutes=10)
    # How long each kind of data is kept, in days (reasons in docs/privacy.md). Enforced by
    # `flask --app app privacy purge`, meant to run nightly.
    RETENTION_DAYS = {
        "anonymous_floor_entries": 2 * 365,
        "named_floor_entries": 365,
        "handled_flags": 365,
        "quarantined_entries": 90,
        "climate_checks": 2 * 365,
        "closed_cases": 2 * 365,  # after closing
        "desk_records_without_case": 365,
        "students_who_left": 2 * 365,  # the pupil file, after the student left
        "absence_of_leavers": 5 * 365,  # after the student left
        "peiling_devices": 0,  # from the day after the peiling's last day
        "audit_log": 5 * 365,
    }
    # Roles that must use two-factor login (TOTP). Production: beheer (see ProductionConfig).
    TOTP_REQUIRED_ROLES: tuple[str, ...] = ()
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session does
    FORCE_HTTPS = False
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")
    LOGIN_RATE_LIMIT = "10 per minute;30 per hour"
    RATELIMIT_HEADERS_ENABLED = True
    DEMO_DATA_ALLOWED = True

    def default_database_url(self) -> str:
        return f"sqlite:///{PROJECT_ROOT / 'instance' / 'schoolfit.db'}"


class DevelopmentConfig(BaseConfig):
    NAME = "development"
    DEBUG = True


class TestingConfig(BaseConfig):
    NAME = "testing"
    TESTING = True

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = "testing-secret-key"  # noqa: S105
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
        self.SMTP_HOST = "127.0.0.1"

    # Tests that need a low limit set it themselves.
    LOGIN_RATE_LIMIT = "1000 per minute"
    # scrypt at a low cost: the suite creates hundreds of accounts. Production uses the default.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105 - a method name, not a secret


class ProductionConfig(BaseConfig):
    NAME = "production"
    TOTP_REQUIRED_ROLES = ("beheer",)
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FORCE_HTTPS = True
    DEMO_DATA_ALLOWED = False

    def __init__(self) -> None:
        super().__init__()
        self.FORCE_HTTPS = _env_bool("FORCE_HTTPS", True)
        if (
            not self.SECRET_KEY
            or self.SECRET_KEY == INSECURE_DEV_SECRET
            or len(self.SECRET_KEY) < 32
        ):
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        if "DATABASE_URL" not in os.environ:
            raise RuntimeError("DATABASE_URL must be set in production (PostgreSQL).")


config_by_name: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
