"""Form fields with Dutch messages, shared by every form: local dates and times, choices,
checkbox groups, and a form that is only a button."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, SelectMultipleField, TimeField
from wtforms.fields import SelectChoice
from wtforms.validators import Length, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.vocabulary import Labelled

INVALID_DATE = _l("Dat is geen geldige datum (dd-mm-jjjj).")
INVALID_TIME = _l("Dat is geen geldige tijd (uu:mm).")
INVALID_CHOICE = _l("Kies een van de mogelijkheden.")


class AtLeastOne:
    """For checkbox groups: at least one ticked. Unlike DataRequired it sets no ``required``
    flag, which would mark every single checkbox as required."""

    def __init__(self, message: object) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if not field.data:
            field.errors[:] = []
            raise StopValidation(str(self.message))


def too_long(limit: int) -> Length:
    return Length(max=limit, message=_l("Hoogstens %(max)d tekens.", max=limit))


class LocalDateField(DateField):
    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_value_message", INVALID_DATE)
        super().__init__(label, validators, **kwargs)


class LocalTimeField(TimeField):
    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_value_message", INVALID_TIME)
        super().__init__(label, validators, **kwargs)


class ChoiceField(SelectField):
    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_choice_message", INVALID_CHOICE)
        kwargs.setdefault("invalid_value_message", INVALID_CHOICE)
        super().__init__(label, validators, **kwargs)


class ChoiceRadioField(RadioField):
    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_choice_message", INVALID_CHOICE)
        super().__init__(label, validators, **kwargs)


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes (rendered as a fieldset by the shared ``field()`` macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_choice_message", INVALID_CHOICE)
        kwargs.setdefault("invalid_value_message", INVALID_CHOICE)
        super().__init__(label, validators, **kwargs)


def choice_list(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Choices as WTForms wants them (tuples are deprecated since WTForms 3.3). A lazy label
    stays lazy: a form declared at import time must still show the reader's language."""
    return [SelectChoice(value, label) for value, label in pairs]


def vocabulary_choices(vocabulary: type[Labelled]) -> list[SelectChoice]:
    return choice_list(vocabulary.choices())


class ActionForm(FlaskForm):
    """A POST with nothing but its CSRF token (toggles, confirmations)."""
