"""Forms of the periodic report: choose scope and period (a GET form, no CSRF: it changes
nothing), and save the edited qualitative text."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import DateInput, MonthInput

from app.core.schoolcalendar import year_name_for
from app.models.report import REPORT_TEXT_MAX
from app.reports.rules import PERIOD_KINDS, PeriodError, month_period, term_of
from app.reports.scope import WHOLE_GROUP, Readable

PERIOD_KIND_LABELS = {
    "maand": _l("Maand"),
    "periode": _l("Periode van het schooljaar"),
    "schooljaar": _l("Schooljaar"),
    "anders": _l("Eigen datums"),
}
TERM_CHOICES = [
    SelectChoice("1", _l("Periode 1 (augustus – november)")),
    SelectChoice("2", _l("Periode 2 (december – maart)")),
    SelectChoice("3", _l("Periode 3 (april – juli)")),
]


class ReportPeriodForm(FlaskForm):
    """Scope and period; checked by :func:`app.reports.rules.resolve_period` and the view (a
    location that is not the reader's answers 404, like an unknown one)."""

    class Meta:
        csrf = False

    locatie = SelectField(_l("Locatie"), choices=[], validate_choice=False)
    soort = RadioField(
        _l("Periode"),
        choices=[SelectChoice(kind, PERIOD_KIND_LABELS[kind]) for kind in PERIOD_KINDS],
        default="maand",
        validate_choice=False,
    )
    # Pickers in the browser (<input type="month"> and type="date": ISO values); the server
    # parses and checks the text itself (rules.resolve_period), so a typed or old-browser value
    # gets a clear message instead of a crash.
    maand = StringField(_l("Kies de maand"), widget=MonthInput())
    schooljaar = SelectField(_l("Kies het schooljaar"), choices=[], validate_choice=False)
    periode = SelectField(_l("Kies de periode"), choices=TERM_CHOICES, validate_choice=False)
    van = StringField(_l("Van"), widget=DateInput())
    tot = StringField(_l("Tot en met"), widget=DateInput())
    # Without JavaScript: show the fields of the kind just chosen (the page comes back).
    stap = SubmitField(_l("Velden voor deze keuze tonen"))
    submit = SubmitField(_l("Rapportage maken"))


def school_year_choices(today: date, chosen: str | None = None) -> list[SelectChoice]:
    """This school year, the three before it and the next; a chosen name outside them stays
    (the server checks it)."""
    first = today.year if today.month >= 8 else today.year - 1
    names = [f"{year}-{year + 1}" for year in range(first + 1, first - 4, -1)]
    if chosen and chosen not in names:
        names.append(chosen)
    return [SelectChoice(name, name) for name in names]


def period_defaults(form: ReportPeriodForm, today: date) -> None:
    """Sensible values for every kind's fields, so that a choice of kind alone (no script,
    fields still hidden) already makes a report: this month, this school year and its current
    term, this month's dates."""
    month_start, month_end = month_period(f"{today:%Y-%m}")
    form.maand.data = form.maand.data or f"{today:%Y-%m}"
    form.schooljaar.data = form.schooljaar.data or year_name_for(today)
    form.periode.data = form.periode.data or str(term_of(today))
    form.van.data = form.van.data or month_start.isoformat()
    form.tot.data = form.tot.data or month_end.isoformat()


def location_choices(access: Readable) -> list[SelectChoice]:
    """The reader's locations for the form, the whole group first when they may read it."""
    choices = [SelectChoice(loc.code, f"{loc.code} – {loc.name}") for loc in access.locations]
    if access.whole_group:
        choices.insert(0, SelectChoice(WHOLE_GROUP, _("Hele groep (alle locaties)")))
    return choices


class ReportTextForm(FlaskForm):
    """The qualitative text of one report (scope and period travel as hidden fields and are
    checked again by the view)."""

    locatie = HiddenField()
    van = HiddenField()
    tot = HiddenField()
    body = TextAreaField(_l("Tekst van het kwalitatieve deel"))
    submit = SubmitField(_l("Tekst opslaan"))

    def validate_body(self, field: TextAreaField) -> None:
        if field.data and len(field.data) > REPORT_TEXT_MAX:
            raise ValidationError(str(_l("Hoogstens %(n)s tekens.", n=REPORT_TEXT_MAX)))


def period_message(error: PeriodError) -> str:
    """A period error in the reader's language (the catalogue's msgid with its parameters; a
    ``label`` parameter, such as "begindatum", is a word of the catalogue too)."""
    params = {
        key: _(str(value)) if key == "label" else value for key, value in error.params.items()
    }
    return str(_(error.message, **params))
