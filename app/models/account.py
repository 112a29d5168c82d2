"""What the server keeps about signing in: the sessions it issued, and the failed attempts per
account and client (the lockout)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.types import UTCDateTime, utcnow

# "a:<client address>" or "d:<known device id>" (app/auth/throttle.py).
CLIENT_KEY_MAX = 80
# An issuer is a URL; a ``sub`` is at most 255 ASCII characters (OpenID Connect Core 2).
ISSUER_MAX = 255
SUBJECT_MAX = 255


class UserSession(Model):
    """One signed-in session. The session cookie carries a random token; this row holds its
    SHA-256, so a copied cookie stops working the moment the row is gone (logout, "log out
    everywhere", a new password, deactivation) — on every app instance, as they share the
    database."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<UserSession user={self.user_id} {self.created_at:%Y-%m-%d %H:%M}>"


class UserIdentity(Model):
    """An account's identity at a single sign-on provider: the issuer and its ``sub``, bound
    on the first SSO login (by the verified e-mail address) and the only match after that, so
    a renamed mailbox keeps its account and an e-mail address cannot take another's."""

    __tablename__ = "user_identity"
    # One identity per provider for an account, and one account per identity.
    __table_args__ = (UniqueConstraint("issuer", "subject"), UniqueConstraint("user_id", "issuer"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(ISSUER_MAX))
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<UserIdentity user={self.user_id} {self.issuer} {self.subject}>"


class LoginThrottle(Model):
    """Failed sign-in attempts (password, code, re-authentication) of one account from one
    client: its address, or a device the account signed in on before. Five in a row lock that
    pair, not the account, so nobody can lock somebody else out everywhere."""

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("user_id", "client_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    client_key: Mapped[str] = mapped_column(String(CLIENT_KEY_MAX))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<LoginThrottle user={self.user_id} {self.client_key} {self.failures}>"
