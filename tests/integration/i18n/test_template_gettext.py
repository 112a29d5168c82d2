"""The templates' gettext (app/core/translations.py): the request's catalogue is looked up once,
not per string, and a locale changed within the request gets its own catalogue."""

from __future__ import annotations

from unittest import mock

from flask import Flask, render_template_string, session
from flask_babel import force_locale, refresh

from app.core import translations

PAGE = '{{ _("Toon") }} {{ ngettext("%(num)s spanning", "%(num)s spanningen", 2) }}'


def test_a_locale_forced_or_changed_within_the_request_is_followed(app: Flask) -> None:
    with app.test_request_context("/"):
        session["lang"] = "en"
        assert render_template_string(PAGE) == "Show 2 tensions"
        with force_locale("nl"):  # an e-mail in its recipient's language
            assert render_template_string(PAGE) == "Toon 2 spanningen"
        assert render_template_string(PAGE) == "Show 2 tensions"
        session["lang"] = "nl"  # the language chosen again, then Flask-Babel refreshed
        refresh()
        assert render_template_string(PAGE) == "Toon 2 spanningen"


def test_the_catalogue_is_looked_up_once_per_request_not_per_string(app: Flask) -> None:
    many = " ".join([PAGE] * 50)
    with mock.patch.object(
        translations, "_babel_translations", wraps=translations._babel_translations
    ) as lookup:
        # Each with an app context of its own, as a server's request has.
        with app.app_context(), app.test_request_context("/"):
            session["lang"] = "en"
            assert render_template_string(many).count("Show 2 tensions") == 50
        assert lookup.call_count == 1
        with app.app_context(), app.test_request_context("/"):  # the next one: again
            assert render_template_string(PAGE) == "Toon 2 spanningen"
        assert lookup.call_count == 2


def test_outside_a_request_the_default_language_is_used(app: Flask) -> None:
    with app.app_context():
        assert render_template_string(PAGE) == "Toon 2 spanningen"
