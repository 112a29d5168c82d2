"""Template filters and globals: local time display, the vocabulary, the menu, access checks."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from flask import Flask
from flask_babel import get_locale
from markupsafe import Markup

from app.access import may_open
from app.core.forms import new_token
from app.core.localtime import local_time_text
from app.core.stored_text import translated
from app.core.vocabulary import VOCABULARY
from app.navigation import nav_items
from app.urls import return_path

# Templates name a value's label as ``vocab.CaseStatus.label_of(value)``.
VOCAB = SimpleNamespace(**{vocabulary.__name__: vocabulary for vocabulary in VOCABULARY})


def once_field() -> Markup:
    """The one-time token of a hand-written form (``app.core.forms.OnceForm`` renders its own)."""
    return Markup('<input type="hidden" name="once" value="{}">').format(new_token())


def register_template_helpers(app: Flask) -> None:
    @app.template_filter("localtime")
    def localtime(value: datetime | None, fmt: str = "dd-MM-yyyy HH:mm") -> str:
        if value is None:
            return ""
        return local_time_text(value, fmt)

    # A text the app stored in Dutch (a quarantine reason), in the reader's language.
    app.jinja_env.filters["stored_text"] = translated

    app.jinja_env.globals.update(
        vocab=VOCAB,
        may_open=may_open,
        nav_items=nav_items,
        once_field=once_field,
        return_path=return_path,
    )

    @app.context_processor
    def inject_globals() -> dict[str, Any]:
        return {"current_locale": str(get_locale() or "nl")}
