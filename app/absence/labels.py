"""What the web pages call rules, categories and holiday kinds (translatable)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

RULE_LABELS = {
    "16uur": _l("16 uur ongeoorloofd"),
    "lrv": _l("Langdurig relatief verzuim"),
    "patroon": _l("Patroon"),
    "frequent_ziek": _l("Frequent ziek"),
    "langdurig_ziek": _l("Langdurig ziek"),
    "te_laat": _l("Vaak te laat"),
}

CATEGORY_LABELS = {
    "ongeoorloofd": _l("ongeoorloofd afwezig"),
    "geoorloofd": _l("geoorloofd afwezig"),
    "ziek": _l("ziek"),
    "te_laat": _l("te laat"),
    "verwijderd": _l("uit de les verwijderd"),
}

NON_SCHOOL_KIND_LABELS = {
    "vakantie": _l("vakantie"),
    "feestdag": _l("feestdag"),
    "studiedag": _l("studiedag"),
    "overig": _l("andere vrije dag"),
}

CODE_SOURCE_LABELS = {
    "standaard": _l("standaard"),
    "aangepast": _l("aangepast"),
    "toegevoegd": _l("toegevoegd"),
}

# The weekday a "patroon" signal names is stored as its Dutch name (the signal's variant).
WEEKDAY_LABELS = {
    "maandag": _l("maandag"),
    "dinsdag": _l("dinsdag"),
    "woensdag": _l("woensdag"),
    "donderdag": _l("donderdag"),
    "vrijdag": _l("vrijdag"),
}


def weekday_label(variant: str) -> str:
    """The stored weekday of a signal in the reader's language (anything else as it is)."""
    return str(WEEKDAY_LABELS.get(variant, variant))
