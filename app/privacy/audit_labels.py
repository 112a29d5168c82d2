"""What the audit log's stored actions and object kinds are called on the privacy officer's
page. The log stores short English/Dutch codes that never change (old rows must keep their
meaning); the page shows them in the reader's language. An unknown code is shown as it is."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "acknowledge": _l("gezien"),
    "bind_sso": _l("schoolaccount gekoppeld"),
    "change_password": _l("wachtwoord gewijzigd"),
    "create": _l("aangemaakt"),
    "delete": _l("verwijderd"),
    "disable_2fa": _l("tweestapsverificatie uit"),
    "edit": _l("bewerkt"),
    "email": _l("per e-mail verstuurd"),
    "enable_2fa": _l("tweestapsverificatie aan"),
    "erase": _l("gewist"),
    "export": _l("geëxporteerd"),
    "locked": _l("geblokkeerd"),
    "login_sso": _l("ingelogd via schoolaccount"),
    "logout_everywhere": _l("overal uitgelogd"),
    "rectify": _l("gecorrigeerd"),
    "reset_password": _l("wachtwoord opnieuw ingesteld"),
    "reveal_name": _l("naam getoond"),
    "unlock": _l("blokkade opgeheven"),
    "update": _l("gewijzigd"),
    "view": _l("bekeken"),
}

OBJECTS = {
    "absence": _l("verzuim"),
    "absence_signal": _l("verzuimsignaal"),
    "alert": _l("melding"),
    "audit_trail": _l("auditlog"),
    "casus": _l("casus"),
    "digest": _l("dagoverzicht"),
    "duo_melding": _l("DUO-melding"),
    "gespreksverslag": _l("gespreksverslag"),
    "huisbezoek": _l("huisbezoek"),
    "incident": _l("incident"),
    "ketenpartner": _l("ketenpartner"),
    "lvs": _l("LVS"),
    "meldcode_traject": _l("Meldcode-traject"),
    "nablijfklas": _l("nablijfklas"),
    "nablijfklas_gesprek": _l("nablijfklasgesprek"),
    "oudercontact": _l("oudercontact"),
    "overdracht": _l("overdracht"),
    "peiling": _l("leerlingpeiling"),
    "push_subscription": _l("pushabonnement"),
    "report": _l("rapportage"),
    "student": _l("leerling"),
    "subject_access": _l("inzageverzoek"),
    "tijdlijn": _l("tijdlijn"),
    "user": _l("account"),
    "verwijzing": _l("verwijzing"),
}


def action_label(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


def object_label(code: str) -> str:
    label = OBJECTS.get(code)
    return str(label) if label is not None else code
