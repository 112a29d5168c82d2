"""Forms of the detention class."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from app.core.fields import (
    ChoiceField,
    LocalDateField,
    LocalTimeField,
    too_long,
)
from app.core.forms import OnceForm
from app.models.desk import NOTE_TEXT, SHORT_TEXT


class DetentionForm(OnceForm):
    location = ChoiceField(_l("Locatie"), choices=[], coerce=int)
    held_on = LocalDateField(_l("Datum"), validators=[InputRequired(_l("Kies de datum."))])
    starts_at = LocalTimeField(_l("Begintijd"), validators=[Optional()])
    supervisor = ChoiceField(_l("Begeleider"), choices=[], coerce=int)
    note = StringField(_l("Notitie"), validators=[too_long(SHORT_TEXT)])
    submit = SubmitField(_l("Nablijfklas aanmaken"))


class AddStudentForm(OnceForm):
    leerlingnummer = HiddenField(validators=[DataRequired(_l("Kies een leerling."))])
    what_happened = StringField(_l("Aanleiding"), validators=[too_long(NOTE_TEXT)])
    submit = SubmitField(_l("Toevoegen"))


class TalkForm(OnceForm):
    what_happened = TextAreaField(
        _l("Wat er gebeurde"),
        validators=[DataRequired(_l("Vul in wat er gebeurde.")), too_long(NOTE_TEXT)],
    )
    reflection = TextAreaField(
        _l("Reflectie"),
        validators=[DataRequired(_l("Vul de reflectie in.")), too_long(NOTE_TEXT)],
    )
    agreement = TextAreaField(_l("Afspraak (herstel)"), validators=[too_long(NOTE_TEXT)])
    submit = SubmitField(_l("Gesprek vastleggen"))
