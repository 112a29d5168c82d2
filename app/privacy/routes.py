from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.access import roles_required
from app.audit import record
from app.auth.sessions import recent_auth_required
from app.core import roles
from app.core.forms import submit
from app.core.request_input import paginate
from app.exceptions import DomainError
from app.extensions import db
from app.models import Student
from app.privacy.audit_labels import action_label, object_label
from app.privacy.audit_services import AuditFilter, audit_query, known_actions, student_trail_csv
from app.privacy.forms import AuditFilterForm, EraseStudentForm, RectifyStudentForm
from app.privacy.subject import as_json, erase_student, subject_access

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

beheer_only = roles_required(roles.BEHEER)
PAGE_SIZE = 100


@bp.route("/audit")
@beheer_only
def audit() -> ResponseReturnValue:
    form = AuditFilterForm(request.args)
    form.action.choices = [("", "—"), *[(a, action_label(a)) for a in known_actions()]]
    criteria = AuditFilter()
    if form.validate():
        criteria = AuditFilter(
            user_email=form.user.data or "",
            leerlingnummer=form.leerlingnummer.data or "",
            action=form.action.data or "",
            start=form.start.data,
            end=form.end.data,
        )
    page = paginate(audit_query(criteria), per_page=PAGE_SIZE)
    filter_args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template(
        "privacy/audit.html",
        form=form,
        page=page,
        criteria=criteria,
        filter_args=filter_args,
        action_label=action_label,
        object_label=object_label,
    )


@bp.route("/audit/leerling/<leerlingnummer>.csv")
@beheer_only
@recent_auth_required
def student_trail(leerlingnummer: str) -> ResponseReturnValue:
    student = db.session.scalar(select(Student).where(Student.leerlingnummer == leerlingnummer))
    if student is None or student.location_id not in current_user.location_ids:
        abort(404)
    body = student_trail_csv(student)
    record(current_user, "export", "audit_trail", leerlingnummer, student=student)
    db.session.commit()
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-{leerlingnummer}.csv"'},
    )


def _student_for_beheer(leerlingnummer: str) -> Student:
    student = db.session.scalar(select(Student).where(Student.leerlingnummer == leerlingnummer))
    if student is None or student.location_id not in current_user.location_ids:
        abort(404)
    return student


@bp.route("/leerling/<leerlingnummer>")
@beheer_only
@recent_auth_required
def subject(leerlingnummer: str) -> ResponseReturnValue:
    """Everything stored about one student (subject access, AVG art. 15)."""
    student = _student_for_beheer(leerlingnummer)
    sections = subject_access(student)
    record(current_user, "view", "subject_access", leerlingnummer, student=student)
    db.session.commit()
    rectify = RectifyStudentForm(obj=student)
    return render_template(
        "privacy/subject.html",
        student=student,
        sections=sections,
        erase_form=EraseStudentForm(),
        rectify_form=rectify,
    )


@bp.route("/leerling/<leerlingnummer>.json")
@beheer_only
@recent_auth_required
def subject_json(leerlingnummer: str) -> ResponseReturnValue:
    student = _student_for_beheer(leerlingnummer)
    body = json.dumps(as_json(student, subject_access(student)), ensure_ascii=False, indent=2)
    record(current_user, "export", "subject_access", leerlingnummer, student=student)
    db.session.commit()
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="leerling-{leerlingnummer}.json"'},
    )


@bp.route("/leerling/<leerlingnummer>/corrigeren", methods=["POST"])
@beheer_only
@recent_auth_required
def rectify(leerlingnummer: str) -> ResponseReturnValue:
    student = _student_for_beheer(leerlingnummer)
    form = RectifyStudentForm()
    if form.validate_on_submit():
        changed = []
        for name in ("first_name", "tussenvoegsel", "last_name", "class_name", "mentor"):
            value = (getattr(form, name).data or "").strip()
            if getattr(student, name) != value:
                changed.append(name)
                setattr(student, name, value)
        record(
            current_user,
            "rectify",
            "student",
            leerlingnummer,
            student=student,
            detail=", ".join(changed) or "geen wijziging",
        )
        db.session.commit()
        flash(_("Leerlinggegevens gecorrigeerd."), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
    return redirect(url_for("privacy.subject", leerlingnummer=leerlingnummer))


@bp.route("/leerling/<leerlingnummer>/wissen", methods=["POST"])
@beheer_only
@recent_auth_required
def erase(leerlingnummer: str) -> ResponseReturnValue:
    student = _student_for_beheer(leerlingnummer)
    form = EraseStudentForm()

    def erase_confirmed() -> None:
        if (form.confirm.data or "").strip() != leerlingnummer:
            raise DomainError(_("Het leerlingnummer klopt niet; er is niets gewist."))
        erase_student(student, current_user, form.reason.data or "")

    if submit(
        form,
        erase_confirmed,
        success=_("Alle gegevens van leerling %(n)s zijn gewist.", n=leerlingnummer),
        errors="flash",
    ):
        return redirect(url_for("privacy.audit"))
    return redirect(url_for("privacy.subject", leerlingnummer=leerlingnummer))
