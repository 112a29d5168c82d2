from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional


class AuditFilterForm(FlaskForm):
    """A GET form: filters in the query string (no CSRF needed for reading)."""

    class Meta:
        csrf = False

    user = StringField(_l("Gebruiker (e-mailadres)"), validators=[Optional(), Length(max=254)])
    leerlingnummer = StringField(_l("Leerlingnummer"), validators=[Optional(), Length(max=20)])
    action = SelectField(_l("Actie"), choices=[], validators=[Optional()])
    start = DateField(_l("Van"), validators=[Optional()])
    end = DateField(_l("Tot en met"), validators=[Optional()])


class EraseStudentForm(FlaskForm):
    reason = StringField(
        _l("Reden (bijvoorbeeld: verzoek van ouders van 12-11)"),
        validators=[DataRequired(_l("Geef een reden.")), Length(max=400)],
    )
    confirm = StringField(
        _l("Typ het leerlingnummer ter bevestiging"),
        validators=[DataRequired(_l("Typ het leerlingnummer ter bevestiging."))],
    )
    submit = SubmitField(_l("Alles over deze leerling wissen"))


class RectifyStudentForm(FlaskForm):
    first_name = StringField(_l("Roepnaam"), validators=[DataRequired(), Length(max=80)])
    tussenvoegsel = StringField(_l("Tussenvoegsel"), validators=[Length(max=30)])
    last_name = StringField(_l("Achternaam"), validators=[DataRequired(), Length(max=120)])
    class_name = StringField(_l("Klas"), validators=[DataRequired(), Length(max=20)])
    mentor = StringField(_l("Mentor"), validators=[Length(max=80)])
    submit = SubmitField(_l("Corrigeren"))
