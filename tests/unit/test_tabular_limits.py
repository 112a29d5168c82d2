"""Import files beyond the limits (rows, columns, cell size, unpacked size), damaged sheets
and NUL bytes are refused with a Dutch message; the streaming .xlsx reader reads cells as
openpyxl does."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time

import pytest
from openpyxl import Workbook, load_workbook

from app.imports.limits import ImportLimits
from app.imports.tabular import TableError, read_table
from app.imports.xlsx import cell_text, read_xlsx
from tests.spreadsheet_helpers import (
    SHEET_HEAD,
    SHEET_TAIL,
    declared_smaller,
    inline_row,
    shared_strings_part,
    xlsx_bomb,
    xlsx_package,
)

ALIASES = {"leerlingnummer": ("stamnr",), "klas": (), "naam": ("roepnaam",)}
REQUIRED = ("leerlingnummer", "klas")
SMALL = ImportLimits(max_rows=10, max_columns=5, max_cell_chars=20, max_bytes=4096)


def read(data: bytes, filename: str = "x.csv", limits: ImportLimits = SMALL) -> list[str]:
    table = read_table(data, filename, ALIASES, REQUIRED, limits=limits)
    return [row["leerlingnummer"] for row in table.rows]


def refused(data: bytes, filename: str = "x.csv", limits: ImportLimits = SMALL) -> str:
    with pytest.raises(TableError) as caught:
        read_table(data, filename, ALIASES, REQUIRED, limits=limits)
    return caught.value.message


def csv_rows(count: int, *, extra: str = "") -> bytes:
    lines = ["stamnr;klas", *(f"{n};2B{extra}" for n in range(1, count + 1))]
    return ("\r\n".join(lines) + "\r\n").encode()


def sheet(*rows: bytes) -> bytes:
    return xlsx_package([SHEET_HEAD + inline_row("stamnr", "klas"), *rows, SHEET_TAIL])


# --- rows -----------------------------------------------------------------------------------


def test_rows_up_to_the_limit_are_read() -> None:
    assert len(read(csv_rows(10))) == 10
    assert len(read(sheet(*[inline_row(str(n), "2B") for n in range(10)]), "x.xlsx")) == 10


@pytest.mark.parametrize("filename", ["x.csv", "x.xlsx"])
def test_more_rows_than_the_limit_are_refused(filename: str) -> None:
    data = csv_rows(11) if filename == "x.csv" else sheet(*[inline_row("1", "2B")] * 11)
    assert "meer dan 10 regels" in refused(data, filename)


def test_sheet_rows_numbered_beyond_the_limit_are_refused_without_filling_the_gap() -> None:
    far = b'<row r="2000000000"><c t="inlineStr"><is><t>1</t></is></c></row>'
    assert "meer dan 10 regels" in refused(sheet(far), "x.xlsx")


def test_a_sheet_that_states_its_size_beyond_the_limit_is_refused_at_once() -> None:
    head = SHEET_HEAD.replace(b"<sheetData>", b'<dimension ref="A1:B5000000"/><sheetData>')
    data = xlsx_package([head, inline_row("stamnr", "klas"), SHEET_TAIL])
    assert "meer dan 10 regels" in refused(data, "x.xlsx")


# --- columns and cells ----------------------------------------------------------------------


def test_more_columns_than_the_limit_are_refused() -> None:
    assert "Regel 2: meer dan 5 kolommen" in refused(b"stamnr;klas\r\n1;2B;;;;;\r\n")
    far = b'<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>'
    assert "Regel 2: meer dan 5 kolommen" in refused(sheet(far), "x.xlsx")


def test_a_line_of_millions_of_separators_is_refused_before_it_becomes_cells() -> None:
    data = b"stamnr;klas\r\n1;" + b";" * 3000 + b"\r\n"
    assert "Regel 2: de regel is langer dan een export kan zijn" in refused(data)


@pytest.mark.parametrize("filename", ["x.csv", "x.xlsx"])
def test_a_cell_longer_than_the_limit_is_refused(filename: str) -> None:
    long = "x" * 21
    data = f"stamnr;klas\r\n1;{long}\r\n".encode()
    if filename == "x.xlsx":
        data = sheet(inline_row("1", long))
    assert "Regel 2: Een cel is langer dan 20 tekens" in refused(data, filename)


def shared_string_sheet(*items: str) -> bytes:
    """A header and one row whose cells are the shared strings 0 and 1."""
    row = b'<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>'
    return xlsx_package(
        [SHEET_HEAD + inline_row("stamnr", "klas"), row, SHEET_TAIL],
        shared_strings=shared_strings_part(items),
    )


def test_shared_strings_with_rich_text_and_phonetics() -> None:
    data = shared_string_sheet(
        "<t>1001</t>", "<r><t>2</t></r><r><rPr><b/></rPr><t>B</t></r><rPh><t>ni-bii</t></rPh>"
    )
    table = read_table(data, "x.xlsx", ALIASES, REQUIRED, limits=SMALL)
    assert table.rows == [{"leerlingnummer": "1001", "klas": "2B"}]


def test_a_shared_string_longer_than_the_limit_is_refused() -> None:
    data = shared_string_sheet("<t>1001</t>", f"<t>{'x' * 21}</t>")
    assert "Een cel is langer dan 20 tekens" in refused(data, "x.xlsx")


def test_more_shared_strings_than_rows_allowed_are_refused() -> None:
    data = shared_string_sheet(*(f"<t>{n}</t>" for n in range(11)))
    assert "meer dan 10 verschillende teksten" in refused(data, "x.xlsx")


def test_a_csv_cell_beyond_the_csv_modules_own_limit_is_a_row_message() -> None:
    limits = ImportLimits(10, 5, 200_000, 1 << 20)
    data = b'stamnr;klas\r\n1;"' + b"x" * 140_000 + b'"\r\n'
    assert "Regel 2: Een cel is langer dan" in refused(data, limits=limits)


# --- size -----------------------------------------------------------------------------------


def test_a_csv_larger_than_the_limit_is_refused() -> None:
    assert "groter dan" in refused(csv_rows(9, extra="x" * 500))


def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused_before_it_is_parsed() -> None:
    limits = ImportLimits(10_000_000, 200, 4000, 10 * 1024 * 1024)
    bomb = xlsx_bomb(1_000_000)  # about 90 MB unpacked, well under 1 MB packed
    assert len(bomb) < 1024 * 1024
    assert "pakt uit tot meer dan 10 MB" in refused(bomb, "x.xlsx", limits)


def test_a_zip_that_understates_its_sizes_is_stopped_at_what_it_declares() -> None:
    limits = ImportLimits(10_000_000, 200, 4000, 10 * 1024 * 1024)
    bomb = declared_smaller(xlsx_bomb(200_000, zip64=False), "xl/worksheets/sheet1.xml", 4096)
    assert "het werkblad is hier beschadigd" in refused(bomb, "x.xlsx", limits)


def test_an_xlsx_with_thousands_of_parts_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(1001):
            archive.writestr(f"xl/x{number}.xml", "")
    assert "meer dan 1.000 onderdelen" in refused(buffer.getvalue(), "x.xlsx")


# --- damaged files and NUL bytes -------------------------------------------------------------


def test_a_nul_byte_anywhere_is_a_row_message() -> None:
    lines = [b"stamnr;klas"] + [b"%d;2B" % n for n in range(1, 800)]
    lines[700] = b"700;2\x00B"
    data = b"\r\n".join(lines) + b"\r\n"
    assert data.index(b"\x00") > 4096
    limits = ImportLimits(1000, 5, 20, 1 << 20)
    assert refused(data, limits=limits).startswith("Regel 701: bevat een NUL-teken")


def test_a_damaged_sheet_in_a_valid_zip_names_the_row() -> None:
    rows = [inline_row(str(n), "2B") for n in range(5)]
    data = xlsx_package([SHEET_HEAD + inline_row("stamnr", "klas"), *rows, b"<row><c><v>1<"])
    assert "Regel 7: het werkblad is hier beschadigd" in refused(data, "x.xlsx")


def test_a_sheet_with_a_wrong_checksum_is_damaged() -> None:
    data = bytearray(sheet(*[inline_row(str(n), "2B") for n in range(5)]))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    assert "beschadigd" in refused(bytes(data), "x.xlsx")


@pytest.mark.parametrize(
    "part",
    [b'<row><c t="s"><v>7</v></c></row>', b'<row r="x"></row>', b'<row><c r="1A"/></row>'],
    ids=["missing-shared-string", "bad-row-number", "bad-cell-reference"],
)
def test_impossible_references_are_damage_not_errors(part: bytes) -> None:
    assert "het werkblad is hier beschadigd" in refused(sheet(part), "x.xlsx")


def test_a_document_type_declaration_is_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row>'
    )
    assert "beschadigd" in refused(xlsx_package([laughs, SHEET_TAIL]), "x.xlsx")


@pytest.mark.parametrize("data", [b"PK\x03\x04garbage", b"PK\x03\x04" + b"\x00" * 100])
def test_not_a_zip(data: bytes) -> None:
    assert "beschadigd" in refused(data, "x.xlsx")


# --- the reader reads what openpyxl reads ----------------------------------------------------


def test_cells_read_as_openpyxl_reads_them() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["stamnr", "datum", "tijd", "getal", "ja", "tekst", "formule"])
    sheet.append([1001, datetime(2026, 9, 14, 8, 30), time(8, 30), 2.5, True, " Zoë ", "=1+1"])
    sheet.append([1002.0, date(2026, 9, 15), None, 3, False, "=A1", None])
    sheet["C5"] = "alleen C5"  # a gap of a row and two columns
    sheet.cell(6, 1, 10**20)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    ours = list(read_xlsx(data, ImportLimits(1000, 50, 100, 1 << 20)))
    theirs = [
        (number, [cell_text(v) for v in values])
        for number, values in enumerate(
            load_workbook(io.BytesIO(data), read_only=True, data_only=True).active.values,
            start=1,
        )
        if any(v is not None for v in values)
    ]
    # openpyxl pads every row to the widest; the reader stops at a row's last value.
    assert [(n, v[: len(o)]) for (n, v), (_, o) in zip(theirs, ours, strict=True)] == ours
    assert ours[1][1][:5] == ["1001", "2026-09-14T08:30", "08:30", "2.5", "True"]
    assert ours[3] == (5, ["", "", "alleen C5"])


def test_rich_text_phonetics_and_a_namespace_prefix() -> None:
    head = (
        b'<?xml version="1.0"?><x:worksheet '
        b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
    )
    rows = (
        b'<x:row r="1"><x:c t="inlineStr"><x:is><x:t>stamnr</x:t></x:is></x:c>'
        b'<x:c t="inlineStr"><x:is><x:t>klas</x:t></x:is></x:c></x:row>'
        b'<x:row r="2"><x:c><x:v>7</x:v></x:c><x:c t="inlineStr"><x:is><x:r><x:t>2</x:t></x:r>'
        b"<x:r><x:t>B</x:t></x:r><x:rPh><x:t>phonetic</x:t></x:rPh></x:is></x:c></x:row>"
    )
    data = xlsx_package([head, rows, b"</x:sheetData></x:worksheet>"])
    table = read_table(data, "x.xlsx", ALIASES, REQUIRED, limits=SMALL)
    assert table.rows == [{"leerlingnummer": "7", "klas": "2B"}]


def test_a_date_serial_beyond_pythons_dates_stays_a_number() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["stamnr", "klas"])
    sheet.append([1, 1])
    sheet["B2"].number_format = "dd-mm-yyyy"
    sheet["B2"].value = 99_999_999
    buffer = io.BytesIO()
    workbook.save(buffer)
    limits = ImportLimits(10, 5, 20, 1 << 20)
    table = read_table(buffer.getvalue(), "x.xlsx", ALIASES, REQUIRED, limits=limits)
    assert table.rows[0]["klas"] == "99999999"
