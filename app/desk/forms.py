"""Desk forms: one FlaskForm per action. Every field has a Dutch message for empty, too long
and malformed input; checks that need the database live in the services (DomainError with a
field name, shown at that field)."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.vocabulary import (
    CallResult,
    ConversationPartner,
    HandoverCriterion,
    Labelled,
    ReportTopic,
    Weekday,
)
from app.models.desk import LONG_TEXT, NOTE_TEXT, SHORT_TEXT

INVALID_DATE = _l("Dat is geen geldige datum (dd-mm-jjjj).")
INVALID_TIME = _l("Dat is geen geldige tijd (uu:mm).")
INVALID_CHOICE = _l("Kies een van de mogelijkheden.")


class AtLeastOne:
    """For checkbox groups: at least one ticked. Unlike DataRequired it sets no ``required``
    flag, which would mark every single checkbox as required."""

    def __init__(self, message: object) -> None:
        self.message = message

    def __call__(self, form: object, field: object) -> None:
        if not getattr(field, "data", None):
            field.errors[:] = []  # type: ignore[attr-defined]
            raise StopValidation(str(self.message))


def too_long(limit: int) -> Length:
    return Length(max=limit, message=_l("Hoogstens %(max)d tekens.", max=limit))


class LocalDateField(DateField):
    def __init__(self, label=None, validators=None, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("invalid_value_message", INVALID_DATE)
        super().__init__(label, validators, **kwargs)


class LocalTimeField(TimeField):
    def __init__(self, label=None, validators=None, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("invalid_value_message", INVALID_TIME)
        super().__init__(label, validators, **kwargs)


class ChoiceField(SelectField):
    def __init__(self, label=None, validators=None, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("invalid_choice_message", INVALID_CHOICE)
        kwargs.setdefault("invalid_value_message", INVALID_CHOICE)
        super().__init__(label, validators, **kwargs)


class ChoiceRadioField(RadioField):
    def __init__(self, label=None, validators=None, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("invalid_choice_message", INVALID_CHOICE)
        super().__init__(label, validators, **kwargs)


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes (rendered as a fieldset by the shared ``field()`` macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("invalid_choice_message", INVALID_CHOICE)
        kwargs.setdefault("invalid_value_message", INVALID_CHOICE)
        super().__init__(label, validators, **kwargs)


def choice_list(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Choices as WTForms wants them (tuples are deprecated since WTForms 3.3)."""
    return [SelectChoice(value, str(label)) for value, label in pairs]


def _options(vocabulary: type[Labelled]) -> list[SelectChoice]:
    return choice_list(vocabulary.choices())


class ActionForm(FlaskForm):
    """A POST with nothing but its CSRF token (toggles, confirmations)."""


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


class CaseForm(FlaskForm):
    reason = StringField(
        _l("Aanleiding"),
        validators=[DataRequired(_l("Vul de aanleiding in.")), too_long(SHORT_TEXT)],
    )
    status = ChoiceField(_l("Begint als"), choices=[])
    owner = ChoiceField(_l("Eigenaar"), choices=[], coerce=int)
    teamleider = ChoiceField(_l("Teamleider"), choices=[], coerce=int)
    review_date = LocalDateField(_l("Evaluatiedatum"), validators=[Optional()])
    submit = SubmitField(_l("Casus openen"))


class StatusForm(FlaskForm):
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


class NoteForm(FlaskForm):
    text = TextAreaField(
        _l("Notitie"),
        validators=[DataRequired(_l("Vul de notitie in.")), too_long(LONG_TEXT)],
    )
    submit = SubmitField(_l("Notitie toevoegen"))


class ReviewForm(FlaskForm):
    text = TextAreaField(
        _l("Evaluatie"),
        validators=[DataRequired(_l("Vul de evaluatie in.")), too_long(LONG_TEXT)],
    )
    next_review_date = LocalDateField(
        _l("Volgende evaluatie"),
        validators=[InputRequired(_l("Kies de volgende evaluatiedatum."))],
    )
    submit = SubmitField(_l("Evaluatie vastleggen"))


class LinkCaseForm(FlaskForm):
    student = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Koppel aan casus"))


class ReportForm(FlaskForm):
    held_on = LocalDateField(
        _l("Datum van het gesprek"),
        validators=[InputRequired(_l("Kies de datum van het gesprek."))],
    )
    with_whom = MultiCheckboxField(
        _l("Met wie"),
        choices=_options(ConversationPartner),
        validators=[AtLeastOne(_l("Kies met wie het gesprek was."))],
    )
    with_other = StringField(_l("Anders, namelijk"), validators=[too_long(120)])
    topics = MultiCheckboxField(
        _l("Onderwerpen"),
        choices=_options(ReportTopic),
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


class CallForm(FlaskForm):
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
        render_kw={"placeholder": "bijv. na 16:00"},
    )
    contact_person = StringField(
        _l("Wie bellen"),
        validators=[too_long(120)],
        render_kw={"placeholder": "bijv. moeder"},
    )
    interpreter_needed = BooleanField(_l("Tolk nodig"))
    language = StringField(_l("Taal"), validators=[too_long(40)])
    assignee = ChoiceField(_l("Wie belt"), choices=[], coerce=int)
    submit = SubmitField(_l("Oudercontact plannen"))


class AttemptForm(FlaskForm):
    result = ChoiceRadioField(
        _l("Resultaat"),
        choices=_options(CallResult),
        validators=[InputRequired(_l("Kies het resultaat van de poging."))],
    )
    note = TextAreaField(_l("Notitie"), validators=[too_long(NOTE_TEXT)])
    next_due = LocalDateField(_l("Volgende poging op"), validators=[Optional()])
    submit = SubmitField(_l("Poging vastleggen"))


class CancelForm(FlaskForm):
    reason = StringField(
        _l("Reden"),
        validators=[DataRequired(_l("Vul een reden in.")), too_long(SHORT_TEXT)],
    )
    submit = SubmitField(_l("Annuleren"))


class VisitForm(FlaskForm):
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


class VisitReportForm(FlaskForm):
    report = TextAreaField(
        _l("Verslag"),
        validators=[DataRequired(_l("Vul het verslag in.")), too_long(LONG_TEXT)],
    )
    submit = SubmitField(_l("Verslag opslaan"))


class DetentionForm(FlaskForm):
    location = ChoiceField(_l("Locatie"), choices=[], coerce=int)
    held_on = LocalDateField(_l("Datum"), validators=[InputRequired(_l("Kies de datum."))])
    starts_at = LocalTimeField(_l("Begintijd"), validators=[Optional()])
    supervisor = ChoiceField(_l("Begeleider"), choices=[], coerce=int)
    note = StringField(_l("Notitie"), validators=[too_long(SHORT_TEXT)])
    submit = SubmitField(_l("Nablijfklas aanmaken"))


class AddStudentForm(FlaskForm):
    leerlingnummer = HiddenField(validators=[DataRequired(_l("Kies een leerling."))])
    what_happened = StringField(_l("Aanleiding"), validators=[too_long(NOTE_TEXT)])
    submit = SubmitField(_l("Toevoegen"))


class TalkForm(FlaskForm):
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


class HandoverForm(FlaskForm):
    criteria = MultiCheckboxField(
        _l("Criteria (minstens één)"),
        choices=_options(HandoverCriterion),
        validators=[AtLeastOne(_l("Kies minstens één criterium voor overdracht naar COPA."))],
    )
    summary = TextAreaField(
        _l("Wat SchoolFit heeft gedaan"),
        validators=[DataRequired(_l("Vul de samenvatting in.")), too_long(LONG_TEXT)],
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


class AcceptHandoverForm(FlaskForm):
    note = TextAreaField(_l("Toelichting (optioneel)"), validators=[too_long(NOTE_TEXT)])
    submit = SubmitField(_l("Accepteren"))


class ReturnHandoverForm(FlaskForm):
    reason = TextAreaField(
        _l("Reden van teruggeven"),
        validators=[DataRequired(_l("Vul de reden van teruggeven in.")), too_long(NOTE_TEXT)],
    )
    submit = SubmitField(_l("Teruggeven"))


class SlotForm(FlaskForm):
    location = ChoiceField(_l("Locatie"), choices=[], coerce=int)
    weekday = ChoiceField(
        _l("Dag"),
        choices=choice_list((day.index, day._label) for day in list(Weekday)[:5]),
        coerce=int,
    )
    starts_at = LocalTimeField(_l("Tijd"), validators=[InputRequired(_l("Kies een tijd."))])
    place = StringField(_l("Plaats"), validators=[too_long(120)])
    submit = SubmitField(_l("Toevoegen"))


class ExportForm(FlaskForm):
    start = LocalDateField(_l("Van"), validators=[InputRequired(_l("Kies een begindatum."))])
    end = LocalDateField(_l("Tot en met"), validators=[InputRequired(_l("Kies een einddatum."))])
    location = ChoiceField(_l("Locatie"), choices=[], coerce=int)
    reports = BooleanField(_l("Gespreksverslagen"), default=True)
    handovers = BooleanField(_l("Overdrachten naar COPA"), default=True)
    submit = SubmitField(_l("Download CSV"))
