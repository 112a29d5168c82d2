"""The Meldcode pages: the list, a signal (opening a traject), and the traject page with its
forms. Only the aandachtsfunctionaris and the people they added read a traject (404 for
others); every view is audited."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app.access import find_visible_student, roles_required
from app.access.meldcode import find_traject, open_traject_known_to
from app.access.meldcode_rules import MeldcodeAccess, may_signal
from app.core import roles
from app.core.fields import ActionForm, choice_list
from app.core.forms import form_action, form_page, submit
from app.core.localtime import local_today
from app.desk.blueprint import bp
from app.desk.meldcode import services
from app.desk.meldcode.forms import (
    CloseForm,
    MeldingForm,
    MemberForm,
    OwnerForm,
    SignalForm,
    StepForm,
)
from app.desk.pages import entry_for, user_by_id
from app.extensions import db
from app.models import MeldcodeTraject, Student

signallers = roles_required(roles.MELDCODE_SIGNALLERS)


@bp.route("/meldcode")
@signallers
def meldcode() -> ResponseReturnValue:
    closed = request.args.get("afgesloten") == "1"
    return render_template(
        "desk/meldcode_list.html",
        trajecten=services.trajecten_for(current_user, include_closed=closed),
        include_closed=closed,
        coordinator=current_user.role in roles.MELDCODE_COORDINATORS,
    )


def _student_for_signal(leerlingnummer: str) -> Student:
    student = find_visible_student(current_user, leerlingnummer[:20])
    if student is None or not may_signal(current_user.role, True):
        abort(404)
    return student


@bp.route("/leerling/<leerlingnummer>/meldcode/nieuw", methods=["GET", "POST"])
@signallers
def new_meldcode(leerlingnummer: str) -> ResponseReturnValue:
    student = _student_for_signal(leerlingnummer)
    existing = open_traject_known_to(current_user, student)
    entry = entry_for(None, request.args.get("melding"))
    form = SignalForm()
    coordinators = services.coordinators_at(student.location_id)
    form.owner.choices = choice_list([(c.id, c.name) for c in coordinators] or [(0, "—")])
    if request.method == "GET" and entry is not None and entry.note:
        form.signal.data = entry.note
    done = submit(
        form,
        lambda: services.open_traject(
            current_user,
            student,
            signal=form.signal.data,
            owner=user_by_id(form.owner.data),
            entry=entry,
        ),
        success=_("Signaal vastgelegd. De aandachtsfunctionaris krijgt direct een melding."),
    )
    if done:
        traject = done.value
        if current_user.role in roles.MELDCODE_COORDINATORS or any(
            m.user_id == current_user.id for m in traject.members
        ):
            return redirect(url_for("desk.meldcode_detail", traject_id=traject.id))
        return redirect(url_for("students.detail", leerlingnummer=student.leerlingnummer))
    return form_page(
        "desk/meldcode_new.html",
        form,
        student=student,
        existing=existing,
        coordinators=coordinators,
    )


def _traject_or_404(traject_id: int) -> tuple[MeldcodeTraject, MeldcodeAccess]:
    found = find_traject(current_user, traject_id)
    if found is None:
        abort(404)
    return found


def _page(
    traject: MeldcodeTraject, access: MeldcodeAccess, status: int = 200, **forms: FlaskForm
) -> ResponseReturnValue:
    traject = services.load_for_page(traject)
    services.record_view(current_user, traject)
    db.session.commit()
    step_form = forms.get("step_form") or StepForm(prefix="step")
    if request.method == "GET":
        step_form.held_on.data = local_today()
    member_form = forms.get("member_form") or MemberForm(prefix="member")
    member_form.user.choices = choice_list(
        [(u.id, f"{u.name} ({u.role.label})") for u in services.member_candidates(traject)]
    )
    owner_form = forms.get("owner_form") or OwnerForm(prefix="owner")
    owner_form.owner.choices = choice_list(
        [(c.id, c.name) for c in services.coordinators_at(traject.student.location_id)]
    )
    if traject.owner_id and request.method == "GET":
        owner_form.owner.data = traject.owner_id
    html = render_template(
        "desk/meldcode_detail.html",
        traject=traject,
        access=access,
        step_form=step_form,
        melding_form=forms.get("melding_form") or MeldingForm(prefix="melding"),
        member_form=member_form,
        owner_form=owner_form,
        close_form=forms.get("close_form") or CloseForm(prefix="close"),
    )
    return html, status


@bp.route("/meldcode/<int:traject_id>")
@signallers
def meldcode_detail(traject_id: int) -> ResponseReturnValue:
    traject, access = _traject_or_404(traject_id)
    return _page(traject, access)


def _action(
    traject_id: int, form: FlaskForm, name: str, apply: Any, success: str
) -> ResponseReturnValue:
    traject, _access = _traject_or_404(traject_id)

    def again() -> ResponseReturnValue:
        fresh, access = _traject_or_404(traject_id)
        return _page(fresh, access, 400, **{name: form})

    return form_action(
        form,
        lambda: apply(traject),
        success=success,
        then=url_for("desk.meldcode_detail", traject_id=traject_id),
        otherwise=again,
    )


@bp.route("/meldcode/<int:traject_id>/stap", methods=["POST"])
@signallers
def meldcode_step(traject_id: int) -> ResponseReturnValue:
    form = StepForm(prefix="step")
    return _action(
        traject_id,
        form,
        "step_form",
        lambda t: services.record_step(
            current_user,
            t,
            step=form.step.data,
            held_on=form.held_on.data,
            participants=form.participants.data,
            notes=form.notes.data,
            report_needed=form.report_needed.data,
            help_possible=form.help_possible.data,
        ),
        _("Stap vastgelegd."),
    )


@bp.route("/meldcode/<int:traject_id>/melding", methods=["POST"])
@signallers
def meldcode_report(traject_id: int) -> ResponseReturnValue:
    form = MeldingForm(prefix="melding")
    return _action(
        traject_id,
        form,
        "melding_form",
        lambda t: services.record_melding(
            current_user, t, reported_on=form.reported_on.data, reference=form.reference.data
        ),
        _("Melding bij Veilig Thuis vastgelegd."),
    )


@bp.route("/meldcode/<int:traject_id>/leden", methods=["POST"])
@roles_required(roles.MELDCODE_COORDINATORS)
def meldcode_add_member(traject_id: int) -> ResponseReturnValue:
    traject, _access = _traject_or_404(traject_id)
    form = MemberForm(prefix="member")
    form.user.choices = choice_list(
        [(u.id, u.name) for u in services.member_candidates(services.load_for_page(traject))]
    )
    return _action(
        traject_id,
        form,
        "member_form",
        lambda t: services.add_member(current_user, t, user_by_id(form.user.data)),
        _("Collega toegevoegd: die leest nu mee."),
    )


@bp.route("/meldcode/<int:traject_id>/leden/<int:user_id>/weg", methods=["POST"])
@roles_required(roles.MELDCODE_COORDINATORS)
def meldcode_remove_member(traject_id: int, user_id: int) -> ResponseReturnValue:
    traject, _access = _traject_or_404(traject_id)
    submit(
        ActionForm(),
        lambda: services.remove_member(current_user, traject, user_id),
        success=_("Collega verwijderd uit het traject."),
        errors="flash",
    )
    return redirect(url_for("desk.meldcode_detail", traject_id=traject_id))


@bp.route("/meldcode/<int:traject_id>/eigenaar", methods=["POST"])
@roles_required(roles.MELDCODE_COORDINATORS)
def meldcode_owner(traject_id: int) -> ResponseReturnValue:
    traject, _access = _traject_or_404(traject_id)
    form = OwnerForm(prefix="owner")
    form.owner.choices = choice_list(
        [(c.id, c.name) for c in services.coordinators_at(traject.student.location_id)]
    )
    return _action(
        traject_id,
        form,
        "owner_form",
        lambda t: services.set_owner(current_user, t, user_by_id(form.owner.data)),
        _("Eigenaar gewijzigd."),
    )


@bp.route("/meldcode/<int:traject_id>/afsluiten", methods=["POST"])
@roles_required(roles.MELDCODE_COORDINATORS)
def meldcode_close(traject_id: int) -> ResponseReturnValue:
    form = CloseForm(prefix="close")
    return _action(
        traject_id,
        form,
        "close_form",
        lambda t: services.close_traject(current_user, t, form.reason.data),
        _("Traject afgesloten."),
    )


@bp.app_template_global()
def meldcode_notice_for(student: Student) -> dict[str, object]:
    """For the student page: whether a traject exists (and whom to ask), whether the user may
    read it, and whether they may record a signal."""
    if not current_user.is_authenticated:
        return {}
    same = student.location_id in current_user.location_ids
    if not may_signal(current_user.role, same):
        return {}
    traject = open_traject_known_to(current_user, student)
    readable = traject is not None and find_traject(current_user, traject.id) is not None
    return {"traject": traject, "readable": readable, "can_signal": traject is None}
