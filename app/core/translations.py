"""The templates' gettext: this request's catalogue, found once per locale, not per string.

Flask-Babel looks up the request's locale and its catalogue for every string a template
translates (the request context three times, the locale's name once): on a busy digest page
about 1,500 strings, 9 ms of it (issue 24). The templates' ``_``, ``gettext`` and ``ngettext``
use :func:`current_translations` instead, which keeps the catalogue on the request beside the
locale object it is for. A locale changed within the request (``force_locale``: an e-mail in
its recipient's language; ``refresh``) is a new object, so it gets its own catalogue; where
Flask-Babel keeps no locale object (outside a request) nothing is kept.
"""

from __future__ import annotations

from typing import Any, cast

from babel.support import NullTranslations
from flask import Flask, g, has_app_context
from flask_babel import get_locale
from flask_babel import get_translations as _babel_translations  # type: ignore[attr-defined]

_KEY = "_schoolfit_translations"


def get_translations() -> NullTranslations:
    return cast(NullTranslations, _babel_translations())


def current_translations() -> NullTranslations:
    """The catalogue of the request's current locale (Flask-Babel's own, looked up once)."""
    if not has_app_context():
        return get_translations()
    # Flask-Babel's per-request namespace holds the locale it resolved; identity, not equality:
    # a forced or refreshed locale is always a new object.
    namespace = g.get("_flask_babel")
    locale = getattr(namespace, "babel_locale", None)
    cached = g.get(_KEY)
    if locale is not None and cached is not None and cached[0] is locale:
        return cast(NullTranslations, cached[1])
    translations = get_translations()
    setattr(g, _KEY, (get_locale(), translations))
    return translations


def install_template_gettext(app: Flask) -> None:
    """Make the templates' gettext functions read :func:`current_translations` (after
    ``babel.init_app``, which installs its own)."""

    def gettext(string: str) -> str:
        return current_translations().ugettext(string)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return current_translations().ungettext(singular, plural, n)

    def pgettext(context: str, string: str) -> str:
        return current_translations().upgettext(context, string)

    def npgettext(context: str, singular: str, plural: str, n: int) -> str:
        return current_translations().unpgettext(context, singular, plural, n)

    callables: dict[str, Any] = {
        "gettext": gettext,
        "ngettext": ngettext,
        "pgettext": pgettext,
        "npgettext": npgettext,
    }
    app.jinja_env.install_gettext_callables(newstyle=True, **callables)  # type: ignore[attr-defined]
