"""Privacy (AVG): the audit trail, backups; retention and subject access build on it."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

from app.privacy import routes  # noqa: E402,F401
