"""Read a CSV or .xlsx export into a header and rows of text, whatever its dialect.

Magister and SOMtoday exports vary per school: ``;`` or ``,`` delimited, UTF-8 with or without a
byte-order mark, or Windows-1252 (Excel on Dutch Windows), and sometimes .xlsx. Every problem is
reported as a :class:`TableError` with a Dutch message. A file is read within the limits of
:class:`~app.imports.limits.ImportLimits` (rows, columns, cell size, bytes), checked as it is
read, so a file far beyond them is refused within seconds.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from app.core.stored_text import N_
from app.imports.limits import ImportLimits, TableError, dutch_number
from app.imports.xlsx import read_xlsx

XLSX_MAGIC = b"PK\x03\x04"
# A NUL this early means UTF-16 or a binary file; later it is a bad line.
BINARY_PREFIX = 4096

__all__ = [
    "ColumnTable",
    "ImportLimits",
    "Table",
    "TableError",
    "column_positions",
    "read_header",
    "read_columns",
    "read_import_file",
    "read_table",
]


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


UNREADABLE_TEXT = (
    "Het bestand is niet te lezen: het lijkt UTF-16 of een binair bestand. Sla het op als "
    "CSV (UTF-8 of Windows-1252) of als .xlsx."
)


def _refuse_nul(data: bytes) -> None:
    """A NUL byte anywhere: no CSV holds one (and PostgreSQL stores none)."""
    position = data.find(b"\x00")
    if position < 0:
        return
    if position < BINARY_PREFIX:
        raise TableError(UNREADABLE_TEXT)
    line = data.count(b"\n", 0, position) + 1
    raise TableError(
        N_(
            "Regel %(value)s: bevat een NUL-teken (een binair teken, geen tekst). "
            "Sla het bestand opnieuw op als CSV of als .xlsx."
        )
        % {"value": dutch_number(line)}
    )


def _encoding(data: bytes) -> tuple[str, str]:
    """The codec that reads all of ``data`` and its name: UTF-8 (with or without BOM) or
    Windows-1252. Checked piece by piece, without keeping the decoded text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableError(UNREADABLE_TEXT)
    error = None
    for codec, name in (("utf-8-sig", "utf-8"), ("cp1252", "windows-1252")):
        decoder = codecs.getincrementaldecoder(codec)()
        try:
            for start in range(0, len(data), 1 << 20):
                decoder.decode(data[start : start + (1 << 20)])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as problem:
            error = problem
            continue
        return codec, name
    position = error.start if error is not None else 0
    raise TableError(
        N_(
            "Het bestand is niet te lezen: de tekenset is geen UTF-8 of "
            "Windows-1252 (onleesbaar teken op positie %(position)s)."
        )
        % {"position": position}
    )


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM) or Windows-1252; refuse anything else."""
    _refuse_nul(data)
    codec, name = _encoding(data)
    return data.decode(codec), name


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _bounded_lines(text: io.TextIOBase, limits: ImportLimits) -> Iterator[str]:
    """The file's lines, refusing one longer than any row within the limits can be (a line of
    millions of separators would otherwise become millions of cells at once). Checked a block of
    lines at a time, so the check costs next to nothing per line."""
    longest = limits.max_line_chars

    def blocks() -> Iterator[list[str]]:
        seen = 0
        while block := text.readlines(1 << 16):
            if max(map(len, block)) > longest:
                number = seen + next(i for i, line in enumerate(block, 1) if len(line) > longest)
                raise TableError(
                    N_(
                        "Regel %(value)s: de regel is langer dan een export kan zijn (meer dan "
                        "%(value2)s tekens)."
                    )
                    % {"value": dutch_number(number), "value2": dutch_number(longest)}
                )
            seen += len(block)
            yield block

    return itertools.chain.from_iterable(blocks())


def _read_csv(
    data: bytes, limits: ImportLimits
) -> tuple[list[str], Iterator[tuple[int, list[str]]], str, str]:
    if len(data) > limits.max_bytes:
        raise limits.too_big()
    _refuse_nul(data)
    if max(data.count(b"\n"), data.count(b"\r")) > limits.max_rows + 1:
        raise limits.too_many_rows()
    codec, encoding = _encoding(data)
    text = io.TextIOWrapper(io.BytesIO(data), encoding=codec, newline="")
    lines = _bounded_lines(text, limits)
    first_line = next(lines, "")
    delimiter = _sniff_delimiter(first_line.rstrip("\r\n"))
    reader = csv.reader(itertools.chain([first_line], lines), delimiter=delimiter)

    def problem(error: csv.Error) -> TableError:
        if "field larger than field limit" in str(error):
            return limits.cell_too_long(reader.line_num)
        return TableError(
            N_("Regel %(line_num)s: geen geldige CSV (%(error)s).")
            % {"line_num": reader.line_num, "error": error}
        )

    try:
        header = next(reader)
    except StopIteration:
        raise TableError(N_("Het bestand is leeg.")) from None
    except csv.Error as error:
        raise TableError(
            N_("De kopregel is geen geldige CSV: %(error)s.") % {"error": error}
        ) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for values in reader:
                yield reader.line_num, values
        except csv.Error as error:
            raise problem(error) from None

    return header, rows(), encoding, delimiter


def _read_xlsx(
    data: bytes, limits: ImportLimits
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    rows = read_xlsx(data, limits)
    try:
        _line, header = next(rows)
    except StopIteration:
        raise TableError(N_("Het bestand is leeg.")) from None
    return header, rows


def _check_row(line: int, values: list[str], limits: ImportLimits) -> None:
    if line > limits.max_rows + 1:
        raise limits.too_many_rows(line)
    if len(values) > limits.max_columns:
        raise limits.too_many_columns(line)
    if values and max(map(len, values)) > limits.max_cell_chars:
        raise limits.cell_too_long(line)


def read_import_file(path: Path, limits: ImportLimits | None = None) -> bytes:
    """A file named on the command line, refused unread when it is larger than the limits."""
    limits = limits or ImportLimits.current()
    if path.stat().st_size > limits.max_bytes:
        raise limits.too_big()
    return path.read_bytes()


def column_positions(header: Iterable[str], aliases: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Each canonical column found in ``header`` and its position (the first, if repeated):
    ``aliases`` maps a canonical name to the header names that mean it."""
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
    return positions


def read_header(data: bytes, filename: str, *, limits: ImportLimits | None = None) -> list[str]:
    """The column names of a CSV or .xlsx export (its first line or row), read within
    ``limits``; raises :class:`TableError` for an empty or unreadable file."""
    limits = limits or ImportLimits.current()
    if not data or data.isspace():
        raise TableError(N_("Het bestand is leeg."))
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        header, _rows = _read_xlsx(data, limits)
    else:
        header, _rows, _encoding, _delimiter = _read_csv(data, limits)
    _check_row(1, header, limits)
    return header


def _open_table(
    data: bytes,
    filename: str,
    aliases: Mapping[str, Iterable[str]],
    required: Iterable[str],
    limits: ImportLimits,
) -> tuple[dict[str, int], Iterator[tuple[int, list[str]]], str, str]:
    """The positions of the canonical columns found, the rows (line number, cells) still to be
    read, the encoding and the delimiter; refuses an empty file or a missing required column."""
    if not data or data.isspace():  # (strip() would copy a 100 MB file)
        raise TableError(N_("Het bestand is leeg."))
    encoding, delimiter = "binary", ""
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        header, rows = _read_xlsx(data, limits)
        encoding = "xlsx"
    else:
        header, rows, encoding, delimiter = _read_csv(data, limits)
    _check_row(1, header, limits)

    positions = column_positions(header, aliases)
    missing = [name for name in required if name not in positions]
    if missing:
        shown = "; ".join(h for h in header if h.strip())[:200] or "(geen)"
        hint = ""
        if len(header) == 1 and delimiter not in (";", ","):
            hint = " Gebruik ; of , als scheidingsteken."
        elif len(header) == 1:
            hint = " Controleer het scheidingsteken (; of ,)."
        raise TableError(
            N_("Kolom(men) niet gevonden: %(items)s. Gevonden kolommen: %(shown)s.%(hint)s")
            % {"items": ", ".join(missing), "shown": shown, "hint": hint}
        )
    return positions, rows, encoding, delimiter


def read_table(
    data: bytes,
    filename: str,
    aliases: Mapping[str, Iterable[str]],
    required: Iterable[str],
    *,
    limits: ImportLimits | None = None,
) -> Table:
    """Read ``data`` and map its columns to canonical names.

    ``aliases`` maps a canonical name to the header names that mean it (matched with
    :func:`normalise_header`); columns that are not mentioned are ignored. Fully empty lines are
    skipped. Raises :class:`TableError` when the file is empty, unreadable or lacks a required
    column, or holds more than ``limits`` (default: the app's settings) allow.
    """
    limits = limits or ImportLimits.current()
    positions, rows, encoding, delimiter = _open_table(data, filename, aliases, required, limits)
    table = Table(columns=list(positions), encoding=encoding, delimiter=delimiter)
    for line_number, values in rows:
        _check_row(line_number, values, limits)
        if not any(v.strip() for v in values):
            continue
        table.rows.append(
            {name: (values[i].strip() if i < len(values) else "") for name, i in positions.items()}
        )
        table.line_numbers.append(line_number)
    if not table.rows:
        raise TableError(N_("Het bestand bevat alleen een kopregel en geen gegevens."))
    return table


@dataclass
class ColumnTable:
    """A file read column by column: ``columns[name][i]`` is row i's cell (as read, NOT
    stripped: a caller that reads each distinct value once strips it then), ``line_numbers[i]``
    its line in the file. For large exports: no dict per row."""

    columns: dict[str, list[str]]
    line_numbers: list[int]
    encoding: str = "utf-8"
    delimiter: str = ","

    def __len__(self) -> int:
        return len(self.line_numbers)


def read_columns(
    data: bytes,
    filename: str,
    aliases: Mapping[str, Iterable[str]],
    required: Iterable[str],
    *,
    limits: ImportLimits | None = None,
) -> ColumnTable:
    """:func:`read_table`'s file, checks and problems, as columns (see :class:`ColumnTable`)."""
    limits = limits or ImportLimits.current()
    positions, rows, encoding, delimiter = _open_table(data, filename, aliases, required, limits)
    kept: list[list[str]] = []
    lines: list[int] = []
    last_line = limits.max_rows + 1
    max_columns, max_cell = limits.max_columns, limits.max_cell_chars
    width = max(positions.values()) + 1
    for line_number, values in rows:
        # _check_row's checks, inline: they run for every line of a file of a million.
        if line_number > last_line or len(values) > max_columns:
            _check_row(line_number, values, limits)
        if not values or max(map(len, values)) > max_cell:
            _check_row(line_number, values, limits)
        if not "".join(values).strip():  # a fully empty line (as any(v.strip() ...))
            continue
        if len(values) < width:  # a short line: the missing cells are empty
            values = values + [""] * (width - len(values))
        kept.append(values)
        lines.append(line_number)
    if not kept:
        raise TableError(N_("Het bestand bevat alleen een kopregel en geen gegevens."))
    columns = {name: list(map(itemgetter(i), kept)) for name, i in positions.items()}
    return ColumnTable(columns, lines, encoding=encoding, delimiter=delimiter)
