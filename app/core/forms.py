"""The one way a view handles a submitted form.

    if done := submit(form, lambda: services.open_case(...), success=_("Casus geopend.")):
        return redirect(url_for("desk.case_detail", case_id=done.value.id))
    return form_page("desk/case_new.html", form, student=student)

``submit`` validates the form, runs the service call, commits and flashes the success message;
when the service refuses (a :class:`~app.exceptions.DomainError`) it rolls back, so nothing is
half-stored, and puts the message on the field it names (or flashes it). ``form_page`` renders
the page again, with status 400 when the submission was refused or invalid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from flask import flash, g, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from app.exceptions import DomainError
from app.extensions import db

T = TypeVar("T")


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
) -> Done[T] | None:
    """Validate ``form`` (unless ``validate`` is False: the caller checked it), run ``action``,
    commit and flash ``success``. None when the form was not submitted, invalid or refused.

    ``errors="flash"`` is for forms without a page of their own (a button in a list): their
    validation messages are flashed, as is a refusal. ``on_refused`` shows a refusal another
    way (an import's list of row problems); ``fallback_field`` takes a refusal that names no
    field of the form."""
    if validate and not form.validate_on_submit():
        if errors == "flash":
            flash_form_errors(form)
        return None
    try:
        value = action()
    except DomainError as error:
        db.session.rollback()
        g.form_refused = True
        if on_refused is not None:
            on_refused(error)
        elif errors == "flash":
            flash(error.message, "error")
        else:
            show_error(form, error, fallback_field)
        return None
    db.session.commit()
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
