from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.absence.overview import absence_overview
from app.access import get_visible_student_or_404, login_required
from app.audit import record
from app.core.request_input import paginate
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
    db.session.commit()
    return render_template("students/detail.html", student=student, absence=absence)
