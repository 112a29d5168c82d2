"""Forms of the Meldcode: a signal (opening a traject), a step, the melding, members, owner,
closing."""

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
from app.core.vocabulary import Answer, MeldcodeStep
from app.models.desk import LONG_TEXT, SHORT_TEXT


class SignalForm(OnceForm):
    signal = TextAreaField(
        _l("Wat heb je gezien of gehoord?"),
        validators=[DataRequired(_l("Beschrijf wat je zag of hoorde.")), too_long(LONG_TEXT)],
    )
    # Shown when the location has more than one; otherwise its one coordinator (the service
    # checks the choice).
    owner = ChoiceField(
        _l("Aandachtsfunctionaris"), choices=[], coerce=int, default=0, validate_choice=False
    )
    submit = SubmitField(_l("Signaal vastleggen"))


class StepForm(OnceForm):
    step = ChoiceRadioField(_l("Stap"), choices=lambda: vocabulary_choices(MeldcodeStep))
    held_on = LocalDateField(_l("Datum"), validators=[InputRequired(_l("Vul de datum in."))])
    participants = StringField(
        _l("Wie waren erbij (namen en functies)"), validators=[too_long(SHORT_TEXT)]
    )
    notes = TextAreaField(
        _l("Wat is gezien, gezegd of gewogen"),
        validators=[DataRequired(_l("Vul in wat er is gebeurd.")), too_long(LONG_TEXT)],
    )
    report_needed = ChoiceRadioField(
        _l("Beslissing 1: is melden bij Veilig Thuis noodzakelijk?"),
        choices=lambda: vocabulary_choices(Answer),
        validate_choice=False,  # only step 5 asks; the service checks it
    )
    help_possible = ChoiceRadioField(
        _l("Beslissing 2: is hulp verlenen of organiseren (ook) mogelijk?"),
        choices=lambda: vocabulary_choices(Answer),
        validate_choice=False,
    )
    submit = SubmitField(_l("Stap vastleggen"))


class MeldingForm(OnceForm):
    reported_on = LocalDateField(
        _l("Datum van de melding"), validators=[InputRequired(_l("Vul de datum in."))]
    )
    reference = StringField(
        _l("Kenmerk van Veilig Thuis"),
        validators=[DataRequired(_l("Vul het kenmerk in.")), too_long(60)],
    )
    submit = SubmitField(_l("Melding vastleggen"))


class MemberForm(OnceForm):
    user = ChoiceField(_l("Collega"), choices=[], coerce=int)
    submit = SubmitField(_l("Toevoegen"))


class OwnerForm(OnceForm):
    owner = ChoiceField(_l("Aandachtsfunctionaris"), choices=[], coerce=int)
    submit = SubmitField(_l("Eigenaar wijzigen"))


class CloseForm(OnceForm):
    reason = StringField(
        _l("Waarom wordt het traject afgesloten?"),
        validators=[DataRequired(_l("Vul een reden in.")), too_long(SHORT_TEXT)],
    )
    submit = SubmitField(_l("Traject afsluiten"))
