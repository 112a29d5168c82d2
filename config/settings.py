"""Development, testing and production settings: every setting the app reads, with its type
and default, in one place.

Every value that differs between machines comes from an environment variable (named as the
setting). The classes are instantiated by ``create_app`` so the environment is read when an app
is made, not at import. A value that cannot be read is not fatal when only one feature needs it
(the SMTP port for the digest e-mail): the setting falls back to its default and the problem is
kept in ``SETTING_PROBLEMS``, which that feature reports when it runs.
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


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value) if value else None


class BaseConfig:
    """Settings shared by every environment."""

    NAME = "base"
    DEBUG = False
    TESTING = False

    # --- secrets and storage (from the environment) ---------------------------------------
    SECRET_KEY: str = INSECURE_DEV_SECRET
    SQLALCHEMY_DATABASE_URI: str = ""
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # Where the login and pulse rate limits are counted: "memory://" (one process), or Redis
    # ("redis://host:6379/0") when several processes or app servers serve the app, so they
    # count together (docs/operations.md). /readyz checks that it answers.
    RATELIMIT_STORAGE_URI: str = "memory://"
    # Passed to the storage's client; for Redis: time-outs, so a Redis that stops answering
    # costs a login seconds, not a worker.
    RATELIMIT_STORAGE_OPTIONS: dict[str, object] = {}
    RATELIMIT_HEADERS_ENABLED = True
    # Settings from the environment that could not be read: {setting: Dutch message}.
    SETTING_PROBLEMS: dict[str, str] = {}

    # --- e-mail (the 14:00 digest) ----------------------------------------------------------
    # The app's own address, for links in e-mails.
    APP_BASE_URL: str = "http://127.0.0.1:5000"
    MAIL_FROM: str = "schoolfit@localhost"
    SMTP_HOST: str = "localhost"
    # None: the usual port of SMTP_SECURITY (25, 587 for starttls, 465 for tls).
    SMTP_PORT: int | None = None
    SMTP_USER: str = ""
    SMTP_PASSWORD: str = ""
    SMTP_SECURITY: str = "none"  # none, starttls or tls
    # A digest e-mail claimed by a run that has not finished it after this long counts as
    # abandoned (the run died), and the next run sends it.
    DIGEST_CLAIM_TIMEOUT: timedelta = timedelta(minutes=15)

    # --- urgent alerts: web push (VAPID) and the e-mail fallback (docs/alerts.md) ------------
    # The VAPID key pair (`flask --app app push vapid-keys` makes one): the private key as
    # base64url (raw 32 bytes or DER), the public key as the browser's applicationServerKey.
    VAPID_PRIVATE_KEY: str = ""
    VAPID_PUBLIC_KEY: str = ""
    # A mailto: or https: address of whoever runs the app; push services refuse anything else.
    VAPID_SUBJECT: str = ""
    # Each worker runs a small sender thread that sends alerts within seconds; off in tests
    # (they start one where they need it) and when a timer runs `flask --app app alerts drain`
    # instead.
    ALERT_SENDER_ENABLED: bool = True
    # How often the sender looks for work it was not woken for (another worker's alerts,
    # retries, the e-mail fallback), in seconds.
    ALERT_POLL_SECONDS: float = 5.0
    # An alert not opened by a recipient within this time also goes out to them by e-mail.
    ALERT_EMAIL_AFTER: timedelta = timedelta(minutes=15)
    # Seconds to wait for a push service's answer.
    PUSH_TIMEOUT: float = 10.0

    # --- sessions, accounts and the web ------------------------------------------------------
    # Uploads (student and absence exports) are refused above this size with a clear message.
    MAX_CONTENT_LENGTH: int = 10 * 1024 * 1024
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
    # How long the floor screen offers "Ongedaan maken" after a tap and holds the entry back
    # before sending it (milliseconds; rendered into the floor page for its script). The browser
    # tests shorten it, except the test of undo itself.
    FLOOR_UNDO_MS: int = 10_000
    # Signed out after this long without activity (desk work; the floor's queue survives it).
    IDLE_TIMEOUT: timedelta = timedelta(minutes=30)
    # Signed out this long after signing in, whatever the activity.
    SESSION_ABSOLUTE_LIFETIME: timedelta = timedelta(hours=12)
    # Exports ask for the password again when the last authentication is older than this.
    REAUTH_WINDOW: timedelta = timedelta(minutes=10)
    # Roles that must use two-factor login (TOTP), by value. Production: beheer.
    TOTP_REQUIRED_ROLES: tuple[str, ...] = ()
    # --- single sign-on with OpenID Connect (docs/sso.md) ------------------------------------
    # The provider's issuer: discovery at {issuer}/.well-known/openid-configuration. Empty: no
    # single sign-on, only passwords.
    OIDC_ISSUER: str = ""
    OIDC_CLIENT_ID: str = ""
    OIDC_CLIENT_SECRET: str = ""
    # The button reads "Inloggen met {label}".
    OIDC_LABEL: str = "SSO"
    OIDC_SCOPES: str = "openid email profile"
    # The verified ID token claims tried, in this order, for the e-mail address that binds a
    # first login to its account.
    OIDC_EMAIL_CLAIMS: tuple[str, ...] = ("email", "preferred_username", "upn")
    # Who may sign in with a password: "all" (every account with one), or "beheer" (only
    # beheer, the break-glass accounts; everybody else signs in with single sign-on).
    PASSWORD_LOGIN: str = "all"  # noqa: S105 - who may use a password, not a secret
    # Werkzeug's password hash; tests use a cheap scrypt (the suite creates hundreds).
    PASSWORD_HASH_METHOD: str = "scrypt"  # noqa: S105 - a method name, not a secret
    # Sign-in attempts on one account from one client (a known device, or else an address):
    # login and code per account typed and client; re-authentication and password change per
    # signed-in account.
    LOGIN_RATE_LIMIT: str = "10 per minute;30 per hour"
    # Login and code attempts from one address over all accounts (a school's Wi-Fi is one
    # address for everybody there); browsers that signed in before are not counted here.
    LOGIN_ADDRESS_RATE_LIMIT: str = "60 per minute;600 per hour"
    # This many failed attempts in a row (password, code, re-authentication) lock the account
    # for LOCKOUT_DURATION — from that client only (its address, or a device the account signed
    # in on before), so nobody can lock somebody else out everywhere.
    LOCKOUT_THRESHOLD: int = 5
    LOCKOUT_DURATION: timedelta = timedelta(minutes=15)
    # E-mail the account's owner when a lockout happens (at most once per LOCKOUT_DURATION),
    # through the digest's SMTP settings.
    LOCKOUT_MAIL: bool = True
    # A browser that signed in to an account keeps a signed cookie this long; its failed
    # attempts count apart from those of other clients at the same address.
    KNOWN_DEVICE_LIFETIME: timedelta = timedelta(days=180)
    # Answers to a leerlingpeiling per client address. A class on the school's Wi-Fi shares one
    # address, so this allows a full class answering at once; raise it when a whole school
    # answers in the same hour behind one address.
    PULSE_ANSWER_RATE_LIMIT: str = "40 per minute;400 per hour"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session does
    WTF_CSRF_FIELD_NAME: str = "csrf_token"
    FORCE_HTTPS: bool = False
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES: tuple[str, ...] = ("nl", "en")
    DEMO_DATA_ALLOWED: bool = True

    # --- logs and metrics (docs/operations.md) ------------------------------------------------
    LOG_FORMAT: str = "text"  # "json": one JSON line per record on stderr, with request fields
    LOG_LEVEL: str = "INFO"
    # /metrics answers only with this token (Authorization: Bearer …); empty: no metrics page.
    METRICS_TOKEN: str = ""

    # --- imports (students and absence; the upload pages and the command line) --------------
    # A file beyond any of these is refused with a Dutch message as soon as it is seen to be,
    # within seconds, before it ties up a worker (docs/imports.md). A year's absence export of a
    # school group is about 600,000 rows, 40 MB as CSV.
    IMPORT_MAX_ROWS: int = 1_000_000  # lines after the header
    IMPORT_MAX_COLUMNS: int = 200
    IMPORT_MAX_CELL_CHARS: int = 4_000
    # A CSV file's size; for an .xlsx file, what its parts unpack to, together.
    IMPORT_MAX_BYTES: int = 100 * 1024 * 1024
    # How long an uploaded student export waits on the server for its preview to be confirmed.
    STUDENT_IMPORT_PREVIEW_LIFETIME: timedelta = timedelta(minutes=30)

    # --- absence -----------------------------------------------------------------------------
    # The signal thresholds and the default reason codes; None: config/absence_rules.toml and
    # config/absence_codes.toml.
    ABSENCE_RULES_FILE: Path | None = None
    ABSENCE_CODES_FILE: Path | None = None

    # --- privacy -----------------------------------------------------------------------------
    # How long each kind of data is kept, in days (reasons in docs/privacy.md). Enforced by
    # `flask --app app privacy purge`, meant to run nightly.
    RETENTION_DAYS: dict[str, int] = {
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
        "form_submissions": 2,  # the one-time tokens of sent forms (double-click protection)
        "student_import_uploads": 1,  # files uploaded for a preview and never confirmed
        # The import history's messages (they can name students); the rows stay.
        "import_reports": 90,
        # Files and reports in the inbox's verwerkt/ and fout/ (deleted by import-inbox).
        "inbox_files": 14,
        "alerts": 90,  # urgent alerts with their receipts and push messages
        "push_subscriptions": 365,  # a device that has not received a push for a year
        "closed_meldcode_trajecten": 5 * 365,  # after closing
        "named_incidents": 365,  # then the students and the description are removed
        "anonymous_incidents": 2 * 365,  # the counts for the report, then deleted
        "closed_referrals": 2 * 365,  # after the outcome was recorded
    }

    def __init__(self) -> None:
        env = os.environ
        self.SETTING_PROBLEMS = {}
        self.SECRET_KEY = env.get("SECRET_KEY", INSECURE_DEV_SECRET)
        self.SQLALCHEMY_DATABASE_URI = env.get("DATABASE_URL") or self.default_database_url()
        # No pool_pre_ping (a round trip on every request): the app tests a pooled connection
        # only after it sat idle (app/models/types.py, ping_after_idle).
        self.SQLALCHEMY_ENGINE_OPTIONS = {}
        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI", self.RATELIMIT_STORAGE_URI)
        if self.RATELIMIT_STORAGE_URI.startswith(("redis://", "rediss://")):
            self.RATELIMIT_STORAGE_OPTIONS = {"socket_timeout": 2, "socket_connect_timeout": 2}
        self.LOGIN_RATE_LIMIT = env.get("LOGIN_RATE_LIMIT", self.LOGIN_RATE_LIMIT)
        self.LOGIN_ADDRESS_RATE_LIMIT = env.get(
            "LOGIN_ADDRESS_RATE_LIMIT", self.LOGIN_ADDRESS_RATE_LIMIT
        )
        self.LOCKOUT_MAIL = _env_bool("LOCKOUT_MAIL", self.LOCKOUT_MAIL)
        self.APP_BASE_URL = env.get("APP_BASE_URL", self.APP_BASE_URL)
        self.MAIL_FROM = env.get("MAIL_FROM", self.MAIL_FROM)
        self.SMTP_HOST = env.get("SMTP_HOST", self.SMTP_HOST)
        self.SMTP_PORT = self._port("SMTP_PORT")
        self.SMTP_USER = env.get("SMTP_USER", "")
        self.SMTP_PASSWORD = env.get("SMTP_PASSWORD", "")
        self.SMTP_SECURITY = env.get("SMTP_SECURITY", self.SMTP_SECURITY)
        self.PULSE_ANSWER_RATE_LIMIT = env.get(
            "PULSE_ANSWER_RATE_LIMIT", self.PULSE_ANSWER_RATE_LIMIT
        )
        self.LOG_FORMAT = env.get("LOG_FORMAT", self.LOG_FORMAT).strip().lower()
        self.LOG_LEVEL = env.get("LOG_LEVEL", self.LOG_LEVEL).strip().upper()
        self.METRICS_TOKEN = env.get("METRICS_TOKEN", "").strip()

        for name in (
            "IMPORT_MAX_ROWS",
            "IMPORT_MAX_COLUMNS",
            "IMPORT_MAX_CELL_CHARS",
            "IMPORT_MAX_BYTES",
        ):
            setattr(self, name, self._count(name, getattr(self, name)))
        self.VAPID_PRIVATE_KEY = env.get("VAPID_PRIVATE_KEY", "").strip()
        self.VAPID_PUBLIC_KEY = env.get("VAPID_PUBLIC_KEY", "").strip()
        self.VAPID_SUBJECT = env.get("VAPID_SUBJECT", "").strip()
        self.ALERT_SENDER_ENABLED = _env_bool("ALERT_SENDER_ENABLED", self.ALERT_SENDER_ENABLED)
        self.ABSENCE_RULES_FILE = _env_path("ABSENCE_RULES_FILE")
        self.ABSENCE_CODES_FILE = _env_path("ABSENCE_CODES_FILE")
        self.OIDC_ISSUER = env.get("OIDC_ISSUER", "").strip().rstrip("/")
        self.OIDC_CLIENT_ID = env.get("OIDC_CLIENT_ID", "").strip()
        self.OIDC_CLIENT_SECRET = env.get("OIDC_CLIENT_SECRET", "").strip()
        self.OIDC_LABEL = env.get("OIDC_LABEL", "").strip() or self.OIDC_LABEL
        self.OIDC_SCOPES = " ".join(env.get("OIDC_SCOPES", self.OIDC_SCOPES).split())
        if "OIDC_EMAIL_CLAIMS" in env:
            claims = env["OIDC_EMAIL_CLAIMS"].split(",")
            self.OIDC_EMAIL_CLAIMS = tuple(c.strip() for c in claims if c.strip())
        self.PASSWORD_LOGIN = env.get("PASSWORD_LOGIN", self.PASSWORD_LOGIN).strip().lower()
        if self.PASSWORD_LOGIN not in {"all", "beheer"}:
            self.SETTING_PROBLEMS["PASSWORD_LOGIN"] = (
                f"PASSWORD_LOGIN '{self.PASSWORD_LOGIN}' is niet 'all' of 'beheer'."
            )
            self.PASSWORD_LOGIN = "all"  # noqa: S105 - not a secret
        if "TOTP_REQUIRED_ROLES" in env:
            roles = env["TOTP_REQUIRED_ROLES"].split(",")
            self.TOTP_REQUIRED_ROLES = tuple(r.strip() for r in roles if r.strip())

    def _port(self, name: str) -> int | None:
        """A port number from the environment; empty means the usual one (None)."""
        value = os.environ.get(name, "").strip()
        if not value:
            return None
        if value.isdigit() and 0 < int(value) < 65536:
            return int(value)
        self.SETTING_PROBLEMS[name] = f"{name} '{value}' is geen poort."
        return None

    def _count(self, name: str, default: int) -> int:
        """A positive whole number from the environment; empty means the default."""
        value = os.environ.get(name, "").strip().replace("_", "")
        if not value:
            return default
        if value.isascii() and value.isdigit() and int(value) > 0:
            return int(value)
        self.SETTING_PROBLEMS[name] = f"{name} '{value}' is geen positief geheel getal."
        return default

    def default_database_url(self) -> str:
        return f"sqlite:///{PROJECT_ROOT / 'instance' / 'schoolfit.db'}"


class DevelopmentConfig(BaseConfig):
    NAME = "development"
    DEBUG = True


class TestingConfig(BaseConfig):
    NAME = "testing"
    TESTING = True
    # Tests that need a low limit set it themselves.
    LOGIN_RATE_LIMIT = "1000 per minute"
    LOGIN_ADDRESS_RATE_LIMIT = "1000 per minute"
    # scrypt at a low cost: the suite creates hundreds of accounts. Production uses the default.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105 - a method name, not a secret
    # Tests start a sender where they need one (tests/alert_helpers.py).
    ALERT_SENDER_ENABLED = False

    def __init__(self) -> None:
        super().__init__()
        self.ALERT_SENDER_ENABLED = False
        self.SECRET_KEY = "testing-secret-key"  # noqa: S105
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
        self.SMTP_HOST = "127.0.0.1"


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
