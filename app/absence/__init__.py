"""Absence: the school calendar, the import of absence exports from the LVS (Magister,
SOMtoday), the high-absence signal rules, the signal list and the student's absence overview."""

from flask import Blueprint

bp = Blueprint("absence", __name__, url_prefix="/verzuim")


@bp.app_template_filter("weekday_label")
def _weekday_label(variant: str) -> str:
    from app.absence.labels import weekday_label

    return weekday_label(variant)


from app.absence import routes  # noqa: E402,F401
