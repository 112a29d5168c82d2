"""Single sign-on accounts: which SchoolFit account a verified OpenID Connect identity is.

Beheer decides who may use SchoolFit: nothing here creates an account. The first SSO login of
an account binds it to the provider's (issuer, sub) through the verified e-mail address (matched
case-blind); after that only the pair counts, so a renamed mailbox keeps its account and an
e-mail address cannot take an account already bound to another ``sub``.

The decisions are pure functions (:func:`email_from_claims`, :func:`decide`,
:func:`password_login_allowed`, :func:`fresh_authentication`); :func:`sign_in_identity` reads
and writes the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from app.audit import record
from app.core.vocabulary import Role
from app.extensions import db
from app.models import User, UserIdentity
from app.models.account import ISSUER_MAX, SUBJECT_MAX
from app.models.org import normalise_email
from app.models.types import utcnow

# An SSO re-authentication counts when the provider's auth_time is at most this many seconds
# before the app asked for it (clock skew between the two servers) ...
AUTH_TIME_SKEW_SECONDS = 60
# ... and the answer came back within this many seconds of signing in at the provider.
AUTH_TIME_MAX_AGE_SECONDS = 300


class Refusal(Enum):
    """Why an SSO login did not sign anybody in."""

    UNKNOWN = "unknown"  # no account is bound to the identity or has its e-mail address
    DEACTIVATED = "deactivated"  # the account exists but is switched off
    TAKEN = "taken"  # the e-mail's account is bound to another identity of this provider
    NO_EMAIL = "no_email"  # first login, and the token has no usable e-mail address


@dataclass(frozen=True)
class Decision:
    """The outcome of :func:`decide`: the account to sign in (``bind``: bind it first), or why
    not."""

    user: User | None = None
    bind: bool = False
    refusal: Refusal | None = None


def email_from_claims(claims: Mapping[str, object], names: Iterable[str]) -> str | None:
    """The first of the claims ``names`` that holds an e-mail address, lower-cased; None when
    none does (Entra ID puts it in ``preferred_username`` or ``upn`` when ``email`` is empty)."""
    for name in names:
        value = claims.get(name)
        if not isinstance(value, str) or "@" not in value:
            continue
        try:
            checked = validate_email(value.strip(), check_deliverability=False)
        except EmailNotValidError:
            continue
        return normalise_email(checked.normalized)
    return None


def decide(
    *,
    bound: User | None,
    by_email: User | None,
    by_email_is_bound: bool,
) -> Decision:
    """Which account an identity signs in to.

    ``bound``: the account bound to this (issuer, sub), if any; ``by_email``: the account with
    the claim's e-mail address (first login only); ``by_email_is_bound``: that account is bound
    to another ``sub`` of this issuer already."""
    if bound is not None:
        if not bound.active:
            return Decision(refusal=Refusal.DEACTIVATED)
        return Decision(user=bound)
    if by_email is None:
        return Decision(refusal=Refusal.UNKNOWN)
    if by_email_is_bound:
        return Decision(refusal=Refusal.TAKEN)
    if not by_email.active:
        return Decision(refusal=Refusal.DEACTIVATED)
    return Decision(user=by_email, bind=True)


def password_login_allowed(role: Role, setting: str) -> bool:
    """PASSWORD_LOGIN: "all" lets every account with a password use it; "beheer" only beheer
    (break-glass when the provider is down)."""
    return setting != "beheer" or role is Role.BEHEER


def fresh_authentication(auth_time: object, *, asked_at: int, now: int) -> bool:
    """Whether the provider's ``auth_time`` shows a sign-in made for this request (asked with
    ``prompt=login`` and ``max_age=0`` at ``asked_at``): not before it (less the clock skew),
    and not long ago."""
    if isinstance(auth_time, bool) or not isinstance(auth_time, int | float):
        return False
    return (
        auth_time >= asked_at - AUTH_TIME_SKEW_SECONDS
        and now - auth_time <= AUTH_TIME_MAX_AGE_SECONDS
    )


def bound_user(issuer: str, subject: str) -> User | None:
    return db.session.scalar(
        select(User)
        .join(UserIdentity, UserIdentity.user_id == User.id)
        .where(UserIdentity.issuer == issuer, UserIdentity.subject == subject)
    )


def identity_of(user: User, issuer: str) -> UserIdentity | None:
    return db.session.scalar(
        select(UserIdentity).where(UserIdentity.user_id == user.id, UserIdentity.issuer == issuer)
    )


@dataclass(frozen=True)
class SignIn:
    user: User | None = None
    refusal: Refusal | None = None
    email: str | None = None


def sign_in_identity(
    issuer: str,
    subject: str,
    claims: Mapping[str, object],
    email_claims: Iterable[str],
    *,
    now: datetime | None = None,
) -> SignIn:
    """The account of a verified identity, binding it on the first login. The caller commits
    (nothing is written when the answer is a refusal)."""
    now = now or utcnow()
    if not subject or len(subject) > SUBJECT_MAX or len(issuer) > ISSUER_MAX:
        return SignIn(refusal=Refusal.UNKNOWN)
    bound = bound_user(issuer, subject)
    email = None
    by_email = None
    by_email_is_bound = False
    if bound is None:
        email = email_from_claims(claims, email_claims)
        if email is None:
            return SignIn(refusal=Refusal.NO_EMAIL)
        by_email = db.session.scalar(select(User).where(User.email == email))
        by_email_is_bound = by_email is not None and identity_of(by_email, issuer) is not None
    decision = decide(bound=bound, by_email=by_email, by_email_is_bound=by_email_is_bound)
    if decision.user is None:
        return SignIn(refusal=decision.refusal, email=email)
    user = decision.user
    if decision.bind:
        db.session.add(UserIdentity(user_id=user.id, issuer=issuer, subject=subject))
        record(user, "bind_sso", "user", user.id, detail=issuer)
    identity = identity_of(user, issuer)
    if identity is not None:
        identity.last_login_at = now
    user.last_login_at = now
    record(user, "login_sso", "user", user.id)
    db.session.flush()
    return SignIn(user=user, email=email)
