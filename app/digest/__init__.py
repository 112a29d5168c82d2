"""The team leader's daily digest: one page per location and school day (what needs action
first, the rest as counts), tension hotspots with a presence plan, and the 14:00 e-mail."""

from flask import Blueprint

bp = Blueprint("digest", __name__, url_prefix="/digest")

from app.digest import routes  # noqa: E402,F401
