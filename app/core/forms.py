"""The one way a view handles a submitted form.

    if done := submit(form, lambda: services.open_case(...), success=_("Casus geopend.")):
        return redirect(url_for("desk.case_detail", case_id=done.value.id))
    return form_page("desk/case_new.html", form, student=student)

``submit`` validates the form, runs the service call, commits and flashes the success message;
when the service refuses (a :class:`~app.exceptions.DomainError`) it rolls back, so nothing is
half-stored, and puts the message on the field it names (or flashes it). ``form_page`` renders
the page again, with status 400 when the submission was refused or invalid.

Two requests at once: a change that lost a race (another change of the same case, handover,
flag, ... came first: the models' version check, or a unique key) is rolled back and refused
with a message. A :class:`OnceForm` sent twice (double click, back button, three tabs) is
stored once: its one-time token is claimed in the same transaction, and a repeat goes where the
first sending went.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from flask import Flask, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response
from wtforms import HiddenField

from app.core.sql import insert_ignoring_duplicates
from app.exceptions import DomainError
from app.extensions import db
from app.models import FormSubmission
from app.models.types import utcnow
from app.urls import safe_next_url

T = TypeVar("T")

CHANGED_MEANWHILE = _l(
    "Iemand anders heeft dit net gewijzigd. Bekijk hoe het nu staat en probeer het zo nodig "
    "opnieuw."
)
ALREADY_SENT = _l("Dit formulier was al verstuurd; wat erin stond is één keer opgeslagen.")
TOKEN = re.compile(r"[0-9a-f]{32}")


def new_token() -> str:
    return uuid.uuid4().hex


class OnceForm(FlaskForm):
    """A form whose sending is stored once: it carries a one-time token (rendered by
    ``form.hidden_tag()``, like the CSRF token)."""

    once = HiddenField(default=new_token)


class RepeatedSubmission(Exception):
    """This form's token was used before; ``url`` is where its first sending led."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def _claim(form: FlaskForm) -> int | None:
    """Claim the form's one-time token in the current transaction (None: the form has none, a
    page from before tokens). Raises :class:`RepeatedSubmission` when it was claimed before;
    a request sent at the same moment waits for the first one's transaction to end."""
    token = str(getattr(getattr(form, "once", None), "data", "") or "")
    if not TOKEN.fullmatch(token):
        return None
    user_id = current_user.id if current_user.is_authenticated else None
    claimed = db.session.execute(
        insert_ignoring_duplicates(FormSubmission, ["token"])
        .values(token=token, user_id=user_id, submitted_at=utcnow(), result_url="")
        .returning(FormSubmission.id)
    ).scalar_one_or_none()
    if claimed is None:
        db.session.rollback()
        url = db.session.scalar(
            select(FormSubmission.result_url).where(FormSubmission.token == token)
        )
        raise RepeatedSubmission(url or "")
    return claimed


@dataclass(frozen=True)
class Done(Generic[T]):
    """A submission the service accepted; ``value`` is what the service returned."""

    value: T


def show_error(form: Any, error: DomainError, fallback_field: str | None = None) -> None:
    """A service's message at the form field it names (or ``fallback_field``), else flashed."""
    target = getattr(form, error.field, None) if error.field else None
    if target is None and fallback_field:
        target = getattr(form, fallback_field, None)
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        flash(error.message, "error")
    g.form_refused = True


def flash_form_errors(form: Any) -> None:
    """Every validation message of ``form`` as a flash (forms that are a single button)."""
    for name, errors in form.errors.items():
        label = getattr(getattr(form, name, None), "label", None)
        for message in errors:
            flash(f"{label.text}: {message}" if label is not None else str(message), "error")


def submit(
    form: FlaskForm,
    action: Callable[[], T],
    *,
    success: str | Callable[[T], str] | None = None,
    errors: Literal["field", "flash"] = "field",
    validate: bool = True,
    on_refused: Callable[[DomainError], None] | None = None,
    fallback_field: str | None = None,
    record_refusal: Callable[[DomainError], object] | None = None,
) -> Done[T] | None:
    """Validate ``form`` (unless ``validate`` is False: the caller checked it), run ``action``,
    commit and flash ``success``. None when the form was not submitted, invalid or refused.

    ``errors="flash"`` is for forms without a page of their own (a button in a list): their
    validation messages are flashed, as is a refusal. ``on_refused`` shows a refusal another
    way (an import's list of row problems); ``fallback_field`` takes a refusal that names no
    field of the form. ``record_refusal`` is a service call that keeps a record of the refusal
    (an import's history): it runs after the rollback, and what it adds is committed."""
    if validate and not form.validate_on_submit():
        if errors == "flash":
            flash_form_errors(form)
        return None
    try:
        claim = _claim(form)
        value = action()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        g.form_refused = True
        if record_refusal is not None:
            record_refusal(error)
            db.session.commit()
        if on_refused is not None:
            on_refused(error)
        elif errors == "flash":
            flash(error.message, "error")
        else:
            show_error(form, error, fallback_field)
        return None
    except (StaleDataError, IntegrityError):
        # Another request changed (or created) the same thing first: the version check or a
        # unique key refused this one. Nothing of it is kept.
        db.session.rollback()
        g.form_refused = True
        flash(str(CHANGED_MEANWHILE), "error")
        return None
    if claim is not None:
        g.form_submission_id = claim
    if success is not None:
        flash(success(value) if callable(success) else success, "success")
    return Done(value)


def form_action(
    form: FlaskForm,
    action: Callable[[], T],
    *,
    success: str | Callable[[T], str] | None,
    then: str | Callable[[T], str],
    otherwise: str | Callable[[], ResponseReturnValue],
    errors: Literal["field", "flash"] = "field",
) -> ResponseReturnValue:
    """:func:`submit`, then redirect to ``then`` (a URL, or one made from the service's result);
    when the form was invalid or refused, redirect to ``otherwise`` (a URL) or show the page it
    renders (the form again, with its errors)."""
    if done := submit(form, action, success=success, errors=errors):
        return redirect(then(done.value) if callable(then) else then)
    if isinstance(otherwise, str):
        return redirect(otherwise)
    return otherwise()


def wanted_state() -> bool | None:
    """The state an on/off button asks for (its ``aan`` field: 1 or 0); None when it names
    none. A button that sets a state rather than flipping it is harmless when sent twice."""
    value = request.form.get("aan")
    return {"1": True, "0": False}.get(value or "")


def refused() -> bool:
    """Whether this request's submission was invalid or refused by a service."""
    return bool(g.get("form_refused"))


def form_status(*forms: FlaskForm) -> int:
    """400 for a page shown again after an invalid or refused POST, else 200."""
    if request.method == "POST" and (refused() or any(form.errors for form in forms)):
        return 400
    return 200


def form_page(template: str, form: FlaskForm, **context: Any) -> ResponseReturnValue:
    """The form's page (again), with the status :func:`form_status` gives."""
    return render_template(template, form=form, **context), form_status(form)


def register_form_rules(app: Flask) -> None:
    """Remember where a form's first sending led (so a repeat goes there too), and answer a
    repeat with that page and a message instead of storing it again."""

    @app.after_request
    def remember_where_it_led(response: Response) -> Response:
        claim = g.pop("form_submission_id", None)
        if claim is not None and response.status_code in (301, 302, 303) and response.location:
            db.session.execute(
                update(FormSubmission)
                .where(FormSubmission.id == claim)
                .values(result_url=response.location[:500])
            )
            db.session.commit()
        return response

    @app.errorhandler(RepeatedSubmission)
    def answer_repeat(error: RepeatedSubmission) -> ResponseReturnValue:
        flash(str(ALREADY_SENT), "info")
        target = (
            safe_next_url(error.url) or safe_next_url(request.referrer) or url_for("main.index")
        )
        return redirect(target)
