"""Accounts: passwords, creating and changing users. Plain functions on the session."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path

import pyotp
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit import record
from app.core.vocabulary import Role
from app.exceptions import DomainError
from app.extensions import db
from app.models import Location, User
from app.models.org import normalise_email
from app.models.types import utcnow

MIN_PASSWORD_LENGTH = 12
LOCKOUT_THRESHOLD = 5
LOCKOUT_DURATION = timedelta(minutes=15)
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
            f"Het wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens lang zijn.",
            field="password",
        )
    lowered = password.lower()
    stem = re.sub(r"[\d\W_]+$", "", lowered)
    if lowered in common_passwords() or stem in common_passwords() or not stem:
        raise DomainError(
            "Dit wachtwoord is te makkelijk te raden: het staat (bijna) zo op een lijst van "
            "veelgebruikte wachtwoorden. Kies een ander, bijvoorbeeld een zin van een paar "
            "woorden.",
            field="password",
        )
    if len(set(lowered)) < 4:
        raise DomainError(
            "Dit wachtwoord is te eenvoudig: gebruik meer verschillende tekens.", field="password"
        )
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        raise DomainError("Het wachtwoord mag je e-mailadres niet bevatten.", field="password")


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: only active users stay signed in.

    The locations come along in the same query (a join): nearly every view checks them through
    ``user.location_ids``, which would otherwise cost a second query per request."""
    try:
        user_pk = int(user_id)
    except (TypeError, ValueError):
        return None
    user = db.session.scalars(_user_with_locations(), {"id": user_pk}).unique().one_or_none()
    if user is None or not user.active:
        return None
    return user


@cache
def _user_with_locations() -> Select[User]:
    # Built once, like the floor's statements (app/floor/services.py): it runs on every request,
    # and building it and its cache key each time cost more than running it.
    return select(User).where(User.id == bindparam("id")).options(joinedload(User.locations))


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def is_locked(user: User, now: datetime | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def authenticate(email: str, password: str, *, now: datetime | None = None) -> User | None:
    """The active, unlocked user with this e-mail and password, or None.

    Failures are counted per account; after LOCKOUT_THRESHOLD in a row the account is locked
    for LOCKOUT_DURATION (even the right password waits). The caller commits either way, so
    the counters are kept.
    """
    now = now or utcnow()
    user = find_user_by_email(email)
    if user is None or is_locked(user, now):
        check_password_hash(_DUMMY_HASH, password)  # the same cost: no timing difference
        return None
    if not check_password_hash(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= LOCKOUT_THRESHOLD:
            user.locked_until = now + LOCKOUT_DURATION
            user.failed_logins = 0
            record(user, "locked", "user", user.id, detail="te veel mislukte inlogpogingen")
        return None
    if not user.active:
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def unlock(user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None


# ---------- two-factor login (TOTP) ----------


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="SchoolFit")


def verify_totp(secret: str | None, code: str, *, now: datetime | None = None) -> bool:
    """A 6-digit code of this 30-second step or the one before/after (clock drift)."""
    code = re.sub(r"\s", "", code or "")
    if not secret or not re.fullmatch(r"\d{6}", code):
        return False
    return pyotp.TOTP(secret).verify(code, for_time=now or utcnow(), valid_window=1)


def enable_totp(user: User, secret: str, code: str) -> None:
    if not verify_totp(secret, code):
        raise DomainError(
            "Die code klopt niet. Controleer de tijd op je telefoon en probeer de nieuwste code.",
            field="code",
        )
    user.totp_secret = secret
    user.totp_enabled = True
    record(user, "enable_2fa", "user", user.id)


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise DomainError(f"Onbekende rol '{value}'. Kies uit: {roles}.", field="role") from None


def locations_by_codes(codes: Iterable[str]) -> list[Location]:
    wanted = [c.strip() for c in codes if c.strip()]
    if not wanted:
        raise DomainError("Kies minstens één locatie.", field="locations")
    found = db.session.scalars(select(Location).where(Location.code.in_(wanted))).all()
    by_code = {location.code.lower(): location for location in found}
    # Codes are matched case-blind ("wind" finds "Wind"), which needs the full list once.
    if len(by_code) < len({w.lower() for w in wanted}):
        all_locations = db.session.scalars(select(Location)).all()
        by_code = {location.code.lower(): location for location in all_locations}
    unknown = [w for w in wanted if w.lower() not in by_code]
    if unknown:
        raise DomainError(f"Onbekende locatie(s): {', '.join(unknown)}.", field="locations")
    return sorted({by_code[w.lower()] for w in wanted}, key=lambda loc: loc.code)


def _checked_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise DomainError(f"'{email}' is geen geldig e-mailadres.", field="email") from None


def create_user(
    *, email: str, name: str, role: Role, locations: list[Location], password: str
) -> User:
    """Add a new active user. Raises DomainError with a Dutch message on bad input."""
    address = _checked_email(email)
    if not name.strip():
        raise DomainError("Vul een naam in.", field="name")
    if find_user_by_email(address) is not None:
        raise DomainError(f"Er bestaat al een account met e-mailadres {address}.", field="email")
    if not locations:
        raise DomainError("Kies minstens één locatie.", field="locations")
    check_password_policy(password, email=address)
    user = User(
        email=address,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password),
        active=True,
        locations=list(locations),
    )
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """A new password (set by beheer or the user); it also lifts a lockout."""
    check_password_policy(password, email=user.email)
    user.password_hash = hash_password(password)
    unlock(user)


def update_user(
    user: User, *, name: str, role: Role, locations: list[Location], active: bool
) -> None:
    if not name.strip():
        raise DomainError("Vul een naam in.", field="name")
    if not locations:
        raise DomainError("Kies minstens één locatie.", field="locations")
    user.name = name.strip()
    user.role = role
    user.locations = list(locations)
    user.active = active


def list_users() -> list[User]:
    return list(
        db.session.scalars(
            select(User).options(selectinload(User.locations)).order_by(User.name)
        ).all()
    )
