"""Forms of referrals and of the partner list."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from app.core.fields import (
    ChoiceField,
    ChoiceRadioField,
    LocalDateField,
    too_long,
    vocabulary_choices,
)
from app.core.forms import OnceForm
from app.core.vocabulary import Consent, PartnerKind
from app.models.desk import NOTE_TEXT, SHORT_TEXT


class ReferralForm(OnceForm):
    partner = ChoiceField(_l("Ketenpartner"), choices=[], coerce=int)
    contact_person = StringField(_l("Contactpersoon bij de partner"), validators=[too_long(120)])
    referred_on = LocalDateField(
        _l("Datum van de verwijzing"), validators=[InputRequired(_l("Vul de datum in."))]
    )
    reason = TextAreaField(
        _l("Reden van de verwijzing"),
        validators=[DataRequired(_l("Vul de reden in.")), too_long(NOTE_TEXT)],
    )
    consent = ChoiceRadioField(
        _l("Toestemming"), choices=lambda: vocabulary_choices(Consent), validate_choice=False
    )
    consent_note = StringField(
        _l("Toelichting (verplicht zonder toestemming)"), validators=[too_long(SHORT_TEXT)]
    )
    feedback_due = LocalDateField(
        _l("Terugkoppeling verwacht uiterlijk"),
        validators=[InputRequired(_l("Vul de datum in."))],
    )
    submit = SubmitField(_l("Verwijzing vastleggen"))


class OutcomeForm(OnceForm):
    outcome_on = LocalDateField(
        _l("Datum van de terugkoppeling"), validators=[InputRequired(_l("Vul de datum in."))]
    )
    outcome = TextAreaField(
        _l("Uitkomst"), validators=[DataRequired(_l("Vul de uitkomst in.")), too_long(NOTE_TEXT)]
    )
    submit = SubmitField(_l("Uitkomst vastleggen"))


class PartnerForm(OnceForm):
    kind = ChoiceField(_l("Soort"), choices=lambda: vocabulary_choices(PartnerKind))
    name = StringField(_l("Naam"), validators=[DataRequired(_l("Vul de naam in.")), too_long(120)])
    contact = StringField(_l("Contact (algemeen)"), validators=[too_long(200)])
    location = ChoiceField(_l("Locatie"), choices=[], coerce=int)
    submit = SubmitField(_l("Toevoegen"))
