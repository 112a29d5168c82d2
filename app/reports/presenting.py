"""From a :class:`~app.reports.model.Report` to what the page, the PDF and the CSV files
show, section by section (each section's own module in ``app.reports.sections`` lays it out).

The page and the PDF render the same sections; each table is also one CSV file (its ``name``),
so the three never disagree. Cells are strings already: suppressed counts read "<5".
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.reports.layout import Section, Table
from app.reports.model import Report
from app.reports.numbers import day, period, school_weeks
from app.reports.sections import (
    absence,
    calls,
    cases,
    climate,
    comparison,
    detention,
    flags,
    floor,
    incidents,
    observations,
    outcome,
    summary,
    visits,
)

# The tables, in report order: CSV file name -> what it holds (for docs and the CLI).
TABLE_NAMES = (
    "samenvatting",
    "vloer-soort",
    "vloer-zone",
    "vloer-tijd",
    "vloer-weekdag",
    "spanningen",
    "deescalaties",
    "vlaggen",
    "incidenten-soort",
    "incidenten-zone",
    "casussen-status",
    "casussen-stroom",
    "casussen-doorlooptijd",
    "oudercontact",
    "huisbezoeken",
    "nablijfklas",
    "verzuim-trend",
    "verzuim-signalen",
    "uitkomst",
    "vergelijking",
    "peiling",
    "klimaat",
    "observaties",
)


def period_label(report: Report) -> str:
    """The period as asked; a running one says up to which day it is counted."""
    label = period(report.start, report.end)
    if report.counted_through is None:
        return label
    return _(
        "%(period)s (geteld tot en met %(day)s: de periode loopt nog)",
        period=label,
        day=day(report.counted_through),
    )


def headline(report: Report) -> str:
    """The line under the title, on the page and in the PDF."""
    return _(
        "%(students)s leerlingen, %(weeks)s. Aantallen van minder dan 5 leerlingen staan er als "
        "'<5', zodat niemand te herkennen is.",
        students=report.students,
        weeks=school_weeks(len(report.school_weeks)),
    )


def scope_title(report: Report) -> str:
    if report.whole_group:
        return str(_("Hele groep (%(codes)s)", codes=report.scope_label))
    return ", ".join(f"{loc.name} ({loc.code})" for loc in report.locations)


def sections(report: Report) -> list[Section]:
    """Every section of the quantitative part, in report order: the summary first (when the
    report has one)."""
    opening = summary.present(report)
    return [
        *([opening] if opening is not None else []),
        *floor.present(report),
        flags.present(report),
        incidents.present(report),
        cases.present(report),
        Section(
            "ouders",
            _("Samenwerking met ouders"),
            tables=[calls.table(report), visits.table(report)],
        ),
        detention.present(report),
        absence.present(report),
        outcome.present(report),
        comparison.present(report),
        climate.present(report),
    ]


def tables(report: Report) -> dict[str, Table]:
    """Every table by its CSV name (the observations included)."""
    result = {t.name: t for s in sections(report) for t in s.tables}
    result["observaties"] = observations.table(report)
    return result
