"""The digest's own words: the kinds of action items, in the order the digest lists them.
Everything else it names (entry kinds, flags, statuses) comes from ``app.core.vocabulary``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "doorverwezen": _l("Doorverwezen naar jou"),
    "veiligheid": _l("Vlag veiligheid / pesten"),
    "gemarkeerd": _l("Voor jou gemarkeerd"),
    "duo": _l("Melden bij DUO"),
    "verzuim": _l("Nieuw verzuimsignaal"),
    "overdracht": _l("Overdracht naar COPA"),
    "evaluatie": _l("Evaluatie casus aan de beurt"),
}
