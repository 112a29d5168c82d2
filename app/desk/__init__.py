"""Desk mode (11:00–14:00, laptop): the afternoon inbox, case records, conversation reports,
parent calls, home visits, the detention class and the handover to COPA."""

from flask import Blueprint

bp = Blueprint("desk", __name__, url_prefix="/bureau")

from app.desk import routes  # noqa: E402,F401
