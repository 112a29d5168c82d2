from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import OnceForm
from app.core.vocabulary import Role


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def role_choices() -> list[tuple[str, str]]:
    return [(role.value, role.label) for role in Role]


class UserForm(OnceForm):
    name = StringField(
        _l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=120)]
    )
    email = EmailField(
        _l("E-mailadres"), validators=[DataRequired(_l("Vul een e-mailadres in.")), Length(max=254)]
    )
    role = SelectField(_l("Rol"), choices=role_choices)
    locations = MultiCheckboxField(_l("Locaties"), choices=[])
    # Required unless single sign-on is set up (create_user decides; empty: SSO only).
    password = PasswordField(
        _l("Wachtwoord (minstens 12 tekens)"),
        validators=[Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Account aanmaken"))


class EditUserForm(FlaskForm):
    name = StringField(
        _l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=120)]
    )
    role = SelectField(_l("Rol"), choices=role_choices)
    locations = MultiCheckboxField(_l("Locaties"), choices=[])
    active = BooleanField(_l("Actief (kan inloggen)"))
    submit = SubmitField(_l("Opslaan"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Nieuw wachtwoord (minstens 12 tekens)"),
        validators=[DataRequired(_l("Vul een wachtwoord in.")), Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Wachtwoord instellen"))


class StudentImportForm(FlaskForm):
    file = FileField(
        _l("Exportbestand (CSV of .xlsx)"),
        validators=[
            FileRequired(_l("Kies een bestand.")),
            FileAllowed(["csv", "txt", "xlsx"], _l("Alleen .csv, .txt of .xlsx.")),
        ],
    )
    full = BooleanField(
        _l("Volledige export: leerlingen die ontbreken worden gedeactiveerd (niet verwijderd)"),
        default=True,
    )
    submit = SubmitField(_l("Voorbeeld bekijken"))


class ConfirmStudentImportForm(OnceForm):
    """Confirms one preview: its upload and the fingerprint of what it showed (and, as every
    form that changes data, it is stored once: a double click leads to the first's page)."""

    token = HiddenField(validators=[DataRequired(), Length(max=64)])
    fingerprint = HiddenField(validators=[DataRequired(), Length(max=64)])
    risks_seen = BooleanField(
        _l("Ik heb de leerlingen met lopend werk en de aantallen per locatie gezien; importeer")
    )
    submit = SubmitField(_l("Importeren"))


class ZoneForm(OnceForm):
    name = StringField(
        _l("Nieuwe zone"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=60)]
    )
    position = IntegerField(_l("Volgorde"), validators=[Optional(), NumberRange(min=0, max=999)])
    desk_only = BooleanField(_l("Alleen bureau (geen plek op de vloer)"))
    submit = SubmitField(_l("Zone toevoegen"))
