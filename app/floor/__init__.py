"""Floor mode: one-tap logging on a phone, offline-first (the heart of SchoolFit)."""

from flask import Blueprint

bp = Blueprint("floor", __name__)

from app.floor import routes  # noqa: E402,F401
