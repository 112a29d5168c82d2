"""Absence: the school calendar, the import of absence exports from the LVS (Magister,
SOMtoday), the high-absence signal rules, the signal list and the student's absence overview."""

from flask import Blueprint

bp = Blueprint("absence", __name__, url_prefix="/verzuim")


from app.absence import routes  # noqa: E402,F401
