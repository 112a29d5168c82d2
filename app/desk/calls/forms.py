"""Forms of parent calls."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from app.core.fields import (
    ChoiceField,
    ChoiceRadioField,
    LocalDateField,
    too_long,
    vocabulary_choices,
)
from app.core.forms import OnceForm
from app.core.vocabulary import (
    CallResult,
)
from app.models.desk import NOTE_TEXT, SHORT_TEXT


class CallForm(OnceForm):
    subject = StringField(
        _l("Waarover"),
        validators=[DataRequired(_l("Vul in waarover je belt.")), too_long(SHORT_TEXT)],
    )
    due = LocalDateField(
        _l("Bellen op"), validators=[InputRequired(_l("Kies een datum om te bellen."))]
    )
    preferred_time = StringField(
        _l("Voorkeurstijd"),
        validators=[too_long(60)],
        render_kw={"placeholder": _l("bijv. na 16:00")},
    )
    contact_person = StringField(
        _l("Wie bellen"),
        validators=[too_long(120)],
        render_kw={"placeholder": _l("bijv. moeder")},
    )
    interpreter_needed = BooleanField(_l("Tolk nodig"))
    language = StringField(_l("Taal"), validators=[too_long(40)])
    assignee = ChoiceField(_l("Wie belt"), choices=[], coerce=int)
    submit = SubmitField(_l("Oudercontact plannen"))


class AttemptForm(OnceForm):
    result = ChoiceRadioField(
        _l("Resultaat"),
        choices=vocabulary_choices(CallResult),
        validators=[InputRequired(_l("Kies het resultaat van de poging."))],
    )
    note = TextAreaField(_l("Notitie"), validators=[too_long(NOTE_TEXT)])
    next_due = LocalDateField(_l("Volgende poging op"), validators=[Optional()])
    submit = SubmitField(_l("Poging vastleggen"))


class CancelForm(OnceForm):
    reason = StringField(
        _l("Reden"),
        validators=[DataRequired(_l("Vul een reden in.")), too_long(SHORT_TEXT)],
    )
    submit = SubmitField(_l("Annuleren"))
