from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from app.access import roles_required
from app.audit import record
from app.auth.sessions import recent_auth_required
from app.extensions import db
from app.models import Role, Student
from app.privacy import bp
from app.privacy.audit_services import AuditFilter, audit_query, known_actions, student_trail_csv
from app.privacy.forms import AuditFilterForm

beheer_only = roles_required(Role.BEHEER)
PAGE_SIZE = 100


@bp.route("/audit")
@beheer_only
def audit() -> str:
    form = AuditFilterForm(request.args)
    form.action.choices = [("", "—"), *[(a, a) for a in known_actions()]]
    criteria = AuditFilter()
    if form.validate():
        criteria = AuditFilter(
            user_email=form.user.data or "",
            leerlingnummer=form.leerlingnummer.data or "",
            action=form.action.data or "",
            start=form.start.data,
            end=form.end.data,
        )
    page = db.paginate(audit_query(criteria), per_page=PAGE_SIZE, error_out=False)
    filter_args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template(
        "privacy/audit.html", form=form, page=page, criteria=criteria, filter_args=filter_args
    )


@bp.route("/audit/leerling/<leerlingnummer>.csv")
@beheer_only
@recent_auth_required
def student_trail(leerlingnummer: str) -> Response:
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
