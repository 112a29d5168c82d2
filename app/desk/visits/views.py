"""Home visits: the list, planning and changing one (with warnings), a visit's page with its
report."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.access import roles_required
from app.audit import record
from app.core import roles
from app.core.fields import choice_list
from app.core.forms import form_action, form_page, submit
from app.core.localtime import LOCAL_TZ
from app.core.vocabulary import VisitStatus
from app.desk.blueprint import bp
from app.desk.calls.forms import CancelForm
from app.desk.export.calendar import CalendarItem, ics_response, student_tag
from app.desk.pages import staff_choices, student_for_work, user_by_id
from app.desk.visits import services
from app.desk.visits.forms import VisitChangeForm, VisitForm, VisitReportForm
from app.extensions import db
from app.models import HomeVisit

case_workers = roles_required(roles.CASE_WORKERS)


@bp.route("/huisbezoeken")
@case_workers
def visits() -> ResponseReturnValue:
    items = services.visits_for(current_user)
    warnings = {
        v.id: services.visit_warnings(v, v.student.location)
        for v in items
        if v.status == VisitStatus.GEPLAND
    }
    return render_template(
        "desk/visits.html", visits=items, warnings=warnings, VisitStatus=VisitStatus
    )


@bp.route("/leerling/<leerlingnummer>/huisbezoek/nieuw", methods=["GET", "POST"])
@case_workers
def new_visit(leerlingnummer: str) -> ResponseReturnValue:
    student = student_for_work(leerlingnummer)
    form = VisitForm()
    form.staff_one.choices = choice_list(staff_choices(student.location_id, roles.VISIT_STAFF))
    form.staff_two.choices = choice_list(
        staff_choices(student.location_id, roles.VISIT_STAFF, empty=_("— niemand —"))
    )
    if request.method == "GET":
        form.staff_one.data = current_user.id
        form.staff_two.data = 0
    done = submit(
        form,
        lambda: services.plan_visit(
            current_user,
            student,
            planned_on=form.planned_on.data,
            planned_time=form.planned_time.data,
            staff_one=user_by_id(form.staff_one.data),
            staff_two=user_by_id(form.staff_two.data),
            companion=form.companion.data,
            mixed_pair=bool(form.mixed_pair.data),
            reason=form.reason.data,
        ),
        success=_("Huisbezoek gepland."),
    )
    if done:
        visit, warnings = done.value
        for warning in warnings:
            flash(warning, "warning")
        return redirect(url_for("desk.visit_detail", visit_id=visit.id))
    return form_page(
        "desk/visit_new.html",
        form,
        student=student,
        wants_mixed=student.location.wants_mixed_pairs,
    )


@bp.route("/huisbezoeken/<int:visit_id>/wijzigen", methods=["GET", "POST"])
@case_workers
def edit_visit(visit_id: int) -> ResponseReturnValue:
    """Change a planned visit: another day or time, other people, another reason."""
    visit = _visit_or_404(visit_id)
    if visit.status != VisitStatus.GEPLAND:
        flash(_("Dit huisbezoek is niet meer gepland en kan niet meer worden gewijzigd."), "error")
        return redirect(url_for("desk.visit_detail", visit_id=visit.id))
    student = visit.student
    form = VisitChangeForm()
    form.staff_one.choices = choice_list(staff_choices(student.location_id, roles.VISIT_STAFF))
    form.staff_two.choices = choice_list(
        staff_choices(student.location_id, roles.VISIT_STAFF, empty=_("— niemand —"))
    )
    if request.method == "GET":
        planned = visit.planned_at.astimezone(LOCAL_TZ)
        form.planned_on.data = planned.date()
        form.planned_time.data = planned.time().replace(tzinfo=None)
        form.reason.data = visit.reason
        form.staff_one.data = visit.staff_one_id
        form.staff_two.data = visit.staff_two_id or 0
        form.companion.data = visit.companion
        form.mixed_pair.data = visit.mixed_pair
        form.version.data = str(visit.version)
    done = submit(
        form,
        lambda: services.change_visit(
            current_user,
            visit,
            version=_int_or_none(form.version.data),
            planned_on=form.planned_on.data,
            planned_time=form.planned_time.data,
            staff_one=user_by_id(form.staff_one.data),
            staff_two=user_by_id(form.staff_two.data),
            companion=form.companion.data,
            mixed_pair=bool(form.mixed_pair.data),
            reason=form.reason.data,
        ),
        success=_("Huisbezoek gewijzigd."),
    )
    if done:
        for warning in done.value:
            flash(warning, "warning")
        return redirect(url_for("desk.visit_detail", visit_id=visit_id))
    if g.get("form_refused") and _int_or_none(form.version.data) != _current_version(visit_id):
        # Somebody changed the visit meanwhile (the message is flashed): show how it is now.
        return redirect(url_for("desk.visit_detail", visit_id=visit_id))
    return form_page(
        "desk/visit_new.html",
        form,
        student=student,
        wants_mixed=student.location.wants_mixed_pairs,
        visit=visit,
    )


def _int_or_none(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _current_version(visit_id: int) -> int | None:
    return db.session.scalar(select(HomeVisit.version).where(HomeVisit.id == visit_id))


def _visit_or_404(visit_id: int) -> HomeVisit:
    visit = services.find_visit(current_user, visit_id)
    if visit is None:
        abort(404)
    return visit


def _visit_page(
    visit: HomeVisit,
    *,
    report_form: VisitReportForm | None = None,
    cancel_form: CancelForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    html = render_template(
        "desk/visit_detail.html",
        visit=visit,
        warnings=services.visit_warnings(visit, visit.student.location)
        if visit.status == VisitStatus.GEPLAND
        else [],
        report_form=report_form or VisitReportForm(),
        cancel_form=cancel_form or CancelForm(),
        VisitStatus=VisitStatus,
    )
    return html, status


@bp.route("/huisbezoeken/<int:visit_id>")
@case_workers
def visit_detail(visit_id: int) -> ResponseReturnValue:
    visit = _visit_or_404(visit_id)
    services.record_visit_view(current_user, visit)
    db.session.commit()
    return _visit_page(visit)


@bp.route("/huisbezoeken/<int:visit_id>/agenda.ics")
@case_workers
def visit_ics(visit_id: int) -> ResponseReturnValue:
    """The visit as a calendar file (initials and class, a link; no name, no address)."""
    visit = _visit_or_404(visit_id)
    record(current_user, "export", "huisbezoek", visit.id, student=visit.student, detail="agenda")
    db.session.commit()
    item = CalendarItem(
        uid=f"huisbezoek-{visit.id}",
        summary=_("Huisbezoek %(student)s", student=student_tag(visit.student)),
        path=url_for("desk.visit_detail", visit_id=visit.id),
        start=visit.planned_at,
        duration=timedelta(hours=1),
    )
    return ics_response(item, f"huisbezoek-{visit.id}.ics")


@bp.route("/huisbezoeken/<int:visit_id>/verslag", methods=["POST"])
@case_workers
def visit_report(visit_id: int) -> ResponseReturnValue:
    visit = _visit_or_404(visit_id)
    form = VisitReportForm()
    return form_action(
        form,
        lambda: services.record_visit(current_user, visit, form.report.data),
        success=_("Verslag van het huisbezoek opgeslagen."),
        then=url_for("desk.visit_detail", visit_id=visit.id),
        otherwise=lambda: _visit_page(_visit_or_404(visit_id), report_form=form, status=400),
    )


@bp.route("/huisbezoeken/<int:visit_id>/annuleren", methods=["POST"])
@case_workers
def visit_cancel(visit_id: int) -> ResponseReturnValue:
    visit = _visit_or_404(visit_id)
    form = CancelForm()
    return form_action(
        form,
        lambda: services.cancel_visit(current_user, visit, form.reason.data),
        success=_("Huisbezoek geannuleerd."),
        then=url_for("desk.visit_detail", visit_id=visit.id),
        otherwise=lambda: _visit_page(_visit_or_404(visit_id), cancel_form=form, status=400),
    )
