"""Forms of home visits."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from app.core.fields import (
    ChoiceField,
    LocalDateField,
    LocalTimeField,
    too_long,
)
from app.core.forms import OnceForm
from app.models.desk import LONG_TEXT, SHORT_TEXT


class VisitForm(OnceForm):
    planned_on = LocalDateField(
        _l("Datum"), validators=[InputRequired(_l("Kies de datum van het huisbezoek."))]
    )
    planned_time = LocalTimeField(
        _l("Tijd"), validators=[InputRequired(_l("Kies het tijdstip van het huisbezoek."))]
    )
    reason = StringField(
        _l("Reden van het bezoek"),
        validators=[DataRequired(_l("Vul de reden van het bezoek in.")), too_long(SHORT_TEXT)],
    )
    staff_one = ChoiceField(_l("Medewerker"), choices=[], coerce=int)
    staff_two = ChoiceField(_l("Tweede medewerker"), choices=[], coerce=int)
    companion = StringField(
        _l("Of een andere begeleider (naam en functie)"), validators=[too_long(120)]
    )
    mixed_pair = BooleanField(_l("Gemengd duo (man/vrouw)"))
    submit = SubmitField(_l("Huisbezoek plannen"))


class VisitChangeForm(VisitForm):
    """A planned visit changed; ``version`` is the visit's version the form was made from."""

    version = HiddenField()
    submit = SubmitField(_l("Wijzigingen opslaan"))


class VisitReportForm(OnceForm):
    report = TextAreaField(
        _l("Verslag"),
        validators=[DataRequired(_l("Vul het verslag in.")), too_long(LONG_TEXT)],
    )
    submit = SubmitField(_l("Verslag opslaan"))
