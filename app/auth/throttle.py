"""The lockout, per account and client, kept in the database (so every app instance sees the
same counts).

Wrong passwords at login, wrong codes and wrong answers at re-authentication all count.
``LOCKOUT_THRESHOLD`` of them in a row from one client lock the account *for that client* for
``LOCKOUT_DURATION``; a success from that client clears its count. The client is a device the
account signed in on before, or else the address (app/auth/devices.py). Counts are changed by
single UPDATE statements, so two instances counting the same attempt at once cannot lose one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, literal, or_, select, update

from app.audit import record
from app.core.sql import insert_ignoring_duplicates, rows_affected, table_of
from app.extensions import db
from app.models import LoginThrottle, User
from app.models.account import CLIENT_KEY_MAX
from app.models.types import UTCDateTime, utcnow

# A count left alone this long starts again (and its row, with the address, is removed).
FORGET_AFTER = timedelta(days=1)


def threshold() -> int:
    return int(current_app.config["LOCKOUT_THRESHOLD"])


def duration() -> timedelta:
    value: timedelta = current_app.config["LOCKOUT_DURATION"]
    return value


def locked_until(user: User, key: str, now: datetime | None = None) -> datetime | None:
    """Until when ``user`` is locked for the client ``key`` (None: not locked)."""
    now = now or utcnow()
    until = db.session.scalar(
        select(LoginThrottle.locked_until).where(
            LoginThrottle.user_id == user.id,
            LoginThrottle.client_key == key[:CLIENT_KEY_MAX],
            LoginThrottle.locked_until > now,
        )
    )
    return until


def register_failure(user: User, key: str, *, now: datetime | None = None) -> datetime | None:
    """Count one failed attempt on ``user`` from ``key``; answers the end of the lockout when
    this attempt started one (None otherwise). The caller commits."""
    now = now or utcnow()
    key = key[:CLIENT_KEY_MAX]
    table = table_of(LoginThrottle)
    forget_stale(now)
    db.session.execute(
        insert_ignoring_duplicates(table, ["user_id", "client_key"]).values(
            user_id=user.id, client_key=key, failures=0, last_failure_at=now
        )
    )
    # One statement counts and, at the threshold, locks (SET reads the row as it was), so
    # attempts counted at the same moment by two instances each add one.
    reached = table.c.failures + 1 >= threshold()
    until: datetime | None = db.session.execute(
        update(table)
        .where(table.c.user_id == user.id, table.c.client_key == key)
        .where(or_(table.c.locked_until.is_(None), table.c.locked_until <= now))
        .values(
            failures=case((reached, 0), else_=table.c.failures + 1),
            locked_until=case((reached, literal(now + duration(), UTCDateTime)), else_=None),
            last_failure_at=now,
        )
        .returning(table.c.locked_until)
    ).scalar_one_or_none()
    if until is None:
        return None
    record(
        user,
        "locked",
        "user",
        user.id,
        detail=f"{threshold()} mislukte pogingen vanaf {describe_client(key)}",
    )
    return until


def forget_stale(now: datetime | None = None) -> None:
    """Remove counts left alone for FORGET_AFTER whose lock (if any) has ended: the addresses
    of failed attempts are kept no longer than that (run at every failure and sign-in)."""
    now = now or utcnow()
    db.session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < now - FORGET_AFTER,
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
        )
    )


def clear_failures(user: User, key: str) -> None:
    """A success from ``key``: its count starts again (a lock of another client stays)."""
    db.session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.user_id == user.id, LoginThrottle.client_key == key[:CLIENT_KEY_MAX]
        )
    )


def unlock(user: User, *, by: User | None = None) -> int:
    """Lift every lock and count of ``user`` (a new password, or break-glass by beheer ``by``
    or on the command line); answers how many clients were locked."""
    locked = len(active_locks(user))
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.user_id == user.id))
    if by is not None or locked:
        record(by, "unlock", "user", user.id, detail=f"{locked} blokkades opgeheven")
    return locked


def active_locks(user: User, now: datetime | None = None) -> list[LoginThrottle]:
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(LoginThrottle)
            .where(LoginThrottle.user_id == user.id, LoginThrottle.locked_until > now)
            .order_by(LoginThrottle.locked_until)
        )
    )


def claim_lockout_mail(user: User, now: datetime | None = None) -> bool:
    """Whether this lockout is the one to tell the owner about: at most one e-mail per
    lockout period, decided in the database (two instances locking at once send one)."""
    now = now or utcnow()
    table = table_of(User)
    claimed = rows_affected(
        update(table)
        .where(table.c.id == user.id)
        .where(
            or_(
                table.c.lockout_notified_at.is_(None),
                table.c.lockout_notified_at <= now - duration(),
            )
        )
        .values(lockout_notified_at=now)
    )
    return claimed == 1


def describe_client(key: str) -> str:
    """A client key in words (Dutch: it is stored in the audit trail and e-mailed)."""
    kind, _, value = key.partition(":")
    if kind == "d":
        return "een apparaat waarop eerder met dit account is ingelogd"
    return f"adres {value}"
