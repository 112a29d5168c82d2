"""Wording shared by the digest page and e-mail (locale-aware; needs a request context)."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _

from app.digest.rules import ClimateFigure


def ratio_text(figure: ClimateFigure) -> str:
    """ "4,5 : 1" (in the request's locale), "geen spanning", or "–" without any entries."""
    if figure.ratio is not None:
        return f"{format_decimal(round(figure.ratio, 1), format='0.0')} : 1"
    return _("geen spanning") if figure.status == "goed" else "–"
