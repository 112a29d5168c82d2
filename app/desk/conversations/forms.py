"""The conversation report form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from app.core.fields import (
    AtLeastOne,
    LocalDateField,
    MultiCheckboxField,
    too_long,
    vocabulary_choices,
)
from app.core.forms import OnceForm
from app.core.vocabulary import (
    ConversationPartner,
    ReportTopic,
)
from app.models.desk import LONG_TEXT, NOTE_TEXT, SHORT_TEXT


class ReportForm(OnceForm):
    held_on = LocalDateField(
        _l("Datum van het gesprek"),
        validators=[InputRequired(_l("Kies de datum van het gesprek."))],
    )
    with_whom = MultiCheckboxField(
        _l("Met wie"),
        choices=vocabulary_choices(ConversationPartner),
        validators=[AtLeastOne(_l("Kies met wie het gesprek was."))],
    )
    with_other = StringField(_l("Anders, namelijk"), validators=[too_long(120)])
    topics = MultiCheckboxField(
        _l("Onderwerpen"),
        choices=vocabulary_choices(ReportTopic),
        validators=[AtLeastOne(_l("Kies minstens één onderwerp."))],
    )
    summary = TextAreaField(
        _l("Wat is er besproken"),
        validators=[DataRequired(_l("Vul in wat er is besproken.")), too_long(LONG_TEXT)],
    )
    agreements = TextAreaField(_l("Afspraken"), validators=[too_long(2000)])
    next_step = StringField(_l("Volgende stap"), validators=[too_long(SHORT_TEXT)])
    next_step_due = LocalDateField(_l("Volgende stap uiterlijk"), validators=[Optional()])
    internal_note = TextAreaField(
        _l("Interne notitie (niet voor het leerlingvolgsysteem)"),
        validators=[too_long(NOTE_TEXT)],
    )
    submit = SubmitField(_l("Verslag opslaan"))
