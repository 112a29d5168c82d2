"""Forms of the pulse: open and close a peiling (staff), answer it (students)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Field, HiddenField, RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, StopValidation

from app.core.forms import OnceForm
from app.pulse.statements import SCALE, SCALE_VALUES, Statement


class OpenPeilingForm(OnceForm):
    # Not validated as a choice: the view answers 404 for a location that is not the user's own.
    location = SelectField(_l("Locatie"), choices=[], validate_choice=False)
    starts_on = DateField(
        _l("Eerste dag"),
        validators=[DataRequired(_l("Kies de eerste dag."))],
    )
    ends_on = DateField(
        _l("Laatste dag"),
        validators=[DataRequired(_l("Kies de laatste dag."))],
    )
    submit = SubmitField(_l("Peiling openen"))


class ClosePeilingForm(FlaskForm):
    # "1" once the user has said yes: the page's script sets it after its dialog, the
    # confirmation page carries it. Without it the server asks first, so a tap that comes
    # before the script has run (a slow phone) cannot close a peiling unasked.
    confirmed = HiddenField(default="")
    submit = SubmitField(_l("Peiling nu sluiten"))

    @property
    def is_confirmed(self) -> bool:
        return bool(self.confirmed.data == "1")


def _scale_value(raw: Any) -> int | None:
    """The form value as a number, or None when it is not one (the validator says why)."""
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        return -1


class ScaleAnswer:
    """Required, and one of the five values of the scale; Dutch messages a 12-year-old reads."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data is None:
            raise StopValidation(str(_l("Kies een antwoord bij deze uitspraak.")))
        if field.data not in SCALE_VALUES:
            raise StopValidation(
                str(_l("Dit antwoord bestaat niet. Kies een van de vijf antwoorden."))
            )


class AnswerFormBase(FlaskForm):
    submit = SubmitField(_l("Versturen"))

    statement_fields: tuple[tuple[Statement, str], ...] = ()

    def answers(self) -> dict[str, object]:
        return {s.key: getattr(self, name).data for s, name in self.statement_fields}

    def statement_rows(self) -> list[tuple[Statement, Field]]:
        return [(s, getattr(self, name)) for s, name in self.statement_fields]


def answer_form_class(statements: tuple[Statement, ...]) -> type[AnswerFormBase]:
    """A form with one required five-point radio group per statement, in the given order."""
    attributes: dict[str, Any] = {}
    fields = []
    for statement in statements:
        name = f"s_{statement.key}"
        attributes[name] = RadioField(
            statement.text,
            choices=[SelectChoice(value, label) for value, label in SCALE],
            coerce=_scale_value,
            validate_choice=False,
            validators=[ScaleAnswer()],
        )
        fields.append((statement, name))
    attributes["statement_fields"] = tuple(fields)
    return type("AnswerForm", (AnswerFormBase,), attributes)
