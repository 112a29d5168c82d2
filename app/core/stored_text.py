"""Texts the app writes into the database in Dutch (a quarantine reason: history must read the
same for everyone, and old rows keep their meaning), shown in the reader's language.

A stored text is built from a template marked with :func:`N_` (``pybabel extract -k N_`` puts
the template in the catalogue) filled with ``%``: ``N_("leerling %(number)s staat niet meer
ingeschreven") % {"number": number}``. :func:`translated` finds the template a stored text was
built from and fills the reader's translation of it with the same values, each value translated
in turn when it is a stored text itself ("klimaatcheck: %(reason)s"). A text that matches no
template (written before its template existed, or cut short) is shown as it is.
"""

from __future__ import annotations

import re

from flask_babel import gettext

_TEMPLATES: dict[str, re.Pattern[str]] = {}
_PLACEHOLDER = re.compile(r"%\\\((\w+)\\\)s")
# A list of names in a stored text ("onvolledig: soort vlag, ernst ontbreken").
LIST_SEPARATOR = ", "


def N_(template: str) -> str:  # noqa: N802 (gettext's own name for "mark, translate later")
    """Mark ``template`` for the catalogue and remember it for :func:`translated`."""
    if template not in _TEMPLATES:
        pattern = _PLACEHOLDER.sub(r"(?P<\1>.+?)", re.escape(template))
        _TEMPLATES[template] = re.compile(pattern, re.DOTALL)
    return template


def translated(stored: str) -> str:
    """``stored`` in the reader's language (see the module's doc); a text of several lines
    (an import's row problems) line by line."""
    if "\n" in stored:
        return "\n".join(translated(line) for line in stored.split("\n"))
    for template, pattern in _TEMPLATES.items():
        match = pattern.fullmatch(stored)
        if match is None:
            continue
        values = {name: _translated_value(value) for name, value in match.groupdict().items()}
        return gettext(template, **values) if values else gettext(template)
    return stored


def _translated_value(value: str) -> str:
    """A value filled into a template: a stored text itself, a list of them, or data as is."""
    parts = value.split(LIST_SEPARATOR)
    if len(parts) > 1 and all(part in _TEMPLATES for part in parts):
        return LIST_SEPARATOR.join(translated(part) for part in parts)
    return translated(value)
