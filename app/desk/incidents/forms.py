"""The incident form: what, where, when, and the students involved with their roles."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, Form, FormField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from app.core.fields import (
    ChoiceField,
    LocalDateField,
    LocalTimeField,
    choice_list,
    too_long,
    vocabulary_choices,
)
from app.core.forms import OnceForm
from app.core.vocabulary import IncidentKind, IncidentRole
from app.models.desk import LONG_TEXT

ROWS = 8


class InvolvedForm(Form):
    leerlingnummer = StringField(_l("Leerling (leerlingnummer)"), validators=[too_long(20)])
    role = ChoiceField(
        _l("Rol"),
        choices=lambda: choice_list([("", "—"), *IncidentRole.choices()]),
        validate_choice=False,
    )


class IncidentForm(OnceForm):
    kind = ChoiceField(
        _l("Wat voor incident"),
        choices=lambda: vocabulary_choices(IncidentKind),
        validators=[InputRequired(_l("Kies wat voor incident het was."))],
    )
    location = ChoiceField(_l("Locatie"), choices=[], coerce=int)
    zone = ChoiceField(_l("Waar (zone)"), choices=[], coerce=int)
    day = LocalDateField(_l("Datum"), validators=[InputRequired(_l("Vul de datum in."))])
    at = LocalTimeField(_l("Tijd"), validators=[InputRequired(_l("Vul de tijd in."))])
    description = TextAreaField(
        _l("Wat is er gebeurd"),
        validators=[DataRequired(_l("Beschrijf wat er gebeurde.")), too_long(LONG_TEXT)],
    )
    involved = FieldList(FormField(InvolvedForm), min_entries=ROWS, max_entries=ROWS)
    submit = SubmitField(_l("Incident registreren"))
