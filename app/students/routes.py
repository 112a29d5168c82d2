from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.absence.overview import absence_overview
from app.access import get_visible_student_or_404, login_required
from app.audit import record
from app.core.request_input import int_arg, paginate
from app.desk.chronology.student import MAX_SHOWN, PAGE, student_timeline
from app.desk.chronology.timeline import KIND_LABELS
from app.extensions import db
from app.models import Student
from app.students.services import search_students

bp = Blueprint("students", __name__, url_prefix="/leerlingen")

PAGE_SIZE = 50


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    text = request.args.get("q", "").strip()[:80]
    query = search_students(current_user, text).options(joinedload(Student.location))
    page = paginate(query, per_page=PAGE_SIZE)
    return render_template("students/index.html", page=page, q=text)


@bp.route("/<leerlingnummer>")
@login_required
def detail(leerlingnummer: str) -> ResponseReturnValue:
    student = get_visible_student_or_404(leerlingnummer)
    record(current_user, "view", "student", student.leerlingnummer, student=student)
    absence = absence_overview(current_user, student)  # audits the absence view itself
    limit = int_arg("toon", maximum=MAX_SHOWN) or PAGE
    timeline = student_timeline(current_user, student, limit=limit)  # audits case content
    db.session.commit()
    return render_template(
        "students/detail.html",
        student=student,
        absence=absence,
        timeline=timeline,
        kind_labels=KIND_LABELS,
        page_step=PAGE,
    )
