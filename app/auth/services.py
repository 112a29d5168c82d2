"""Accounts: passwords, creating and changing users. Plain functions on the session."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from functools import cache, lru_cache
from pathlib import Path

import pyotp
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext
from sqlalchemy import Select, bindparam, delete, or_, select, update
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit import record
from app.auth import throttle
from app.core.sql import rows_affected
from app.core.vocabulary import Role
from app.exceptions import DomainError
from app.extensions import db
from app.models import Location, User, UserSession
from app.models.org import normalise_email
from app.models.types import utcnow

MIN_PASSWORD_LENGTH = 12
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")

# Verified against when the e-mail is unknown, so a wrong address costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("timing-equaliser-not-a-password", method="scrypt")


def hash_password(password: str) -> str:
    """scrypt, Werkzeug's memory-hard KDF (its default cost unless the config lowers it for
    the test suite)."""
    method = current_app.config["PASSWORD_HASH_METHOD"] if current_app else "scrypt"
    return generate_password_hash(password, method=method)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and line[0] != "#")


def check_password_policy(password: str, *, email: str = "") -> None:
    """At least 12 characters, not a common password (also not one with digits or symbols
    appended, like 'Wachtwoord2026!'), not trivially repetitive, not the e-mail address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            gettext(
                "Het wachtwoord moet minstens %(MIN_PASSWORD_LENGTH)s tekens lang zijn.",
                MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH,
            ),
            field="password",
        )
    lowered = password.lower()
    stem = re.sub(r"[\d\W_]+$", "", lowered)
    if lowered in common_passwords() or stem in common_passwords() or not stem:
        raise DomainError(
            gettext(
                "Dit wachtwoord is te makkelijk te raden: het staat (bijna) zo op een "
                "lijst van veelgebruikte wachtwoorden. Kies een ander, bijvoorbeeld "
                "een zin van een paar woorden."
            ),
            field="password",
        )
    if len(set(lowered)) < 4:
        raise DomainError(
            gettext("Dit wachtwoord is te eenvoudig: gebruik meer verschillende tekens."),
            field="password",
        )
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        raise DomainError(
            gettext("Het wachtwoord mag je e-mailadres niet bevatten."), field="password"
        )


def session_user(user_id: str, token: str) -> User | None:
    """The active user of the session with ``token``, or None when that session was ended on
    the server (logout, "log out everywhere", a new password, deactivation) or never existed.

    One query, run on every request: the session row, the user and their locations (a join;
    nearly every view reads ``user.location_ids``)."""
    user_pk = session_user_pk(user_id, token)
    if user_pk is None:
        return None
    user = (
        db.session.scalars(_session_user(), {"id": user_pk, "token_hash": token_hash(token)})
        .unique()
        .one_or_none()
    )
    if user is None or not user.active:
        return None
    return user


def session_user_pk(user_id: str, token: str) -> int | None:
    """The user id from the cookie as a number, or None when it is none or there is no token
    (no session can match then)."""
    try:
        user_pk = int(user_id)
    except (TypeError, ValueError):
        return None
    return user_pk if token else None


@cache
def _session_user() -> Select[User]:
    # Built once, like the floor's statements (app/floor/services.py): it runs on every request,
    # and building it and its cache key each time cost more than running it.
    return (
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == bindparam("id"), UserSession.token_hash == bindparam("token_hash"))
        .options(joinedload(User.locations))
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(user: User, *, now: datetime | None = None) -> str:
    """A new server-side session for ``user``; answers the token for the cookie. Sessions past
    the absolute lifetime and stale failure counts (anybody's) are removed on the way, so
    neither table keeps anything longer than it can be of use."""
    now = now or utcnow()
    lifetime: timedelta = current_app.config["SESSION_ABSOLUTE_LIFETIME"]
    db.session.execute(delete(UserSession).where(UserSession.created_at < now - lifetime))
    throttle.forget_stale(now)
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=token_hash(token), created_at=now))
    db.session.flush()
    return token


def close_session(token: str) -> None:
    """End the one session with ``token`` (logout)."""
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))


def open_sessions(user: User, *, now: datetime | None = None) -> list[UserSession]:
    """The sessions of ``user`` that may still be in use (younger than the absolute
    lifetime; an idle one may have timed out already), newest first."""
    now = now or utcnow()
    lifetime: timedelta = current_app.config["SESSION_ABSOLUTE_LIFETIME"]
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.created_at >= now - lifetime)
            .order_by(UserSession.created_at.desc())
        )
    )


def end_all_sessions(user: User) -> int:
    """End every session of ``user`` on every device; answers how many there were."""
    return rows_affected(delete(UserSession).where(UserSession.user_id == user.id))


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


@dataclass(frozen=True)
class Attempt:
    """The outcome of a password (or password and code) check.

    ``user``: the check passed. ``locked_until``: the client is locked out of ``account``;
    ``locked_now``: this attempt locked it (its owner is told by e-mail)."""

    user: User | None = None
    account: User | None = None
    locked_until: datetime | None = None
    locked_now: bool = False
    # The code was right but used before (not counted as a failure: wait for the next one).
    code_used: bool = False

    @property
    def ok(self) -> bool:
        return self.user is not None


def authenticate(
    email: str, password: str, client_of: Callable[[int], str], *, now: datetime | None = None
) -> Attempt:
    """Check a login. ``client_of(user_id)`` names the client the attempt comes from
    (app/auth/devices.py); failures count per account and client (app/auth/throttle.py), and
    a locked client is refused even the right password. The caller commits either way, so
    the counts are kept; the answer never says whether the address exists."""
    now = now or utcnow()
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)  # the same cost: no timing difference
        return Attempt()
    key = client_of(user.id)
    until = throttle.locked_until(user, key, now)
    if until is not None:
        check_password_hash(_DUMMY_HASH, password)
        return Attempt(account=user, locked_until=until)
    if not check_password_hash(user.password_hash, password):
        return _failed(user, key, now)
    if not user.active:
        return Attempt()
    if not user.totp_enabled:
        # With two-factor login the count starts again only after the code (confirm_code):
        # knowing the password must not buy more guesses at the code.
        throttle.clear_failures(user, key)
        user.last_login_at = now
    return Attempt(user=user, account=user)


def confirm_identity(
    user: User, password: str, code: str, key: str, *, now: datetime | None = None
) -> Attempt:
    """A signed-in user proves it is them again (re-authentication, a new password): the
    password, and a code when two-factor login is on. Wrong answers count toward the lockout
    like a login's, and a locked client is refused."""
    now = now or utcnow()
    until = throttle.locked_until(user, key, now)
    if until is not None:
        return Attempt(account=user, locked_until=until)
    if not check_password_hash(user.password_hash, password):
        return _failed(user, key, now)
    if user.totp_enabled:
        checked = use_totp_code(user, code, now=now)
        if checked is CodeCheck.USED:
            return Attempt(account=user, code_used=True)
        if checked is CodeCheck.WRONG:
            return _failed(user, key, now)
    throttle.clear_failures(user, key)
    return Attempt(user=user, account=user)


def _failed(user: User, key: str, now: datetime) -> Attempt:
    until = throttle.register_failure(user, key, now=now)
    return Attempt(account=user, locked_until=until, locked_now=until is not None)


def confirm_code(user: User, code: str, key: str, *, now: datetime | None = None) -> Attempt:
    """The second step of a login: a code not used before; wrong codes count toward the
    lockout."""
    now = now or utcnow()
    until = throttle.locked_until(user, key, now)
    if until is not None:
        return Attempt(account=user, locked_until=until)
    checked = use_totp_code(user, code, now=now)
    if checked is CodeCheck.USED:
        return Attempt(account=user, code_used=True)
    if checked is CodeCheck.WRONG:
        return _failed(user, key, now)
    throttle.clear_failures(user, key)
    user.last_login_at = now
    return Attempt(user=user, account=user)


# ---------- two-factor login (TOTP) ----------


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="SchoolFit")


def totp_step(secret: str | None, code: str, *, now: datetime | None = None) -> int | None:
    """The 30-second time step whose 6-digit code ``code`` is: this step or the one before or
    after (clock drift); None when it is none of them."""
    code = re.sub(r"\s", "", code or "")
    if not secret or not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(totp.timecode(now or utcnow()))
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


class CodeCheck(Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    # A right code, but its time step (or a later one) was used already: a replay.
    USED = "used"


def use_totp_code(user: User, code: str, *, now: datetime | None = None) -> CodeCheck:
    """Accept ``code`` for ``user`` once: its time step must be later than the last one used.
    Decided by one UPDATE, so the same code sent to two instances at once is accepted once."""
    step = totp_step(user.totp_secret, code, now=now)
    if step is None:
        return CodeCheck.WRONG
    used = rows_affected(
        update(User)
        .where(User.id == user.id)
        .where(or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
    )
    return CodeCheck.ACCEPTED if used == 1 else CodeCheck.USED


def enable_totp(user: User, secret: str, code: str) -> None:
    step = totp_step(secret, code)
    if step is None:
        raise DomainError(
            gettext(
                "Die code klopt niet. Controleer de tijd op je telefoon en probeer de "
                "nieuwste code."
            ),
            field="code",
        )
    user.totp_secret = secret
    user.totp_enabled = True
    user.totp_last_step = step
    record(user, "enable_2fa", "user", user.id)


def disable_totp(user: User) -> None:
    """Turn two-factor login off (break-glass: the phone is lost). The account is signed out
    everywhere; where two-factor login is required, the next login sets it up again."""
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    end_all_sessions(user)
    record(None, "disable_2fa", "user", user.id)


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise DomainError(
            gettext("Onbekende rol '%(value)s'. Kies uit: %(roles)s.", value=value, roles=roles),
            field="role",
        ) from None


def locations_by_codes(codes: Iterable[str]) -> list[Location]:
    wanted = [c.strip() for c in codes if c.strip()]
    if not wanted:
        raise DomainError(gettext("Kies minstens één locatie."), field="locations")
    found = db.session.scalars(select(Location).where(Location.code.in_(wanted))).all()
    by_code = {location.code.lower(): location for location in found}
    # Codes are matched case-blind ("wind" finds "Wind"), which needs the full list once.
    if len(by_code) < len({w.lower() for w in wanted}):
        all_locations = db.session.scalars(select(Location)).all()
        by_code = {location.code.lower(): location for location in all_locations}
    unknown = [w for w in wanted if w.lower() not in by_code]
    if unknown:
        raise DomainError(
            gettext("Onbekende locatie(s): %(items)s.", items=", ".join(unknown)), field="locations"
        )
    return sorted({by_code[w.lower()] for w in wanted}, key=lambda loc: loc.code)


def _checked_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise DomainError(
            gettext("'%(email)s' is geen geldig e-mailadres.", email=email), field="email"
        ) from None


def create_user(
    *,
    email: str,
    name: str,
    role: Role,
    locations: list[Location],
    password: str,
    sso_only_allowed: bool = False,
) -> User:
    """Add a new active user. Raises DomainError with a Dutch message on bad input.
    ``sso_only_allowed`` (single sign-on is set up): an empty password makes an account that
    signs in only with single sign-on."""
    address = _checked_email(email)
    if not name.strip():
        raise DomainError(gettext("Vul een naam in."), field="name")
    if find_user_by_email(address) is not None:
        raise DomainError(
            gettext("Er bestaat al een account met e-mailadres %(address)s.", address=address),
            field="email",
        )
    if not locations:
        raise DomainError(gettext("Kies minstens één locatie."), field="locations")
    if not password and not sso_only_allowed:
        raise DomainError(gettext("Vul een wachtwoord in."), field="password")
    if password:
        check_password_policy(password, email=address)
    user = User(
        email=address,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password) if password else "",
        active=True,
        locations=list(locations),
    )
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str, *, by: User | None = None) -> None:
    """A new password, set by beheer (``by``) or the user: it ends every session of the
    account (a copied cookie stops working) and lifts its lockouts."""
    check_password_policy(password, email=user.email)
    user.password_hash = hash_password(password)
    throttle.unlock(user)
    end_all_sessions(user)
    if by is not None and by.id != user.id:
        record(by, "reset_password", "user", user.id)
    else:
        record(user, "change_password", "user", user.id)


def change_own_password(user: User, new_password: str, repeated: str) -> None:
    """The user's own new password (their identity was confirmed by the caller)."""
    if new_password != repeated:
        raise DomainError(gettext("De twee nieuwe wachtwoorden zijn niet gelijk."), field="repeat")
    if check_password_hash(user.password_hash, new_password):
        raise DomainError(
            gettext("Kies een ander wachtwoord dan je huidige."), field="new_password"
        )
    try:
        set_password(user, new_password)
    except DomainError as error:
        raise DomainError(error.message, field="new_password") from None


def log_out_everywhere(user: User, *, by: User | None = None) -> int:
    """End every session of ``user`` (the user themself, or beheer as ``by``)."""
    ended = end_all_sessions(user)
    record(by or user, "logout_everywhere", "user", user.id, detail=f"{ended} sessies")
    return ended


def update_user(
    user: User, *, name: str, role: Role, locations: list[Location], active: bool
) -> None:
    if not name.strip():
        raise DomainError(gettext("Vul een naam in."), field="name")
    if not locations:
        raise DomainError(gettext("Kies minstens één locatie."), field="locations")
    user.name = name.strip()
    user.role = role
    user.locations = list(locations)
    if user.active and not active:
        end_all_sessions(user)  # a deactivated account is signed out everywhere at once
    user.active = active


def list_users() -> list[User]:
    return list(
        db.session.scalars(
            select(User).options(selectinload(User.locations)).order_by(User.name)
        ).all()
    )
