"""Accounts: passwords, creating and changing users. Plain functions on the session."""

from __future__ import annotations

from collections.abc import Iterable

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from app.exceptions import DomainError
from app.extensions import db
from app.models import Location, Role, User
from app.models.org import normalise_email
from app.models.types import utcnow

MIN_PASSWORD_LENGTH = 12

# Verified against when the e-mail is unknown, so a wrong address costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("timing-equaliser-not-a-password", method="scrypt")


def hash_password(password: str) -> str:
    """scrypt, Werkzeug's memory-hard default KDF."""
    return generate_password_hash(password, method="scrypt")


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            f"Het wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens lang zijn.",
            field="password",
        )


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: only active users stay signed in."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    if user is None or not user.active:
        return None
    return user


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


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
    check_password_policy(password)
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
    check_password_policy(password)
    user.password_hash = hash_password(password)


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
