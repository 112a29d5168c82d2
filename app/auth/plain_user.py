"""The signed-in user as plain values, for the floor's sync (issue 24's lean path).

Flask-Login's usual user is the ``User`` model with its locations, loaded through the ORM on
every request: on a one-tap sync that load was a fifth of the request's CPU. A view marked
with :func:`plain_user_view` gets a :class:`PlainUser` instead, read with one Core statement
on the session's connection: the same session row, the same join on the session token's hash,
the same refusal of a deactivated account — only without a model. Nothing else changes: the
session rules (idle and absolute limits, two-factor setup), the role check of the view, the
location scoping and CSRF all read the same values from it.

Only views whose whole request needs nothing but :class:`Staff` (id and location ids; role and
two-factor state for the session rules) may be marked: everything else expects a ``User``.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar, Protocol, TypeVar

from flask import current_app, request
from sqlalchemy import Select, bindparam, select

from app.core.sql import table_of
from app.core.vocabulary import Role
from app.extensions import db
from app.models import User, UserSession, user_location

F = TypeVar("F", bound=Callable[..., Any])

# The attribute that marks a view (kept through ``functools.wraps`` of the access decorators).
PLAIN_USER_ATTRIBUTE = "plain_user"


class Staff(Protocol):
    """What the floor's sync reads of the signed-in user: a ``User`` or a :class:`PlainUser`."""

    @property
    def id(self) -> int: ...

    @property
    def location_ids(self) -> Set[int]: ...


@dataclass(frozen=True, slots=True)
class PlainUser:
    """An active user with a live server-side session, as plain values (see the module)."""

    id: int
    role: Role
    totp_enabled: bool
    location_ids: frozenset[int]

    # Flask-Login's user interface. Only an active account with a live session is ever made
    # into a PlainUser (:func:`plain_session_user`), so these are constants.
    is_authenticated: ClassVar[bool] = True
    is_active: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    def get_id(self) -> str:
        return str(self.id)


def plain_user_view(view: F) -> F:
    """Mark ``view``: its requests get a :class:`PlainUser` as ``current_user``. Apply it
    below the access decorator (``@floor_staff``), which keeps the mark."""
    view.__dict__[PLAIN_USER_ATTRIBUTE] = True
    return view


def wants_plain_user() -> bool:
    """Whether this request's view is marked with :func:`plain_user_view`."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, PLAIN_USER_ATTRIBUTE, False) is True


def plain_session_user(user_pk: int, token_hash: str) -> PlainUser | None:
    """The active user of the session whose token has ``token_hash``, or None (the session was
    ended on the server, or the account is deactivated): one statement, the same rule as
    ``session_user`` in app/auth/services.py. Run on the session's connection, so it shares the
    request's transaction."""
    rows = (
        db.session.connection()
        .execute(_plain_session_user(), {"id": user_pk, "token_hash": token_hash})
        .all()
    )
    if not rows:
        return None
    user_id, role, active, totp_enabled, _location = rows[0]
    if not active:
        return None
    locations = frozenset(row[4] for row in rows if row[4] is not None)
    return PlainUser(user_id, role, bool(totp_enabled), locations)


@cache
def _plain_session_user() -> Select[int, Role, bool, bool, int | None]:
    # Built once (values go in as parameters), like the sync's other statements.
    user, user_session = table_of(User), table_of(UserSession)
    return (
        select(
            user.c.id, user.c.role, user.c.active, user.c.totp_enabled, user_location.c.location_id
        )
        .join_from(user, user_session, user_session.c.user_id == user.c.id)
        .outerjoin(user_location, user_location.c.user_id == user.c.id)
        .where(user.c.id == bindparam("id"), user_session.c.token_hash == bindparam("token_hash"))
    )
