"""Referrals: the open list, making one for a student, one referral with its outcome, and its
feedback date as a calendar file."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required
from app.audit import record
from app.core import roles
from app.core.fields import choice_list
from app.core.forms import form_action, form_page, submit
from app.core.localtime import local_today
from app.desk.blueprint import bp
from app.desk.export.calendar import CalendarItem, ics_response, student_tag
from app.desk.pages import student_for_work
from app.desk.referrals import services
from app.desk.referrals.forms import OutcomeForm, ReferralForm
from app.extensions import db
from app.models import ChainPartner, Referral

referral_workers = roles_required(roles.REFERRAL_WORKERS)


@bp.route("/verwijzingen")
@referral_workers
def referrals() -> ResponseReturnValue:
    closed = request.args.get("afgerond") == "1"
    return render_template(
        "desk/referrals.html",
        referrals=services.referrals_for(current_user, include_closed=closed),
        include_closed=closed,
        today=local_today(),
    )


@bp.route("/leerling/<leerlingnummer>/verwijzing/nieuw", methods=["GET", "POST"])
@referral_workers
def new_referral(leerlingnummer: str) -> ResponseReturnValue:
    student = student_for_work(leerlingnummer)
    partners = services.partners_for(student.location_id)
    form = ReferralForm()
    form.partner.choices = choice_list([(p.id, p.label) for p in partners])
    if request.method == "GET":
        form.referred_on.data = local_today()
    done = submit(
        form,
        lambda: services.create_referral(
            current_user,
            student,
            partner=db.session.get(ChainPartner, form.partner.data or 0),
            referred_on=form.referred_on.data,
            contact_person=form.contact_person.data,
            reason=form.reason.data,
            consent=form.consent.data,
            consent_note=form.consent_note.data,
            feedback_due=form.feedback_due.data,
        ),
        success=_("Verwijzing vastgelegd."),
    )
    if done:
        return redirect(url_for("desk.referral_detail", referral_id=done.value.id))
    return form_page("desk/referral_new.html", form, student=student, partners=partners)


def _referral_or_404(referral_id: int) -> Referral:
    referral = services.find_referral(current_user, referral_id)
    if referral is None:
        abort(404)
    return referral


def _page(referral: Referral, form: OutcomeForm, status: int = 200) -> ResponseReturnValue:
    services.record_view(current_user, referral)
    db.session.commit()
    if request.method == "GET":
        form.outcome_on.data = local_today()
    html = render_template(
        "desk/referral_detail.html", referral=referral, form=form, today=local_today()
    )
    return html, status


@bp.route("/verwijzingen/<int:referral_id>")
@referral_workers
def referral_detail(referral_id: int) -> ResponseReturnValue:
    return _page(_referral_or_404(referral_id), OutcomeForm())


@bp.route("/verwijzingen/<int:referral_id>/uitkomst", methods=["POST"])
@referral_workers
def referral_outcome(referral_id: int) -> ResponseReturnValue:
    referral = _referral_or_404(referral_id)
    form = OutcomeForm()
    return form_action(
        form,
        lambda: services.record_outcome(
            current_user, referral, form.outcome.data, form.outcome_on.data
        ),
        success=_("Uitkomst vastgelegd."),
        then=url_for("desk.referral_detail", referral_id=referral.id),
        otherwise=lambda: _page(_referral_or_404(referral_id), form, 400),
    )


@bp.route("/verwijzingen/<int:referral_id>/agenda.ics")
@referral_workers
def referral_ics(referral_id: int) -> ResponseReturnValue:
    referral = _referral_or_404(referral_id)
    record(
        current_user,
        "export",
        services.OBJECT,
        referral.id,
        student=referral.student_id,
        detail="agenda",
    )
    db.session.commit()
    item = CalendarItem(
        uid=f"verwijzing-{referral.id}",
        summary=_(
            "Terugkoppeling verwijzing %(partner)s: %(student)s",
            partner=referral.partner.kind.label,
            student=student_tag(referral.student),
        ),
        path=url_for("desk.referral_detail", referral_id=referral.id),
        start=referral.feedback_due,
    )
    return ics_response(item, f"verwijzing-{referral.id}.ics")
