"""The handover of a case to COPA: the form (prefilled with what SchoolFit did), a handover's
page, and COPA's decision; plus the weekly handover moments (no personal data)."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.access import login_required, may_open, roles_required
from app.access.case_rules import CaseAccess
from app.access.cases import find_case
from app.audit import record
from app.core import roles
from app.core.fields import ActionForm, choice_list
from app.core.forms import form_action, form_page, form_status, submit, wanted_state
from app.core.localtime import to_local
from app.core.vocabulary import CaseStatus, HandoverStatus, Role
from app.desk import rules
from app.desk.blueprint import bp
from app.desk.export.calendar import CalendarItem, ics_response, student_tag
from app.desk.export.lvs import handover_record
from app.desk.handover import services, slots
from app.desk.handover.forms import (
    AcceptHandoverForm,
    HandoverForm,
    ReturnHandoverForm,
    SlotForm,
)
from app.desk.handover.queries import find_handover
from app.desk.pages import back, location_choices, own_locations, staff_choices, user_by_id
from app.extensions import db
from app.models import Handover, Location


@bp.route("/casussen/<int:case_id>/overdracht", methods=["GET", "POST"])
@roles_required(roles.CASE_WORKERS)
def new_handover(case_id: int) -> ResponseReturnValue:
    found = find_case(current_user, case_id)
    if found is None:
        abort(404)
    case, access = found
    if not access.work:
        abort(403)
    moments = slots.upcoming_moments(case.student.location_id)
    form = HandoverForm()
    form.moment.choices = choice_list(
        (
            m.value,
            to_local(m.at).strftime("%d-%m-%Y %H:%M") + (f" – {m.place}" if m.place else ""),
        )
        for m in moments
    )
    form.teamleider.choices = choice_list(
        staff_choices(
            case.student.location_id, {Role.TEAMLEIDER}, empty=_("— geen teamleider in SchoolFit —")
        )
    )
    if request.method == "GET":
        form.summary.data = services.handover_prefill(case)
        form.teamleider.data = case.teamleider_id or 0
        if moments:
            form.moment.data = moments[0].value
    # Without handover moments the moment has no choices: let the service explain instead.
    valid = form.validate_on_submit() or (request.method == "POST" and _only_moment_missing(form))
    if valid:
        form.moment.errors = []
        done = submit(
            form,
            lambda: services.submit_handover(
                current_user,
                case,
                services.HandoverInput(
                    criteria=form.criteria.data or [],
                    summary=form.summary.data,
                    help_questions=form.help_questions.data,
                    proposed_next_step=form.proposed_next_step.data,
                    moment=form.moment.data,
                    teamleider=user_by_id(form.teamleider.data),
                ),
            ),
            success=_("Overdracht ingediend bij COPA."),
            validate=False,
        )
        if done:
            return redirect(url_for("desk.handover_detail", handover_id=done.value.id))
    blocked = None
    if case.status not in rules.HANDOVER_FROM:
        blocked = rules.transition_error(
            case.status, CaseStatus.OVERGEDRAGEN_COPA, via_handover=True
        )
    elif any(h.status == HandoverStatus.INGEDIEND for h in case.handovers):
        blocked = _("Er staat al een overdracht open bij COPA voor deze casus.")
    return form_page(
        "desk/handover_new.html",
        form,
        case=case,
        moments=moments,
        blocked=blocked,
        can_manage_slots=may_open("desk.slots"),
    )


def _only_moment_missing(form: HandoverForm) -> bool:
    """The only error is the moment, and there are no moments to choose from."""
    return set(form.errors) == {"moment"} and not form.moment.choices


def _handover_or_404(handover_id: int) -> tuple[Handover, CaseAccess]:
    found = find_handover(current_user, handover_id)
    if found is None:
        abort(404)
    return found


def _handover_page(
    handover: Handover, access: CaseAccess, return_form: ReturnHandoverForm | None = None
) -> ResponseReturnValue:
    return_form = return_form or ReturnHandoverForm()
    html = render_template(
        "desk/handover_detail.html",
        handover=handover,
        access=access,
        lvs_text=handover_record(handover).text(),
        accept_form=AcceptHandoverForm(),
        return_form=return_form,
        action_form=ActionForm(),
    )
    return html, form_status(return_form)


@bp.route("/overdrachten/<int:handover_id>")
@login_required
def handover_detail(handover_id: int) -> ResponseReturnValue:
    handover, access = _handover_or_404(handover_id)
    services.record_handover_view(current_user, handover)
    db.session.commit()
    return _handover_page(handover, access)


@bp.route("/overdrachten/<int:handover_id>/agenda.ics")
@login_required
def handover_ics(handover_id: int) -> ResponseReturnValue:
    """The handover moment as a calendar file (initials and class, a link; no name)."""
    handover, _access = _handover_or_404(handover_id)
    record(
        current_user,
        "export",
        "overdracht",
        handover.id,
        student=handover.case.student_id,
        detail="agenda",
    )
    db.session.commit()
    item = CalendarItem(
        uid=f"overdracht-{handover.id}",
        summary=_(
            "Overdrachtsmoment COPA: %(student)s", student=student_tag(handover.case.student)
        ),
        path=url_for("desk.handover_detail", handover_id=handover.id),
        start=handover.moment_at,
        duration=timedelta(minutes=30),
        location=handover.place,
    )
    return ics_response(item, f"overdracht-{handover.id}.ics")


@bp.route("/overdrachten/<int:handover_id>/accepteren", methods=["POST"])
@login_required
def handover_accept(handover_id: int) -> ResponseReturnValue:
    handover, access = _handover_or_404(handover_id)
    if not access.decide_handover:
        abort(403)
    form = AcceptHandoverForm()
    return form_action(
        form,
        lambda: services.accept_handover(current_user, handover, form.note.data),
        success=_("Overdracht geaccepteerd; de casus staat nu bij COPA."),
        errors="flash",
        then=url_for("desk.case_detail", case_id=handover.case_id),
        otherwise=url_for("desk.handover_detail", handover_id=handover_id),
    )


@bp.route("/overdrachten/<int:handover_id>/teruggeven", methods=["POST"])
@login_required
def handover_return(handover_id: int) -> ResponseReturnValue:
    handover, access = _handover_or_404(handover_id)
    if not access.decide_handover:
        abort(403)
    form = ReturnHandoverForm()
    return form_action(
        form,
        lambda: services.return_handover(current_user, handover, form.reason.data),
        success=_("Overdracht teruggegeven aan SchoolFit."),
        then=url_for("desk.cases"),
        otherwise=lambda: _handover_page(*_handover_or_404(handover_id), return_form=form),
    )


@bp.route("/overdrachten/<int:handover_id>/gezien", methods=["POST"])
@login_required
def handover_seen(handover_id: int) -> ResponseReturnValue:
    handover, _access = _handover_or_404(handover_id)
    submit(
        ActionForm(),
        lambda: services.acknowledge_return(current_user, handover),
        success=_("Afgevinkt."),
        errors="flash",
    )
    return back(url_for("desk.outstanding"))


# ---------------------------------------------------------------------------------------------
# Handover moments (configuration, no personal data)

slot_managers = roles_required(roles.SLOT_MANAGERS)


@bp.route("/overdrachtsmomenten", methods=["GET", "POST"], endpoint="slots")
@slot_managers
def slots_page() -> ResponseReturnValue:
    locations = own_locations()
    form = SlotForm()
    form.location.choices = choice_list(location_choices(locations))
    if submit(
        form,
        lambda: slots.add_slot(
            current_user,
            location=db.session.get(Location, form.location.data),
            weekday=form.weekday.data,
            starts_at=form.starts_at.data,
            place=form.place.data,
        ),
        success=_("Overdrachtsmoment toegevoegd."),
    ):
        return redirect(url_for("desk.slots"))
    return form_page(
        "desk/slots.html",
        form,
        slots=slots.slots_for([loc.id for loc in locations], active_only=False),
        slot_label=rules.slot_label,
        action_form=ActionForm(),
    )


@bp.route("/overdrachtsmomenten/<int:slot_id>", methods=["POST"])
@slot_managers
def slot_toggle(slot_id: int) -> ResponseReturnValue:
    slot = slots.find_slot(current_user, slot_id)
    if slot is None:
        abort(404)
    submit(
        ActionForm(),
        lambda: slots.set_slot_active(current_user, slot, wanted_state()),
        success=_("Overdrachtsmoment bijgewerkt."),
        errors="flash",
    )
    return redirect(url_for("desk.slots"))
