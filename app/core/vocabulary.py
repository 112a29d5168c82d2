"""The app's one vocabulary: every enumerated value, with its label and display order.

Each member is written once, as ``NAME = "stored value", _l("label")``: the value is the Dutch
domain word that the database, the URLs and the JSON API carry; the label is what a person
reads, translated lazily (in the reader's language when it is shown). Member order is the
display order everywhere (forms, lists, digest, report); a page that wants another order says so
where it does (e.g. "most severe first" reverses :class:`Severity`).

Naming (docs/architecture.md): values are Dutch domain terms; member names are the value in upper
case. Models import their enums from here, so this module imports nothing of the app.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, Self, TypeVar

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

P = ParamSpec("P")
R = TypeVar("R")


def in_dutch(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` run in Dutch whatever the reader's language: for texts that leave the app
    or are stored (an LVS entry, a handover's summary) and must read the same for everyone."""

    @functools.wraps(function)
    def dutch(*args: P.args, **kwargs: P.kwargs) -> R:
        with force_locale("nl"):
            return function(*args, **kwargs)

    return dutch


class Labelled(enum.StrEnum):
    """A string enum whose members carry a lazily translated label (and optionally a plural)."""

    _label: Any
    _plural: Any

    def __new__(cls, value: str, label: Any = None, plural: Any = None) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label if label is not None else value
        member._plural = plural
        return member

    @property
    def label(self) -> str:
        """What a person reads, in the current language."""
        return str(self._label)

    @property
    def dutch(self) -> str:
        """The label in Dutch whatever the reader's language: for texts that are stored (a
        handover summary, the LVS export) and must read the same for everyone later."""
        with force_locale("nl"):
            return str(self._label)

    @property
    def plural(self) -> str:
        return str(self._plural if self._plural is not None else self._label)

    @classmethod
    def choices(cls, members: Iterable[Self] | None = None) -> list[tuple[str, Any]]:
        """(value, label) pairs for a select or checkbox list, in display order. The labels stay
        lazy, so a form declared at import time still shows the reader's language."""
        return [(member.value, member._label) for member in (cls if members is None else members)]

    @classmethod
    def label_of(cls, value: str | None) -> str:
        """The label of a stored value; an unknown value is shown as it is."""
        if value is None:
            return ""
        try:
            return cls(value).label
        except ValueError:
            return str(value)

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    @classmethod
    def ordered(cls, counts: dict[str, int]) -> dict[Self, int]:
        """``counts`` keyed by members, in display order, with a 0 for every missing member."""
        return {member: counts.get(member.value, 0) for member in cls}


def enum_values(enum_class: type[enum.Enum]) -> list[str]:
    """What SQLAlchemy stores for an enum column: the values, not the member names."""
    return [member.value for member in enum_class]


# ---------------------------------------------------------------------------------------------
# People


class Role(Labelled):
    MEDEWERKER = "medewerker", _l("SchoolFit-medewerker")
    TEAMLEIDER = "teamleider", _l("Teamleider")
    COPA = "copa", _l("COPA")
    LOCATIELEIDER = "locatieleider", _l("Locatieleiding")
    BEHEER = "beheer", _l("Functioneel beheer")
    # Coordinates the Meldcode huiselijk geweld en kindermishandeling at a location.
    AANDACHTSFUNCTIONARIS = "aandachtsfunctionaris", _l("Aandachtsfunctionaris")


# ---------------------------------------------------------------------------------------------
# The floor


class EntryKind(Labelled):
    CONTACT = "contact", _l("Contact"), _l("Contacten")
    GESPREK = "gesprek", _l("Gesprek"), _l("Gesprekken")
    GROEP = "groep", _l("Groep"), _l("Groepsmomenten")
    SPANNING = "spanning", _l("Spanning"), _l("Spanningen")
    DEESCALATIE = "deescalatie", _l("De-escalatie"), _l("De-escalaties")
    VLAG = "vlag", _l("Vlag"), _l("Vlaggen")


class Topic(Labelled):
    """What a short conversation on the floor was about."""

    MOTIVATIE = "motivatie", _l("motivatie")
    SCHOOLBINDING = "schoolbinding", _l("schoolbinding")
    PRAKTISCHE_BELEMMERINGEN = "praktische_belemmeringen", _l("praktische belemmeringen")
    THUISSITUATIE = "thuissituatie", _l("thuissituatie")
    GEDRAG = "gedrag", _l("gedrag")
    WELBEVINDEN = "welbevinden", _l("welbevinden")


class Severity(Labelled):
    """How serious a tension was, on a rising scale."""

    LAAG = "laag", _l("laag")
    MIDDEL = "middel", _l("middel")
    HOOG = "hoog", _l("hoog")


class Outcome(Labelled):
    """How a de-escalation ended, from best to most in need of follow-up."""

    OPGELOST = "opgelost", _l("opgelost")
    DEELS = "deels", _l("deels opgelost")
    DOORVERWEZEN = "doorverwezen", _l("doorverwezen naar teamleider")


class FlagType(Labelled):
    """A flag's kind, most urgent first."""

    VEILIGHEID = "veiligheid", _l("veiligheid / pesten")
    ZORG = "zorg", _l("zorg")
    THUISSITUATIE = "thuissituatie", _l("thuissituatie")
    CONFLICT = "conflict", _l("conflict")
    VERZUIMSIGNAAL = "verzuimsignaal", _l("verzuimsignaal")
    OPVOLGEN = "opvolgen", _l("opvolgen")


class FlagStatus(Labelled):
    OPEN = "open", _l("open")
    AFGEHANDELD = "afgehandeld", _l("afgehandeld")


class ClimateRating(Labelled):
    RUSTIG = "rustig", _l("rustig")
    WISSELEND = "wisselend", _l("wisselend")
    ONRUSTIG = "onrustig", _l("onrustig")


# ---------------------------------------------------------------------------------------------
# The desk


class CaseStatus(Labelled):
    """A case's status, in workflow order."""

    SIGNAAL = "signaal", _l("signaal")
    PREVENTIEF = "preventief", _l("preventief")
    INTENSIEF = "intensief", _l("intensief (hoog verzuim)")
    OVERGEDRAGEN_COPA = "overgedragen_copa", _l("overgedragen aan COPA")
    AFGESLOTEN = "afgesloten", _l("afgesloten")


class ConversationPartner(Labelled):
    LEERLING = "leerling", _l("leerling")
    OUDER = "ouder", _l("ouder/verzorger")
    MENTOR = "mentor", _l("mentor")
    ANDERS = "anders", _l("anders")


class ReportTopic(Labelled):
    """What a conversation report is about: the floor's topics, absence, or something else."""

    MOTIVATIE = "motivatie", _l("motivatie")
    SCHOOLBINDING = "schoolbinding", _l("schoolbinding")
    PRAKTISCHE_BELEMMERINGEN = "praktische_belemmeringen", _l("praktische belemmeringen")
    THUISSITUATIE = "thuissituatie", _l("thuissituatie")
    GEDRAG = "gedrag", _l("gedrag")
    WELBEVINDEN = "welbevinden", _l("welbevinden")
    VERZUIM = "verzuim", _l("verzuim")
    ANDERS = "anders", _l("anders")


class CallStatus(Labelled):
    OPEN = "open", _l("open")
    AFGEROND = "afgerond", _l("afgerond")
    GEANNULEERD = "geannuleerd", _l("geannuleerd")


class CallResult(Labelled):
    GEEN_GEHOOR = "geen_gehoor", _l("geen gehoor")
    VOICEMAIL = "voicemail", _l("voicemail ingesproken")
    GESPROKEN = "gesproken", _l("gesproken")
    TERUGGEBELD = "teruggebeld", _l("teruggebeld door ouder")
    NUMMER_ONJUIST = "nummer_onjuist", _l("nummer onjuist")


class VisitStatus(Labelled):
    GEPLAND = "gepland", _l("gepland")
    GEDAAN = "gedaan", _l("gedaan")
    GEANNULEERD = "geannuleerd", _l("geannuleerd")


class HandoverStatus(Labelled):
    INGEDIEND = "ingediend", _l("ingediend, wacht op COPA")
    GEACCEPTEERD = "geaccepteerd", _l("geaccepteerd door COPA")
    TERUGGEGEVEN = "teruggegeven", _l("teruggegeven door COPA")


class HandoverCriterion(Labelled):
    """The COPA handover criteria (design/domain.md)."""

    COMPLEX = "complex", _l("complexe problematiek (psychisch, sociaal, gezin)")
    VERZUIM_STRUCTUREEL = (
        "verzuim_structureel",
        _l("verzuim blijft structureel ondanks inzet SchoolFit"),
    )
    MEERDERE_HULPVRAGEN = "meerdere_hulpvragen", _l("meerdere hulpvragen komen samen")
    EXTERNE_ZORG = "externe_zorg", _l("externe hulp of zorg lijkt nodig")


class TriageOutcome(Labelled):
    """How the desk worked out one floor entry."""

    VERSLAG = "verslag", _l("uitgewerkt in gespreksverslag")
    CASUS = "casus", _l("gekoppeld aan casus")
    OUDERCONTACT = "oudercontact", _l("oudercontact gepland")
    AFGESLOTEN = "afgesloten", _l("afgesloten")


# ---------------------------------------------------------------------------------------------
# Safeguarding: urgent alerts, the Meldcode, incidents, chain partners


class AlertKind(Labelled):
    """What an urgent alert is about (the push message names only this and the location)."""

    VEILIGHEID = "veiligheid", _l("Vlag veiligheid / pesten")
    DOORVERWEZEN = "doorverwezen", _l("De-escalatie doorverwezen naar teamleider")
    MELDCODE = "meldcode", _l("Nieuw Meldcode-signaal")


class PushStatus(Labelled):
    """Where one push message (one alert to one device) stands."""

    WACHT = "wacht", _l("wacht")
    VERSTUURD = "verstuurd", _l("verstuurd")
    MISLUKT = "mislukt", _l("mislukt")
    VERVALLEN = "vervallen", _l("vervallen (apparaat afgemeld)")


class MeldcodeStatus(Labelled):
    OPEN = "open", _l("open")
    AFGESLOTEN = "afgesloten", _l("afgesloten")


class MeldcodeStep(Labelled):
    """The five steps of the Meldcode huiselijk geweld en kindermishandeling (2019)."""

    SIGNALEN = "signalen", _l("1. Signalen in kaart brengen")
    CONSULTATIE = "consultatie", _l("2. Collegiale consultatie en zo nodig Veilig Thuis raadplegen")
    GESPREK = "gesprek", _l("3. Gesprek met leerling en/of ouders")
    WEGEN = "wegen", _l("4. Wegen met het afwegingskader")
    BESLISSEN = "beslissen", _l("5. Beslissen: hulp organiseren en/of melden")


class Answer(Labelled):
    """An explicit yes or no (the afwegingskader's questions may not be left open)."""

    JA = "ja", _l("ja")
    NEE = "nee", _l("nee")


class IncidentKind(Labelled):
    """Kinds of incident as schools register them (Wet veiligheid op school)."""

    PESTEN = "pesten", _l("pesten"), _l("pesten")
    CYBERPESTEN = "cyberpesten", _l("online pesten"), _l("online pesten")
    FYSIEK_GEWELD = "fysiek_geweld", _l("fysiek geweld"), _l("fysiek geweld")
    BEDREIGING = "bedreiging", _l("bedreiging"), _l("bedreigingen")
    DISCRIMINATIE = "discriminatie", _l("discriminatie"), _l("discriminatie")
    SEKSUELE_INTIMIDATIE = "seksuele_intimidatie", _l("seksuele intimidatie")
    DIEFSTAL = "diefstal", _l("diefstal")
    VERNIELING = "vernieling", _l("vernieling")
    WAPENBEZIT = "wapenbezit", _l("wapenbezit")
    MIDDELEN = "middelen", _l("drugs of alcohol")
    ANDERS = "anders", _l("anders")


class IncidentRole(Labelled):
    """The part a student played in an incident."""

    DADER = "dader", _l("dader")
    SLACHTOFFER = "slachtoffer", _l("slachtoffer")
    OMSTANDER = "omstander", _l("omstander")
    BETROKKEN = "betrokken", _l("betrokken")


class PartnerKind(Labelled):
    """The chain partners around the school (the Buitenkans programme names them)."""

    LEERPLICHT = "leerplicht", _l("Leerplicht / RBL")
    SMW = "smw", _l("Schoolmaatschappelijk werk")
    JEUGDTEAM = "jeugdteam", _l("Jeugdteam / CJG")
    VEILIG_THUIS = "veilig_thuis", _l("Veilig Thuis")
    SAMENWERKINGSVERBAND = "samenwerkingsverband", _l("Samenwerkingsverband passend onderwijs")
    WIJKAGENT = "wijkagent", _l("Wijkagent")
    GGD = "ggd", _l("GGD / jeugdarts")


class Consent(Labelled):
    """Whose consent a referral has (or that it has none, and why)."""

    OUDERS_EN_LEERLING = "ouders_en_leerling", _l("ouders en leerling")
    OUDERS = "ouders", _l("ouders")
    LEERLING = "leerling", _l("leerling (16 jaar of ouder)")
    GEEN = "geen", _l("geen toestemming (reden vastgelegd)")


class ReferralStatus(Labelled):
    OPEN = "open", _l("wacht op terugkoppeling")
    AFGEROND = "afgerond", _l("afgerond")


# ---------------------------------------------------------------------------------------------
# Absence


class AbsenceCategory(Labelled):
    """What a reason code of the school's LVS means."""

    ONGEOORLOOFD = "ongeoorloofd", _l("ongeoorloofd afwezig")
    GEOORLOOFD = "geoorloofd", _l("geoorloofd afwezig")
    ZIEK = "ziek", _l("ziek")
    TE_LAAT = "te_laat", _l("te laat")
    VERWIJDERD = "verwijderd", _l("uit de les verwijderd")


class RegistrationKind(Labelled):
    """The kind of absence registration (part of its natural key)."""

    AFWEZIG = "afwezig", _l("afwezig")
    TE_LAAT = "te_laat", _l("te laat")
    VERWIJDERD = "verwijderd", _l("uit de les verwijderd")


class AbsenceRule(Labelled):
    """The signal rules (design/domain.md), in the order the lists show them."""

    ZESTIEN_UUR = "16uur", _l("16 uur ongeoorloofd")
    LRV = "lrv", _l("Langdurig relatief verzuim")
    PATROON = "patroon", _l("Patroon")
    FREQUENT_ZIEK = "frequent_ziek", _l("Frequent ziek")
    LANGDURIG_ZIEK = "langdurig_ziek", _l("Langdurig ziek")
    TE_LAAT = "te_laat", _l("Vaak te laat")


class CodeSource(Labelled):
    """Where the meaning of a reason code comes from."""

    STANDAARD = "standaard", _l("standaard")  # config/absence_codes.toml
    AANGEPAST = "aangepast", _l("aangepast")  # changed in the app
    TOEGEVOEGD = "toegevoegd", _l("toegevoegd")  # added in the app


class NonSchoolKind(Labelled):
    VAKANTIE = "vakantie", _l("vakantie")
    FEESTDAG = "feestdag", _l("feestdag")
    STUDIEDAG = "studiedag", _l("studiedag")
    OVERIG = "overig", _l("andere vrije dag")


class Weekday(Labelled):
    """Days of the week, Monday first (``date.weekday()`` is the index)."""

    MAANDAG = "maandag", _l("maandag")
    DINSDAG = "dinsdag", _l("dinsdag")
    WOENSDAG = "woensdag", _l("woensdag")
    DONDERDAG = "donderdag", _l("donderdag")
    VRIJDAG = "vrijdag", _l("vrijdag")
    ZATERDAG = "zaterdag", _l("zaterdag")
    ZONDAG = "zondag", _l("zondag")

    @classmethod
    def of_index(cls, index: int) -> Weekday:
        return list(cls)[index]

    @property
    def number(self) -> int:
        """0 for Monday, as ``date.weekday()``."""
        return list(type(self)).index(self)


# ---------------------------------------------------------------------------------------------
# Imports from the LVS (Magister, SOMtoday)


class ImportKind(Labelled):
    """What an import file holds (the inbox recognises it by its header)."""

    LEERLINGEN = "leerlingen", _l("leerlingen")
    VERZUIM = "verzuim", _l("verzuim")
    ONBEKEND = "onbekend", _l("onbekend")


class ImportOrigin(Labelled):
    """Who or what ran an import."""

    INBOX = "inbox", _l("inbox (automatisch)")
    UPLOAD = "upload", _l("upload")
    OPDRACHTREGEL = "opdrachtregel", _l("opdrachtregel")


class ImportStatus(Labelled):
    """How an import ended; ``bezig`` while the inbox holds the file."""

    BEZIG = "bezig", _l("bezig")
    GELUKT = "gelukt", _l("geïmporteerd")
    MISLUKT = "mislukt", _l("niet geïmporteerd")
    OVERGESLAGEN = "overgeslagen", _l("overgeslagen (al geïmporteerd)")


# ---------------------------------------------------------------------------------------------
# The pulse


class PeilingStatus(Labelled):
    OPEN = "open", _l("open")
    GESLOTEN = "gesloten", _l("gesloten")


VOCABULARY: tuple[type[Labelled], ...] = (
    Role,
    EntryKind,
    Topic,
    Severity,
    Outcome,
    FlagType,
    FlagStatus,
    ClimateRating,
    CaseStatus,
    ConversationPartner,
    ReportTopic,
    CallStatus,
    CallResult,
    VisitStatus,
    HandoverStatus,
    HandoverCriterion,
    TriageOutcome,
    AlertKind,
    PushStatus,
    MeldcodeStatus,
    MeldcodeStep,
    Answer,
    IncidentKind,
    IncidentRole,
    PartnerKind,
    Consent,
    ReferralStatus,
    AbsenceCategory,
    RegistrationKind,
    AbsenceRule,
    CodeSource,
    NonSchoolKind,
    Weekday,
    ImportKind,
    ImportOrigin,
    ImportStatus,
    PeilingStatus,
)
