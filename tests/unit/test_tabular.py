import io

import pytest
from openpyxl import Workbook

from app.imports.tabular import TableError, decode_text, normalise_header, read_table

ALIASES = {"leerlingnummer": ("stamnr", "stamnummer"), "klas": (), "naam": ("roepnaam",)}
REQUIRED = ("leerlingnummer", "klas")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Leerlingnummer", "leerlingnummer"),
        (" stam-nr ", "stamnr"),
        ("Roepnaam", "roepnaam"),
        ("Géoorloofd", "geoorloofd"),
        ("begin_DatumTijd", "begindatumtijd"),
    ],
)
def test_normalise_header(header: str, expected: str) -> None:
    assert normalise_header(header) == expected


@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_reads_both_delimiters_and_encodings(delimiter: str, encoding: str) -> None:
    text = f"Stamnr{delimiter}Klas{delimiter}Roepnaam\r\n1001{delimiter}2B{delimiter}Zoë\r\n"
    table = read_table(text.encode(encoding), "x.csv", ALIASES, REQUIRED)
    assert table.rows == [{"leerlingnummer": "1001", "klas": "2B", "naam": "Zoë"}]
    assert table.line_numbers == [2]
    assert table.delimiter == delimiter


def test_skips_blank_lines_and_keeps_file_line_numbers() -> None:
    data = b"stamnr;klas\n1;1A\n\n;\n2;1B\n"
    table = read_table(data, "x.csv", ALIASES, REQUIRED)
    assert [r["leerlingnummer"] for r in table.rows] == ["1", "2"]
    assert table.line_numbers == [2, 5]


def test_missing_column_is_named() -> None:
    with pytest.raises(TableError, match="Kolom\\(men\\) niet gevonden: klas"):
        read_table(b"stamnr;naam\n1;x\n", "x.csv", ALIASES, REQUIRED)


def test_wrong_delimiter_gives_a_hint() -> None:
    with pytest.raises(TableError, match="scheidingsteken"):
        read_table(b"stamnr|klas\n1|1A\n", "x.csv", ALIASES, REQUIRED)


@pytest.mark.parametrize("data", [b"", b"   \n\n"])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(TableError, match="leeg"):
        read_table(data, "x.csv", ALIASES, REQUIRED)


def test_header_only() -> None:
    with pytest.raises(TableError, match="alleen een kopregel"):
        read_table(b"stamnr;klas\n", "x.csv", ALIASES, REQUIRED)


def test_utf16_is_refused_with_advice() -> None:
    with pytest.raises(TableError, match="UTF-16"):
        read_table("stamnr;klas\n1;1A\n".encode("utf-16"), "x.csv", ALIASES, REQUIRED)


def test_undecodable_bytes_are_refused() -> None:
    # 0x81 is undefined in Windows-1252 and invalid as UTF-8.
    with pytest.raises(TableError, match="tekenset"):
        decode_text(b"stamnr;klas\n1;\x81\x81\n")


def test_xlsx() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Stamnummer", "Klas"])
    sheet.append([1001, "2B"])
    sheet.append([None, None])
    sheet.append([1002.0, "3A"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "export.xlsx", ALIASES, REQUIRED)
    assert [r["leerlingnummer"] for r in table.rows] == ["1001", "1002"]
    assert table.line_numbers == [2, 4]


def test_broken_xlsx() -> None:
    with pytest.raises(TableError, match="beschadigd"):
        read_table(b"PK\x03\x04garbage", "export.xlsx", ALIASES, REQUIRED)
