from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import OnceForm
from app.core.vocabulary import AbsenceCategory, NonSchoolKind


class AcknowledgeForm(OnceForm):
    note = TextAreaField(
        _l("Wat gebeurt er met dit signaal?"),
        validators=[DataRequired(_l("Schrijf kort op wat er gebeurt.")), Length(min=3, max=500)],
        render_kw={"rows": 2, "maxlength": 500},
    )
    submit = SubmitField(_l("Afhandelen"))


class AbsenceImportForm(FlaskForm):
    file = FileField(
        _l("Verzuimexport (CSV of .xlsx)"),
        validators=[
            FileRequired(_l("Kies een bestand.")),
            FileAllowed(["csv", "txt", "xlsx"], _l("Alleen .csv, .txt of .xlsx.")),
        ],
    )
    skip_unknown = BooleanField(
        _l("Regels van onbekende leerlingen overslaan (anders wordt niets geïmporteerd)")
    )
    replace_period = BooleanField(
        _l(
            "Het bestand is volledig voor zijn periode: registraties die het LVS niet meer heeft, "
            "worden verwijderd"
        )
    )
    submit = SubmitField(_l("Importeren"))


class SchoolYearForm(OnceForm):
    name = StringField(
        _l("Schooljaar (bijv. 2027-2028)"),
        validators=[DataRequired(_l("Vul een schooljaar in.")), Length(max=9)],
    )
    public_holidays = BooleanField(
        _l("Feestdagen toevoegen (Goede Vrijdag, Pasen, Koningsdag, Hemelvaart, Pinksteren)"),
        default=True,
    )
    submit = SubmitField(_l("Schooljaar toevoegen"))


def kind_choices() -> list[tuple[str, str]]:
    return NonSchoolKind.choices()


class NonSchoolPeriodForm(OnceForm):
    school_year = SelectField(_l("Schooljaar"), choices=[])
    name = StringField(
        _l("Naam (bijv. Herfstvakantie)"),
        validators=[DataRequired(_l("Vul een naam in.")), Length(max=60)],
    )
    kind = SelectField(_l("Soort"), choices=kind_choices)
    starts_on = DateField(
        _l("Van"), validators=[DataRequired(_l("Vul een geldige begindatum in."))]
    )
    ends_on = DateField(
        _l("Tot en met"), validators=[DataRequired(_l("Vul een geldige einddatum in."))]
    )
    submit = SubmitField(_l("Vrije periode toevoegen"))


def category_choices() -> list[tuple[str, str]]:
    return AbsenceCategory.choices()


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"), validators=[DataRequired(_l("Vul een code in.")), Length(max=10)]
    )
    description = StringField(_l("Omschrijving"), validators=[Optional(), Length(max=80)])
    category = SelectField(_l("Betekenis"), choices=category_choices)
    authorised = BooleanField(_l("Geoorloofd (alleen voor te laat en verwijderd)"))
    submit = SubmitField(_l("Code opslaan"))


class DuoMeldingForm(OnceForm):
    """The melding the school made at DUO's verzuimloket (issue 23)."""

    reported_on = DateField(
        _l("Gemeld op"),
        validators=[DataRequired(_l("Vul de datum in."))],
    )
    reference = StringField(
        _l("Kenmerk van DUO"),
        validators=[DataRequired(_l("Vul het kenmerk in.")), Length(max=60)],
    )
    leerplicht_contact = StringField(
        _l("Leerplichtambtenaar (naam, gemeente)"), validators=[Optional(), Length(max=120)]
    )
    submit = SubmitField(_l("Melding vastleggen"))


class DuoFollowUpForm(OnceForm):
    leerplicht_contact = StringField(
        _l("Leerplichtambtenaar (naam, gemeente)"), validators=[Optional(), Length(max=120)]
    )
    contacted_on = DateField(_l("Contact met leerplicht op"), validators=[Optional()])
    conversation_on = DateField(_l("Verzuimgesprek op"), validators=[Optional()])
    conversation_note = TextAreaField(
        _l("Afspraken uit het verzuimgesprek"), validators=[Optional(), Length(max=500)]
    )
    submit = SubmitField(_l("Opslaan"))
