"""Parent calls: today's list, planning a call, a call's page with its attempts."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required
from app.core import roles
from app.core.fields import choice_list
from app.core.forms import form_action, form_page, form_status, submit
from app.core.localtime import local_today
from app.core.vocabulary import CallResult, CallStatus
from app.desk.blueprint import bp
from app.desk.calls import services
from app.desk.calls.forms import AttemptForm, CallForm, CancelForm
from app.desk.pages import back, entry_for, handled_url, staff_choices, student_for_work, user_by_id
from app.extensions import db
from app.models import ParentCall

case_workers = roles_required(roles.CASE_WORKERS)


def attempt_form(call: ParentCall) -> AttemptForm:
    """Prefixed per call: the call list shows one form per call on a page."""
    return AttemptForm(prefix=f"c{call.id}")


@bp.route("/bellen")
@case_workers
def calls_today() -> ResponseReturnValue:
    today = local_today()
    calls = services.open_calls_for(current_user, today=today)
    due = [c for c in calls if c.due <= today]
    return render_template(
        "desk/calls_today.html",
        calls=due,
        later=[c for c in calls if c.due > today],
        today=today,
        forms={c.id: attempt_form(c) for c in due},
    )


@bp.route("/leerling/<leerlingnummer>/oudercontact/nieuw", methods=["GET", "POST"])
@case_workers
def new_call(leerlingnummer: str) -> ResponseReturnValue:
    student = student_for_work(leerlingnummer)
    entry = entry_for(student, request.values.get("melding"))
    form = CallForm()
    form.assignee.choices = choice_list(staff_choices(student.location_id, roles.CASE_WORKERS))
    if request.method == "GET":
        form.assignee.data = current_user.id
        form.due.data = local_today()
        if entry is not None and entry.note:
            form.subject.data = entry.note[:300]
    done = submit(
        form,
        lambda: services.create_call(
            current_user,
            student,
            due=form.due.data,
            assignee=user_by_id(form.assignee.data),
            subject=form.subject.data,
            preferred_time=form.preferred_time.data,
            contact_person=form.contact_person.data,
            interpreter_needed=bool(form.interpreter_needed.data),
            language=form.language.data,
            entry=entry,
        ),
        success=_("Oudercontact gepland."),
    )
    if done and entry is not None:
        return redirect(handled_url(entry.id))
    if done:
        return redirect(url_for("desk.call_detail", call_id=done.value.id))
    return form_page("desk/call_new.html", form, student=student, entry=entry)


def _call_or_404(call_id: int) -> ParentCall:
    call = services.find_call(current_user, call_id)
    if call is None:
        abort(404)
    return call


def _call_page(
    call: ParentCall, form: AttemptForm | None = None, cancel_form: CancelForm | None = None
) -> ResponseReturnValue:
    form = form or attempt_form(call)
    cancel_form = cancel_form or CancelForm()
    html = render_template(
        "desk/call_detail.html",
        call=call,
        form=form,
        cancel_form=cancel_form,
        today=local_today(),
        CallStatus=CallStatus,
    )
    return html, form_status(form, cancel_form)


@bp.route("/oudercontact/<int:call_id>")
@case_workers
def call_detail(call_id: int) -> ResponseReturnValue:
    call = _call_or_404(call_id)
    services.record_call_view(current_user, call)
    db.session.commit()
    return _call_page(call)


def _attempt_message(call: ParentCall) -> str:
    if call.status == CallStatus.AFGEROND:
        return _("Gesproken: oudercontact afgerond.")
    return _("Poging vastgelegd.")


@bp.route("/oudercontact/<int:call_id>/poging", methods=["POST"])
@case_workers
def call_attempt(call_id: int) -> ResponseReturnValue:
    call = _call_or_404(call_id)
    form = attempt_form(call)
    done = submit(
        form,
        lambda: services.log_attempt(
            current_user,
            call,
            CallResult(form.result.data),
            form.note.data,
            next_due=form.next_due.data,
        ),
        success=lambda _attempt: _attempt_message(call),
    )
    if done:
        return back(url_for("desk.call_detail", call_id=call.id))
    return _call_page(_call_or_404(call_id), form=form)


@bp.route("/oudercontact/<int:call_id>/annuleren", methods=["POST"])
@case_workers
def call_cancel(call_id: int) -> ResponseReturnValue:
    call = _call_or_404(call_id)
    form = CancelForm()
    return form_action(
        form,
        lambda: services.cancel_call(current_user, call, form.reason.data),
        success=_("Oudercontact geannuleerd."),
        then=url_for("desk.call_detail", call_id=call.id),
        otherwise=lambda: _call_page(_call_or_404(call_id), cancel_form=form),
    )
