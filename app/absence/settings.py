"""Thresholds of the signal rules and the default reason-code mapping, read from ``config/``.

Pure Python: the rules take a :class:`RuleSettings`; tests build one with the values they need
(``RuleSettings()`` holds the defaults, the same as ``config/absence_rules.toml``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from app.core.vocabulary import AbsenceCategory, RegistrationKind

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_RULES_FILE = PROJECT_ROOT / "config" / "absence_rules.toml"
DEFAULT_CODES_FILE = PROJECT_ROOT / "config" / "absence_codes.toml"


def kind_for(category: AbsenceCategory) -> RegistrationKind:
    if category is AbsenceCategory.TE_LAAT:
        return RegistrationKind.TE_LAAT
    if category is AbsenceCategory.VERWIJDERD:
        return RegistrationKind.VERWIJDERD
    return RegistrationKind.AFWEZIG


def authorised_for(category: AbsenceCategory, flag: bool | None) -> bool:
    """Unauthorised absence is never authorised; authorised absence and illness always are;
    for late arrivals and sending out of class the school's code decides (default: no)."""
    if category is AbsenceCategory.ONGEOORLOOFD:
        return False
    if category in (AbsenceCategory.GEOORLOOFD, AbsenceCategory.ZIEK):
        return True
    return bool(flag)


class SettingsError(ValueError):
    """The rules or codes file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class GeneralSettings:
    hour_unit: str = "lesuur"
    lesson_minutes: int = 50
    lessons_per_day: int = 8
    cross_school_years: bool = False
    ongoing_grace_days: int = 2


@dataclass(frozen=True)
class SixteenHourSettings:
    hours: float = 16
    weeks: int = 4
    report_within_days: int = 5
    include_sent_out: bool = False


@dataclass(frozen=True)
class LrvSettings:
    weeks: int = 4
    min_hours_per_day: float = 4


@dataclass(frozen=True)
class PatternSettings:
    weeks: int = 3
    min_hours_per_day: float = 1
    categories: tuple[str, ...] = ("ongeoorloofd", "ziek")
    weekday_hits: int = 3
    weekday_span: int = 4


@dataclass(frozen=True)
class FrequentSickSettings:
    reports: int = 4
    weeks: int = 12


@dataclass(frozen=True)
class LongSickSettings:
    days: int = 7


@dataclass(frozen=True)
class LateSettings:
    count: int = 3
    weeks: int = 4
    unauthorised_only: bool = True


@dataclass(frozen=True)
class RuleSettings:
    general: GeneralSettings = field(default_factory=GeneralSettings)
    sixteen: SixteenHourSettings = field(default_factory=SixteenHourSettings)
    lrv: LrvSettings = field(default_factory=LrvSettings)
    pattern: PatternSettings = field(default_factory=PatternSettings)
    frequent_sick: FrequentSickSettings = field(default_factory=FrequentSickSettings)
    long_sick: LongSickSettings = field(default_factory=LongSickSettings)
    late: LateSettings = field(default_factory=LateSettings)

    def with_(self, section: str, **values: Any) -> RuleSettings:
        """A copy with some values of one section changed: ``s.with_("sixteen", hours=15)``."""
        return replace(self, **{section: replace(getattr(self, section), **values)})


# (section in the file, attribute, key in the file -> attribute in the dataclass)
_FILE_LAYOUT: dict[str, tuple[str, dict[str, str]]] = {
    "algemeen": (
        "general",
        {
            "uur_telling": "hour_unit",
            "lesduur_minuten": "lesson_minutes",
            "lesuren_per_dag": "lessons_per_day",
            "vensters_over_schooljaren": "cross_school_years",
            "lopend_marge_schooldagen": "ongoing_grace_days",
        },
    ),
    "16uur": (
        "sixteen",
        {
            "uren": "hours",
            "weken": "weeks",
            "meld_binnen_schooldagen": "report_within_days",
            "verwijderd_telt_mee": "include_sent_out",
        },
    ),
    "lrv": ("lrv", {"weken": "weeks", "min_uren_per_dag": "min_hours_per_day"}),
    "patroon": (
        "pattern",
        {
            "weken": "weeks",
            "min_uren_per_dag": "min_hours_per_day",
            "categorieen": "categories",
            "weekdag_keren": "weekday_hits",
            "weekdag_van": "weekday_span",
        },
    ),
    "frequent_ziek": ("frequent_sick", {"meldingen": "reports", "weken": "weeks"}),
    "langdurig_ziek": ("long_sick", {"schooldagen": "days"}),
    "te_laat": (
        "late",
        {"aantal": "count", "weken": "weeks", "alleen_ongeoorloofd": "unauthorised_only"},
    ),
}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"{path}: bestand niet gevonden.") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: geen geldige TOML ({error}).") from None


def _coerce(path: Path, key: str, default: Any, value: Any) -> Any:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise SettingsError(f"{path}: {key} moet true of false zijn.")
        return value
    if isinstance(default, int | float):
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise SettingsError(f"{path}: {key} moet een positief getal zijn.")
        return type(default)(value) if isinstance(default, float) else int(value)
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SettingsError(f"{path}: {key} moet een lijst met teksten zijn.")
        return tuple(value)
    if not isinstance(value, str):
        raise SettingsError(f"{path}: {key} moet een tekst zijn.")
    return value


def load_rule_settings(path: Path | str | None = None) -> RuleSettings:
    """Read the thresholds; keys that are missing keep their default."""
    path = Path(path) if path else DEFAULT_RULES_FILE
    data = _read_toml(path)
    settings = RuleSettings()
    for section, (attribute, keys) in _FILE_LAYOUT.items():
        values = data.get(section, {})
        unknown = set(values) - set(keys)
        if unknown:
            raise SettingsError(f"{path}: onbekende sleutel(s) in [{section}]: {sorted(unknown)}.")
        current = getattr(settings, attribute)
        defaults = {f.name: getattr(current, f.name) for f in fields(current)}
        changes = {
            keys[key]: _coerce(path, f"[{section}] {key}", defaults[keys[key]], value)
            for key, value in values.items()
        }
        settings = settings.with_(attribute, **changes)
    if settings.general.hour_unit not in ("lesuur", "klokuur"):
        raise SettingsError(f"{path}: [algemeen] uur_telling moet 'lesuur' of 'klokuur' zijn.")
    bad = set(settings.pattern.categories) - {c.value for c in AbsenceCategory}
    if bad:
        raise SettingsError(f"{path}: [patroon] categorieen kent {sorted(bad)} niet.")
    if settings.pattern.weekday_hits > settings.pattern.weekday_span:
        raise SettingsError(f"{path}: [patroon] weekdag_keren is groter dan weekdag_van.")
    return settings


@dataclass(frozen=True)
class CodeMeaning:
    """What one of the school's reason codes means."""

    code: str
    category: AbsenceCategory
    authorised: bool
    description: str = ""


def normalise_code(code: str) -> str:
    return code.strip().upper()


def load_default_codes(path: Path | str | None = None) -> dict[str, CodeMeaning]:
    """The default code mapping from ``config/absence_codes.toml``."""
    path = Path(path) if path else DEFAULT_CODES_FILE
    data = _read_toml(path).get("codes", {})
    mapping: dict[str, CodeMeaning] = {}
    for raw_code, entry in data.items():
        code = normalise_code(raw_code)
        try:
            category = AbsenceCategory(entry.get("categorie", ""))
        except ValueError:
            raise SettingsError(
                f"{path}: code {code}: categorie moet een van "
                f"{', '.join(c.value for c in AbsenceCategory)} zijn."
            ) from None
        mapping[code] = CodeMeaning(
            code=code,
            category=category,
            authorised=authorised_for(category, entry.get("geoorloofd")),
            description=str(entry.get("omschrijving", ""))[:80],
        )
    return mapping
