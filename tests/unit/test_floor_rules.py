"""The one definition of what each kind of floor entry needs (app/floor/rules.py), which the
phone's sheet and the server's validation both read."""

from __future__ import annotations

import pytest

from app.core.vocabulary import EntryKind
from app.floor.rules import (
    FIELD_NAMES,
    KIND_FIELDS,
    incomplete_reason,
    kinds_for_phone,
    missing_fields,
)


def test_every_kind_is_defined_and_requires_only_what_its_sheet_shows() -> None:
    assert set(KIND_FIELDS) == set(EntryKind)
    for kind, fields in KIND_FIELDS.items():
        assert set(fields.required) <= set(fields.parts), kind
        assert set(fields.required) <= set(FIELD_NAMES), kind
    assert KIND_FIELDS[EntryKind.VLAG].required == ("students", "flag_type")
    assert KIND_FIELDS[EntryKind.CONTACT].parts == ()  # one tap


@pytest.mark.parametrize(
    ("kind", "entry", "missing"),
    [
        (EntryKind.CONTACT, {}, []),
        (EntryKind.VLAG, {}, ["students", "flag_type"]),
        (EntryKind.VLAG, {"students": ["1"], "flag_type": None}, ["flag_type"]),
        (EntryKind.VLAG, {"students": [], "flag_type": "zorg"}, ["students"]),
        (EntryKind.GESPREK, {"topic": ""}, ["topic"]),
        (EntryKind.GROEP, {"head_count": 0}, []),  # present: its range is checked elsewhere
        (EntryKind.SPANNING, {"severity": "hoog"}, []),
        (EntryKind.DEESCALATIE, {"outcome": {}}, ["outcome"]),
    ],
)
def test_missing_fields(kind: EntryKind, entry: dict, missing: list[str]) -> None:
    assert missing_fields(kind, entry) == missing


def test_the_reason_names_what_is_missing() -> None:
    assert incomplete_reason(["flag_type"]) == "onvolledig: soort vlag ontbreekt"
    assert incomplete_reason(["students", "flag_type"]) == (
        "onvolledig: leerling, soort vlag ontbreken"
    )


def test_the_phone_gets_the_same_definition() -> None:
    assert kinds_for_phone()["vlag"] == {
        "parts": ["students", "note", "flag_type"],
        "required": ["students", "flag_type"],
    }
    assert set(kinds_for_phone()) == {kind.value for kind in EntryKind}
