"""Periodic reports: quantitative developments and qualitative observations per location or for
the whole group, over a month, a term, a school year or chosen dates; page, PDF, CSV and a
command for scheduled reports."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/rapportage")

from app.reports import routes  # noqa: E402,F401
