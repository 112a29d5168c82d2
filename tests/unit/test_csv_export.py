"""The one CSV writer neutralises every cell a spreadsheet would run as a formula."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import pytest

from app.core.csv_export import csv_text, neutralise, write_csv
from tests.csv_helpers import HOSTILE_CLASSES, HOSTILE_NAMES, cells, formula_cells


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+31 6", "'+31 6"),
        ("-", "'-"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("gewoon", "gewoon"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (3, "3"),
        ("-3", "-3"),  # a plain negative number is a number, not a formula
        ("-2,5", "-2,5"),
        (-1.5, "-1.5"),
    ],
)
def test_cells_never_start_a_formula(value: object, expected: str) -> None:
    assert neutralise(value) == expected


def test_every_hostile_cell_is_neutralised_sequences_and_mappings() -> None:
    header = ["naam", "klas"]
    rows: list[Sequence[object] | Mapping[str, object]] = [
        [name, klas] for name, klas in zip(HOSTILE_NAMES, HOSTILE_CLASSES, strict=True)
    ]
    rows += [
        {"naam": name, "klas": klas}
        for name, klas in zip(HOSTILE_NAMES, HOSTILE_CLASSES, strict=True)
    ]
    text = csv_text(header, rows)
    assert text.startswith("\ufeff")
    assert formula_cells(text) == []
    parsed = cells(text)
    assert parsed[0] == header
    # Nothing else changes: the text after the apostrophe is the value itself.
    assert [row[0][1:] for row in parsed[1:]] == [*HOSTILE_NAMES, *HOSTILE_NAMES]


def test_write_csv_to_a_stream_with_another_delimiter() -> None:
    stream = io.StringIO()
    write_csv(stream, ["a", "b"], [{"a": "=1", "b": "x"}], delimiter=",", lineterminator="\n")
    assert stream.getvalue() == "a,b\n'=1,x\n"


def test_a_carriage_return_in_a_cell_never_splits_a_line() -> None:
    for terminator in ("\r\n", "\n"):
        text = csv_text(["a", "b"], [["x\ry", "\r2B"]], lineterminator=terminator, bom=False)
        assert cells(text, ";")[1][0].replace("\n", "\r") == "x\ry"
        assert len(cells(text, ";")) == 2
