"""What the page, the PDF and the CSV files render: sections with a heading, optional charts
and tables of text cells (suppressed counts already read "<5"); each table is also one CSV file
(its ``name``), so the three never disagree."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import format_decimal

from app.core.csv_export import csv_text
from app.reports.charts import BarChart, ColumnChart
from app.reports.rules import Count


@dataclass
class Table:
    name: str  # CSV file name without .csv
    title: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""
    numeric_from: int = 1  # columns from here on are right-aligned numbers


@dataclass
class Section:
    id: str
    title: str
    intro: str = ""
    charts: list[ColumnChart | BarChart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return str(format_decimal(value, format="#,##0." + "0" * digits if digits else "#,##0"))


def count_value(count: Count) -> float | None:
    """A bar height for a count: None (no bar) when it is suppressed."""
    return None if count.suppressed else float(count.value)


def table_csv(table: Table) -> str:
    """One table as CSV for Excel in Dutch: ``;``-separated, with a BOM; cells that a
    spreadsheet would run as a formula (a floor note like ``=HYPERLINK(…)``) are neutralised
    by the one CSV writer."""
    return csv_text(table.header, table.rows)
