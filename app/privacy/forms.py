from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional


class AuditFilterForm(FlaskForm):
    """A GET form: filters in the query string (no CSRF needed for reading)."""

    class Meta:
        csrf = False

    user = StringField(_l("Gebruiker (e-mailadres)"), validators=[Optional(), Length(max=254)])
    leerlingnummer = StringField(_l("Leerlingnummer"), validators=[Optional(), Length(max=20)])
    action = SelectField(_l("Actie"), choices=[], validators=[Optional()])
    start = DateField(_l("Van"), validators=[Optional()])
    end = DateField(_l("Tot en met"), validators=[Optional()])
