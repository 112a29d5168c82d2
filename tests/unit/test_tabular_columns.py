"""read_columns (the absence import's reader) reads what read_table reads, column-wise, and
refuses what read_table refuses, with the same message."""

from __future__ import annotations

import pytest

from app.imports.limits import ImportLimits
from app.imports.tabular import TableError, read_columns, read_table

ALIASES = {"leerlingnummer": ("stamnr",), "klas": (), "naam": ("roepnaam",)}
REQUIRED = ("leerlingnummer", "klas")
SMALL = ImportLimits(max_rows=10, max_columns=5, max_cell_chars=20, max_bytes=4096)


def both(data: bytes, limits: ImportLimits = SMALL) -> tuple[list[dict[str, str]], list[int]]:
    """read_table's rows and line numbers, and checks read_columns gives the same (its cells
    unstripped, so stripped here)."""
    table = read_table(data, "x.csv", ALIASES, REQUIRED, limits=limits)
    columns = read_columns(data, "x.csv", ALIASES, REQUIRED, limits=limits)
    assert list(columns.columns) == table.columns
    assert columns.line_numbers == table.line_numbers
    as_rows = [
        {name: cells[i].strip() for name, cells in columns.columns.items()}
        for i in range(len(columns))
    ]
    assert as_rows == table.rows
    return table.rows, table.line_numbers


def test_short_lines_blank_lines_and_spaces() -> None:
    data = (
        b"stamnr;klas;roepnaam\r\n"
        b" 1 ;2B;Ada\r\n"
        b"\r\n"
        b" ; ;  \r\n"  # only spaces: skipped, as a blank line
        b"2;3C\r\n"  # short: the name is empty
        b"3\r\n"  # shorter still
        b"4;4A;Bo;extra\r\n"
    )
    rows, lines = both(data)
    assert [row["leerlingnummer"] for row in rows] == ["1", "2", "3", "4"]
    assert rows[1]["naam"] == "" and rows[2]["klas"] == ""
    assert lines == [2, 5, 6, 7]


def test_unmapped_columns_before_the_mapped_ones() -> None:
    rows, _lines = both(b"x;y;klas;stamnr\n1;2;2B;7\n;;3C;8\n")
    assert [(r["leerlingnummer"], r["klas"]) for r in rows] == [("7", "2B"), ("8", "3C")]


@pytest.mark.parametrize(
    "data",
    [
        b"stamnr;klas\n" + b"".join(b"%d;2B\n" % n for n in range(11)),  # too many rows
        b"stamnr;klas\n1;2B;a;b;c;d\n",  # too many columns
        b"stamnr;klas\n1;" + b"x" * 21 + b"\n",  # a cell too long
        b"stamnr;klas\n1;" + b"x" * 21 + b";;;;;;\n",  # both: the first check's message
        b"stamnr;klas\n",  # a header only
        b"",  # nothing
        b"stamnr;naam\n1;x\n",  # a required column missing
    ],
)
def test_refuses_what_read_table_refuses(data: bytes) -> None:
    with pytest.raises(TableError) as table_error:
        read_table(data, "x.csv", ALIASES, REQUIRED, limits=SMALL)
    with pytest.raises(TableError) as columns_error:
        read_columns(data, "x.csv", ALIASES, REQUIRED, limits=SMALL)
    assert columns_error.value.message == table_error.value.message
