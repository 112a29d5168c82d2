from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.absence.parsing import (
    CellError,
    Moment,
    MomentParser,
    parse_kind,
    parse_lesson_hours,
    parse_yes_no,
)
from app.absence.rules import RULES
from app.absence.settings import (
    RuleSettings,
    SettingsError,
    load_default_codes,
    load_rule_settings,
)
from app.core.vocabulary import AbsenceCategory, RegistrationKind
from app.models.absence import CATEGORY_VALUES, KIND_VALUES, RULE_VALUES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14-09-2026 08:30", Moment(date(2026, 9, 14), 510)),
        ("14-9-2026 8:30:00", Moment(date(2026, 9, 14), 510)),
        ("14/09/2026", Moment(date(2026, 9, 14))),
        ("2026-09-14T08:30:00", Moment(date(2026, 9, 14), 510)),
        ("2026-09-14 08:30", Moment(date(2026, 9, 14), 510)),
        ("2026-09-14", Moment(date(2026, 9, 14))),
        ("2026-09-14T06:30:00.000Z", Moment(date(2026, 9, 14), 510)),  # CEST = UTC+2
        ("2026-12-14T08:30:00+01:00", Moment(date(2026, 12, 14), 510)),
        ("2028-02-29 10:10", Moment(date(2028, 2, 29), 610)),
        ("15-09-2026 24:00", Moment(date(2026, 9, 16), 0)),
    ],
)
def test_moments(text: str, expected: Moment) -> None:
    assert MomentParser()(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31-02-2026 08:30", "geen bestaande datum"),
        ("2027-02-29", "geen bestaande datum"),
        ("14 sept 2026", "geen datum"),
        ("09/14/2026 25:00", "geen bestaande datum"),
    ],
)
def test_bad_moments(text: str, message: str) -> None:
    with pytest.raises(CellError, match=message):
        MomentParser()(text)


def test_moment_in_utc_follows_summer_and_winter_time() -> None:
    assert Moment(date(2026, 9, 14), 510).utc() == datetime(2026, 9, 14, 6, 30, tzinfo=UTC)
    assert Moment(date(2026, 12, 14), 510).utc() == datetime(2026, 12, 14, 7, 30, tzinfo=UTC)
    assert Moment(date(2026, 12, 14)).utc() is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", (None, None)), ("3", (3, None)), ("3e", (3, None)), ("3-4", (3, 4)), ("0", (0, None))],
)
def test_lesson_hours(text: str, expected: tuple) -> None:
    assert parse_lesson_hours(text) == expected


@pytest.mark.parametrize("text", ["x", "16", "4-2"])
def test_bad_lesson_hours(text: str) -> None:
    with pytest.raises(CellError):
        parse_lesson_hours(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Ja", True), ("nee", False), ("J", True), ("true", True), ("0", False), ("", None)],
)
def test_yes_no(text: str, expected: bool | None) -> None:
    assert parse_yes_no(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", "afwezig"),
        ("2", "te_laat"),
        ("3", "ziek"),
        ("4", "verwijderd"),
        ("6", "vrijstelling"),
        ("5", "geen_verzuim"),
        ("Absent", "afwezig"),
        ("Telaat", "te_laat"),
        ("Te laat", "te_laat"),
        ("Verwijderd", "verwijderd"),
        ("HuiswerkNietInOrde", "geen_verzuim"),
        ("", None),
    ],
)
def test_kinds(text: str, expected: str | None) -> None:
    assert parse_kind(text) == expected


def test_unknown_kind() -> None:
    with pytest.raises(CellError, match="soort 'Spijbelen' is onbekend"):
        parse_kind("Spijbelen")


def test_the_shipped_settings_are_the_defaults() -> None:
    assert load_rule_settings() == RuleSettings()


def test_settings_file_values_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[16uur]\nuren = 20\n[algemeen]\nuur_telling = "klokuur"\n')
    settings = load_rule_settings(path)
    assert settings.sixteen.hours == 20 and settings.general.hour_unit == "klokuur"
    assert settings.lrv == RuleSettings().lrv
    for text, message in [
        ("[16uur]\nuren = -1\n", "positief getal"),
        ("[16uur]\nonbekend = 1\n", "onbekende sleutel"),
        ('[algemeen]\nuur_telling = "dag"\n', "lesuur"),
        ('[patroon]\ncategorieen = ["spijbelen"]\n', "categorieen"),
        ("[16uur\n", "geen geldige TOML"),
    ]:
        path.write_text(text)
        with pytest.raises(SettingsError, match=message):
            load_rule_settings(path)


def test_default_codes() -> None:
    codes = load_default_codes()
    assert codes["Z"].category is AbsenceCategory.ZIEK and codes["Z"].authorised
    assert codes["GE"].category is AbsenceCategory.GEOORLOOFD  # suspension counts as authorised
    assert codes["L"].category is AbsenceCategory.TE_LAAT and not codes["L"].authorised
    assert codes["T"].category is AbsenceCategory.TE_LAAT and codes["T"].authorised
    assert codes["O"].category is AbsenceCategory.ONGEOORLOOFD and not codes["O"].authorised


def test_model_constraints_match_the_rules_vocabulary() -> None:
    assert set(CATEGORY_VALUES) == {c.value for c in AbsenceCategory}
    assert set(KIND_VALUES) == {k.value for k in RegistrationKind}
    assert set(RULE_VALUES) == set(RULES)
