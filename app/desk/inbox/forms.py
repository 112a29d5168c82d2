"""Forms of the inbox."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired

from app.core.fields import (
    too_long,
)


class ScreenedPlaceForm(FlaskForm):
    confirm = BooleanField(
        _l("Ik zit op een afgeschermde plek: niemand kan op mijn scherm meekijken."),
        validators=[DataRequired(_l("Bevestig dat niemand kan meekijken."))],
    )
    next = HiddenField()
    submit = SubmitField(_l("Verder naar het bureau"))


class CloseEntryForm(FlaskForm):
    reason = StringField(
        _l("Reden"),
        validators=[DataRequired(_l("Geef kort aan waarom.")), too_long(200)],
    )
    submit = SubmitField(_l("Afsluiten"))


class ResolveQuarantineForm(FlaskForm):
    resolution = StringField(
        _l("Hoe afgehandeld"),
        validators=[
            DataRequired(_l("Schrijf kort op hoe je het hebt afgehandeld.")),
            too_long(500),
        ],
    )
    submit = SubmitField(_l("Afgehandeld"))


class LinkCaseForm(FlaskForm):
    student = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Koppel aan casus"))
