"""Forms of the periodic report: choose scope and period (a GET form, no CSRF: it changes
nothing), and save the edited qualitative text."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import ValidationError

from app.models.report import REPORT_TEXT_MAX
from app.reports.rules import PERIOD_KINDS
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
    maand = StringField(_l("Maand (JJJJ-MM)"))
    schooljaar = StringField(_l("Schooljaar (bijv. 2026-2027)"))
    periode = SelectField(_l("Periode"), choices=TERM_CHOICES, validate_choice=False)
    van = StringField(_l("Van (JJJJ-MM-DD)"))
    tot = StringField(_l("Tot en met (JJJJ-MM-DD)"))
    submit = SubmitField(_l("Rapportage maken"))


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
