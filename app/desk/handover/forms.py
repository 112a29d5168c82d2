"""Forms of the handover to COPA and its weekly moments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from app.core.fields import (
    AtLeastOne,
    ChoiceField,
    LocalTimeField,
    MultiCheckboxField,
    choice_list,
    too_long,
    vocabulary_choices,
)
from app.core.forms import OnceForm
from app.core.vocabulary import (
    HandoverCriterion,
    Weekday,
)
from app.models.desk import LONG_TEXT, NOTE_TEXT


class HandoverForm(OnceForm):
    criteria = MultiCheckboxField(
        _l("Criteria (minstens één)"),
        choices=vocabulary_choices(HandoverCriterion),
        validators=[AtLeastOne(_l("Kies minstens één criterium voor overdracht naar COPA."))],
    )
    summary = TextAreaField(
        _l("Wat SchoolFit heeft gedaan"),
        validators=[DataRequired(_l("Vul de samenvatting in.")), too_long(LONG_TEXT)],
        render_kw={"lang": "nl"},  # prefilled from the chronology in Dutch, like the LVS text
    )
    help_questions = TextAreaField(
        _l("Hulpvragen"),
        validators=[DataRequired(_l("Vul de hulpvragen in.")), too_long(2000)],
    )
    proposed_next_step = TextAreaField(
        _l("Voorgestelde vervolgstap"),
        validators=[DataRequired(_l("Vul de voorgestelde vervolgstap in.")), too_long(2000)],
    )
    moment = ChoiceField(_l("Overdrachtsmoment"), choices=[])
    teamleider = ChoiceField(_l("Teamleider"), choices=[], coerce=int)
    submit = SubmitField(_l("Overdracht indienen"))


class AcceptHandoverForm(OnceForm):
    note = TextAreaField(_l("Toelichting (optioneel)"), validators=[too_long(NOTE_TEXT)])
    submit = SubmitField(_l("Accepteren"))


class ReturnHandoverForm(OnceForm):
    reason = TextAreaField(
        _l("Reden van teruggeven"),
        validators=[DataRequired(_l("Vul de reden van teruggeven in.")), too_long(NOTE_TEXT)],
    )
    submit = SubmitField(_l("Teruggeven"))


class SlotForm(OnceForm):
    location = ChoiceField(_l("Locatie"), choices=[], coerce=int)
    weekday = ChoiceField(
        _l("Dag"),
        choices=choice_list((day.number, day._label) for day in list(Weekday)[:5]),
        coerce=int,
    )
    starts_at = LocalTimeField(_l("Tijd"), validators=[InputRequired(_l("Kies een tijd."))])
    place = StringField(_l("Plaats"), validators=[too_long(120)])
    submit = SubmitField(_l("Toevoegen"))
