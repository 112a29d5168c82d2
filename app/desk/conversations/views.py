"""Conversation reports: write one (from a floor entry or for a student), read it, correct it,
tick off its next step."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.access import login_required, roles_required
from app.core import roles
from app.core.fields import ActionForm
from app.core.forms import form_page, submit
from app.core.localtime import local_today, to_local
from app.desk.blueprint import bp
from app.desk.common import open_case_of
from app.desk.conversations import services
from app.desk.conversations.forms import ReportForm
from app.desk.export.lvs import report_record
from app.desk.pages import back, entry_for, handled_url, student_for_work
from app.extensions import db
from app.models import ConversationReport

case_workers = roles_required(roles.CASE_WORKERS)


def _report_input(form: ReportForm) -> services.ReportInput:
    return services.ReportInput(
        held_on=form.held_on.data,
        with_whom=form.with_whom.data or [],
        with_other=form.with_other.data,
        topics=form.topics.data or [],
        summary=form.summary.data,
        agreements=form.agreements.data,
        next_step=form.next_step.data,
        next_step_due=form.next_step_due.data,
        internal_note=form.internal_note.data,
    )


@bp.route("/leerling/<leerlingnummer>/verslag/nieuw", methods=["GET", "POST"])
@case_workers
def new_report(leerlingnummer: str) -> ResponseReturnValue:
    student = student_for_work(leerlingnummer)
    entry = entry_for(student, request.values.get("melding"))
    form = ReportForm()
    if request.method == "GET":
        form.with_whom.data = ["leerling"]
        form.held_on.data = local_today()
        if entry is not None:
            form.held_on.data = to_local(entry.occurred_at).date()
            form.summary.data = entry.note
            if entry.topic:
                form.topics.data = [entry.topic.value]
    done = submit(
        form,
        lambda: services.create_report(current_user, student, _report_input(form), entry=entry),
        success=_("Gespreksverslag opgeslagen."),
    )
    if done and entry is not None:
        return redirect(handled_url(entry.id))
    if done:
        return redirect(url_for("desk.report_detail", report_id=done.value.id))
    return form_page(
        "desk/report_form.html",
        form,
        student=student,
        entry=entry,
        report=None,
        open_case=open_case_of(student.id),
    )


def _report_or_404(report_id: int) -> ConversationReport:
    report = services.find_report(current_user, report_id)
    if report is None:
        abort(404)
    return report


@bp.route("/verslagen/<int:report_id>")
@login_required
def report_detail(report_id: int) -> ResponseReturnValue:
    report = _report_or_404(report_id)
    services.record_report_view(current_user, report)
    db.session.commit()
    return render_template(
        "desk/report_detail.html",
        report=report,
        lvs_text=report_record(report).text(),
        action_form=ActionForm(),
        can_edit=report.author_id == current_user.id,
    )


@bp.route("/verslagen/<int:report_id>/bewerken", methods=["GET", "POST"])
@case_workers
def edit_report(report_id: int) -> ResponseReturnValue:
    report = _report_or_404(report_id)
    if report.author_id != current_user.id:
        abort(403)
    form = ReportForm(obj=report if request.method == "GET" else None)
    if request.method == "GET":
        form.with_whom.data = report.partners
        form.topics.data = report.topic_codes
    if submit(
        form,
        lambda: services.update_report(current_user, report, _report_input(form)),
        success=_("Gespreksverslag aangepast."),
    ):
        return redirect(url_for("desk.report_detail", report_id=report.id))
    return form_page(
        "desk/report_form.html",
        form,
        student=report.student,
        entry=None,
        report=report,
        open_case=None,
    )


@bp.route("/verslagen/<int:report_id>/stap", methods=["POST"])
@case_workers
def report_step_done(report_id: int) -> ResponseReturnValue:
    report = _report_or_404(report_id)
    submit(
        ActionForm(),
        lambda: services.next_step_done(current_user, report),
        success=_("Bijgewerkt."),
        errors="flash",
    )
    return back(url_for("desk.report_detail", report_id=report.id))
