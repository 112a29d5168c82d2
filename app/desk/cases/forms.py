"""Forms of the case page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from app.core.fields import (
    ChoiceField,
    LocalDateField,
    too_long,
)
from app.core.forms import OnceForm
from app.models.desk import LONG_TEXT, NOTE_TEXT, SHORT_TEXT


class CaseForm(OnceForm):
    reason = StringField(
        _l("Aanleiding"),
        validators=[DataRequired(_l("Vul de aanleiding in.")), too_long(SHORT_TEXT)],
    )
    status = ChoiceField(_l("Begint als"), choices=[])
    owner = ChoiceField(_l("Eigenaar"), choices=[], coerce=int)
    teamleider = ChoiceField(_l("Teamleider"), choices=[], coerce=int)
    review_date = LocalDateField(_l("Evaluatiedatum"), validators=[Optional()])
    submit = SubmitField(_l("Casus openen"))


class StatusForm(OnceForm):
    status = ChoiceField(_l("Nieuwe status"), choices=[])
    reason = TextAreaField(
        _l("Waarom"),
        validators=[DataRequired(_l("Vul de reden van de wijziging in.")), too_long(NOTE_TEXT)],
    )
    review_date = LocalDateField(_l("Evaluatiedatum"), validators=[Optional()])
    submit = SubmitField(_l("Status wijzigen"))


class AssignForm(FlaskForm):
    owner = ChoiceField(_l("Eigenaar"), choices=[], coerce=int)
    teamleider = ChoiceField(_l("Teamleider"), choices=[], coerce=int)
    submit = SubmitField(_l("Opslaan"))


class NoteForm(OnceForm):
    text = TextAreaField(
        _l("Notitie"),
        validators=[DataRequired(_l("Vul de notitie in.")), too_long(LONG_TEXT)],
    )
    submit = SubmitField(_l("Notitie toevoegen"))


class ReviewForm(OnceForm):
    text = TextAreaField(
        _l("Evaluatie"),
        validators=[DataRequired(_l("Vul de evaluatie in.")), too_long(LONG_TEXT)],
    )
    next_review_date = LocalDateField(
        _l("Volgende evaluatie"),
        validators=[InputRequired(_l("Kies de volgende evaluatiedatum."))],
    )
    submit = SubmitField(_l("Evaluatie vastleggen"))
