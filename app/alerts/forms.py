"""The one form of the alerts page: acknowledging an alert."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField

from app.core.fields import too_long
from app.core.forms import OnceForm


class AcknowledgeForm(OnceForm):
    note = StringField(_l("Korte notitie (niet verplicht)"), validators=[too_long(300)])
    submit = SubmitField(_l("Afgehandeld"))
