"""The LVS export form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField
from wtforms.validators import InputRequired

from app.core.fields import (
    ChoiceField,
    LocalDateField,
)


class ExportForm(FlaskForm):
    start = LocalDateField(_l("Van"), validators=[InputRequired(_l("Kies een begindatum."))])
    end = LocalDateField(_l("Tot en met"), validators=[InputRequired(_l("Kies een einddatum."))])
    location = ChoiceField(_l("Locatie"), choices=[], coerce=int)
    reports = BooleanField(_l("Gespreksverslagen"), default=True)
    handovers = BooleanField(_l("Overdrachten naar COPA"), default=True)
    submit = SubmitField(_l("Download CSV"))
