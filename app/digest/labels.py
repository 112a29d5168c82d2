"""What the digest page and e-mail call things (translatable; Dutch msgids)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "contact": _l("Contacten"),
    "gesprek": _l("Gesprekken"),
    "groep": _l("Groepsmomenten"),
    "spanning": _l("Spanningen"),
    "deescalatie": _l("De-escalaties"),
    "vlag": _l("Vlaggen"),
}
KIND_SHORT = {
    "contact": _l("contact"),
    "gesprek": _l("gesprek"),
    "groep": _l("groep"),
    "spanning": _l("spanning"),
    "deescalatie": _l("de-escalatie"),
    "vlag": _l("vlag"),
}
SEVERITY_LABELS = {"laag": _l("laag"), "middel": _l("middel"), "hoog": _l("hoog")}
OUTCOME_LABELS = {
    "opgelost": _l("opgelost"),
    "deels": _l("deels opgelost"),
    "doorverwezen": _l("doorverwezen naar teamleider"),
}
TOPIC_LABELS = {
    "motivatie": _l("motivatie"),
    "schoolbinding": _l("schoolbinding"),
    "praktische_belemmeringen": _l("praktische belemmeringen"),
    "thuissituatie": _l("thuissituatie"),
    "gedrag": _l("gedrag"),
    "welbevinden": _l("welbevinden"),
}
FLAG_LABELS = {
    "zorg": _l("zorg"),
    "verzuimsignaal": _l("verzuimsignaal"),
    "conflict": _l("conflict"),
    "thuissituatie": _l("thuissituatie"),
    "veiligheid": _l("veiligheid / pesten"),
    "opvolgen": _l("opvolgen"),
}
CLIMATE_RATING_LABELS = {
    "rustig": _l("rustig"),
    "wisselend": _l("wisselend"),
    "onrustig": _l("onrustig"),
}
CASE_STATUS_LABELS = {
    "signaal": _l("signaal"),
    "preventief": _l("preventief"),
    "intensief": _l("intensief (hoog verzuim)"),
    "overgedragen_copa": _l("overgedragen aan COPA"),
    "afgesloten": _l("afgesloten"),
}
CRITERION_LABELS = {
    "complex": _l("complexe problematiek"),
    "verzuim_structureel": _l("verzuim blijft structureel"),
    "meerdere_hulpvragen": _l("meerdere hulpvragen"),
    "externe_zorg": _l("externe zorg lijkt nodig"),
}
# The action items, in the order the digest lists them.
ACTION_LABELS = {
    "doorverwezen": _l("Doorverwezen naar jou"),
    "veiligheid": _l("Vlag veiligheid / pesten"),
    "gemarkeerd": _l("Voor jou gemarkeerd"),
    "duo": _l("Melden bij DUO"),
    "verzuim": _l("Nieuw verzuimsignaal"),
    "overdracht": _l("Overdracht naar COPA"),
    "evaluatie": _l("Evaluatie casus aan de beurt"),
}
