"""Start page, language choice, and the PWA's root files (service worker, manifest, offline)."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from app.main import routes  # noqa: E402,F401
