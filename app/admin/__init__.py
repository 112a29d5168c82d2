"""Functional management (beheer): users, locations and zones, imports."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/beheer")

from app.admin import routes  # noqa: E402,F401
