"""Students: the list, a student's page, and the import from the student information system."""

from flask import Blueprint

bp = Blueprint("students", __name__, url_prefix="/leerlingen")

from app.students import routes  # noqa: E402,F401
