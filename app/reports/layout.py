"""What the page, the PDF and the CSV files render: sections with a heading, optional charts
and tables of text cells (suppressed counts already read "<5"); each table is also one CSV file
(its ``name``), so the three never disagree."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.csv_export import csv_text
from app.reports.charts import BarChart, ColumnChart
from app.reports.numbers import current_locale
from app.reports.numbers import number as number  # the one number format, re-exported
from app.reports.rules import Count

# A table of more columns than this goes on a landscape page in the PDF.
WIDE_COLUMNS = 6


@dataclass
class Table:
    name: str  # CSV file name without .csv
    title: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""
    numeric_from: int = 1  # columns from here on are right-aligned numbers

    @property
    def wide(self) -> bool:
        """Too many columns for A4 portrait: the PDF prints it on a landscape page."""
        return len(self.header) > WIDE_COLUMNS


@dataclass
class Section:
    id: str
    title: str
    intro: str = ""
    points: list[str] = field(default_factory=list)  # sentences shown as a list (the summary)
    charts: list[ColumnChart | BarChart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    @property
    def wide(self) -> bool:
        return any(table.wide for table in self.tables)


def count_value(count: Count) -> float | None:
    """A bar height for a count: None (no bar) when it is suppressed."""
    return None if count.suppressed else float(count.value)


def csv_delimiter(locale: str) -> str:
    """Dutch Excel reads ``;`` between cells (the comma is its decimal sign); English ``,``."""
    return "," if locale.startswith("en") else ";"


def table_csv(table: Table, locale: str | None = None) -> str:
    """One table as CSV for Excel in the reader's language, UTF-8 with a BOM: in Dutch
    ``;``-separated with decimal commas, in English ``,``-separated with decimal points (the
    cells are formatted by :func:`app.reports.numbers.number`, as on the page). Cells that a
    spreadsheet would run as a formula (a floor note like ``=HYPERLINK(…)``) are neutralised by
    the one CSV writer."""
    return csv_text(table.header, table.rows, delimiter=csv_delimiter(locale or current_locale()))
