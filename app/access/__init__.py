"""The access rule every view uses.

A user sees only students (and everything about them) of the locations they are assigned to.
A student of another location answers 404, not 403, so their existence does not leak.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import flask_login
from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import Select, select

from app.core.vocabulary import Role
from app.extensions import db
from app.models import Student, User

F = TypeVar("F", bound=Callable[..., Any])


def visible_location_ids(user: User) -> set[int]:
    return user.location_ids


def can_see_location(user: User, location_id: int) -> bool:
    return location_id in visible_location_ids(user)


def students_visible_to(user: User, *, include_inactive: bool = False) -> Select[Student]:
    """A select() of the students this user may see."""
    query = select(Student).where(Student.location_id.in_(visible_location_ids(user) or {-1}))
    if not include_inactive:
        query = query.where(Student.active.is_(True))
    return query


def find_visible_student(user: User, leerlingnummer: str) -> Student | None:
    """The student with this number if ``user`` may see them, else None (existence hidden)."""
    student = db.session.scalar(select(Student).where(Student.leerlingnummer == leerlingnummer))
    if student is None or not can_see_location(user, student.location_id):
        return None
    return student


def get_visible_student_or_404(leerlingnummer: str) -> Student:
    student = find_visible_student(current_user, leerlingnummer)
    if student is None:
        abort(404)
    return student


def login_required(view: F) -> F:
    """Flask-Login's ``login_required`` (signed out: to the login page, or 401 for the API)."""
    return flask_login.login_required(view)


def roles_required(allowed: frozenset[Role], *, denied: int = 403) -> Callable[[F], F]:
    """Only signed-in users with one of the ``allowed`` roles (a set of ``app.core.roles``) may
    use the view; others get ``denied`` (403, or 404 where the pages should not exist for other
    roles). The set is kept on the view for :func:`may_open`."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in allowed:
                abort(denied)
            return view(*args, **kwargs)

        wrapped.__dict__["allowed_roles"] = allowed
        return cast(F, wrapped)

    return decorator


def may_open(endpoint: str) -> bool:
    """Whether the signed-in user passes the role check of the page at ``endpoint`` (menus and
    links ask this instead of listing roles). Pages without a role check are for every
    signed-in user."""
    if not current_user.is_authenticated:
        return False
    view = current_app.view_functions.get(endpoint)
    if view is None:
        return False
    allowed = getattr(view, "allowed_roles", None)
    return allowed is None or current_user.role in allowed
