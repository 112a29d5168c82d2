"""The one CSV writer: every CSV file the app writes (the LVS export, the signal list, the report
tables, the audit trail) goes through here, so none can carry a spreadsheet formula.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel and LibreOffice (CSV injection: a student named ``=HYPERLINK(…)``); such a cell
gets a leading apostrophe, which the spreadsheet shows as text. A plain negative number
(``-3``, ``-2,5``) stays a number: it cannot be a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import IO

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NEGATIVE_NUMBER = re.compile(r"-[0-9]+(?:[.,][0-9]+)*", re.ASCII)
# Dutch Excel opens ;-separated UTF-8 with a byte-order mark.
BOM = "\ufeff"


def neutralise(value: object) -> str:
    """The cell as text that a spreadsheet shows and never runs."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES) and not _NEGATIVE_NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_csv(
    stream: IO[str],
    header: Sequence[str],
    rows: Iterable[Sequence[object] | Mapping[str, object]],
    *,
    delimiter: str = ";",
    lineterminator: str = "\r\n",
) -> None:
    """Write ``header`` and ``rows`` (sequences in header order, or mappings keyed by the
    header's names) to ``stream``, every cell neutralised."""
    writer = csv.writer(stream, delimiter=delimiter, lineterminator=lineterminator)
    # The csv module quotes a cell only for the characters of the line terminator: with "\n"
    # lines a carriage return inside a cell would split the row for a reader.
    cell = neutralise if "\r" in lineterminator else _without_carriage_returns
    writer.writerow([cell(name) for name in header])
    for row in rows:
        values = [row.get(name, "") for name in header] if isinstance(row, Mapping) else row
        writer.writerow([cell(value) for value in values])


def _without_carriage_returns(value: object) -> str:
    return neutralise(value).replace("\r\n", "\n").replace("\r", "\n")


def csv_text(
    header: Sequence[str],
    rows: Iterable[Sequence[object] | Mapping[str, object]],
    *,
    delimiter: str = ";",
    lineterminator: str = "\r\n",
    bom: bool = True,
) -> str:
    """The whole file as text (with a byte-order mark unless ``bom`` is False)."""
    buffer = io.StringIO()
    write_csv(buffer, header, rows, delimiter=delimiter, lineterminator=lineterminator)
    return (BOM if bom else "") + buffer.getvalue()
