"""Read a CSV or .xlsx export into a header and rows of text, whatever its dialect.

Magister and SOMtoday exports vary per school: ``;`` or ``,`` delimited, UTF-8 with or without a
byte-order mark, or Windows-1252 (Excel on Dutch Windows), and sometimes .xlsx. Every problem is
reported as a :class:`TableError` with a Dutch message.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from openpyxl import load_workbook

from app.exceptions import DomainError

XLSX_MAGIC = b"PK\x03\x04"


class TableError(DomainError):
    """The file as a whole cannot be read."""


@dataclass
class Table:
    """Rows keyed by canonical column name; ``line_numbers[i]`` is row i's line in the file."""

    columns: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","


def normalise_header(name: str) -> str:
    """Case-, accent- and punctuation-blind column name: 'Leerling-nummer ' -> 'leerlingnummer'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", text.lower())


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM) or Windows-1252; refuse anything else."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise TableError(
            "Het bestand is niet te lezen: het lijkt UTF-16 of een binair bestand. Sla het op als "
            "CSV (UTF-8 of Windows-1252) of als .xlsx."
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as error:
        raise TableError(
            "Het bestand is niet te lezen: de tekenset is geen UTF-8 of Windows-1252 "
            f"(onleesbaar teken op positie {error.start})."
        ) from None


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep="T", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(text: str) -> tuple[list[str], Iterable[tuple[int, list[str]]], str]:
    first_line = text.split("\n", 1)[0]
    delimiter = _sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise TableError("Het bestand is leeg.") from None
    except csv.Error as error:
        raise TableError(f"De kopregel is geen geldige CSV: {error}.") from None

    def rows() -> Iterable[tuple[int, list[str]]]:
        try:
            for values in reader:
                yield reader.line_num, values
        except csv.Error as error:
            raise TableError(f"Regel {reader.line_num}: geen geldige CSV ({error}).") from None

    return header, rows(), delimiter


def _read_xlsx(data: bytes) -> tuple[list[str], Iterable[tuple[int, list[str]]]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise TableError("Het .xlsx-bestand is beschadigd of geen Excel-bestand.") from None
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(v) for v in next(iterator)]
    except StopIteration:
        raise TableError("Het bestand is leeg.") from None

    def rows() -> Iterable[tuple[int, list[str]]]:
        for number, values in enumerate(iterator, start=2):
            yield number, [_cell_text(v) for v in values]
        workbook.close()

    return header, rows()


def read_table(
    data: bytes,
    filename: str,
    aliases: Mapping[str, Iterable[str]],
    required: Iterable[str],
) -> Table:
    """Read ``data`` and map its columns to canonical names.

    ``aliases`` maps a canonical name to the header names that mean it (matched with
    :func:`normalise_header`); columns that are not mentioned are ignored. Fully empty lines are
    skipped. Raises :class:`TableError` when the file is empty, unreadable or lacks a required
    column.
    """
    if not data or not data.strip():
        raise TableError("Het bestand is leeg.")
    encoding, delimiter = "binary", ""
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        header, rows = _read_xlsx(data)
        encoding = "xlsx"
    else:
        text, encoding = decode_text(data)
        header, rows, delimiter = _read_csv(text)

    lookup = {
        normalise_header(alias): canonical
        for canonical, names in aliases.items()
        for alias in (canonical, *names)
    }
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        canonical = lookup.get(normalise_header(name))
        if canonical and canonical not in positions:
            positions[canonical] = index
    missing = [name for name in required if name not in positions]
    if missing:
        shown = "; ".join(h for h in header if h.strip())[:200] or "(geen)"
        hint = ""
        if len(header) == 1 and delimiter not in (";", ","):
            hint = " Gebruik ; of , als scheidingsteken."
        elif len(header) == 1:
            hint = " Controleer het scheidingsteken (; of ,)."
        raise TableError(
            f"Kolom(men) niet gevonden: {', '.join(missing)}. Gevonden kolommen: {shown}.{hint}"
        )

    table = Table(columns=list(positions), encoding=encoding, delimiter=delimiter)
    for line_number, values in rows:
        if not any(v.strip() for v in values):
            continue
        table.rows.append(
            {name: (values[i].strip() if i < len(values) else "") for name, i in positions.items()}
        )
        table.line_numbers.append(line_number)
    if not table.rows:
        raise TableError("Het bestand bevat alleen een kopregel en geen gegevens.")
    return table
