"""The pulse (leerlingpeiling) results and the climate checks per location."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _

from app.core.schoolcalendar import SchoolCalendar
from app.core.vocabulary import ClimateRating
from app.models import Location
from app.pulse.rules import MIN_GROUP_SIZE
from app.pulse.services import climate_trend, pulse_results
from app.reports import rules
from app.reports.layout import Section, Table
from app.reports.model import ClimateFigure, PulseFigure, PulseStatementRow, Report
from app.reports.numbers import short_day


def figures(
    locations: Sequence[Location], start: date, end: date, calendar: SchoolCalendar, today: date
) -> tuple[list[PulseFigure], list[ClimateFigure]]:
    pulse: list[PulseFigure] = []
    climate: list[ClimateFigure] = []
    school_days = calendar.school_days_between(start, end)
    for location in locations:
        for result in pulse_results(location, start, end, today=today):
            pulse.append(
                PulseFigure(
                    location=location.code,
                    starts_on=result.peiling.starts_on,
                    ends_on=result.peiling.ends_on,
                    shown=result.shown,
                    respondents_enough=result.respondents >= MIN_GROUP_SIZE,
                    rows=[
                        PulseStatementRow(statement.short, tally.percent_agreeing, tally.n)
                        for statement, tally in result.rows()
                    ],
                )
            )
        trend = climate_trend(location, start, end, school_weeks=school_days or None)
        total = trend.total
        climate.append(ClimateFigure(location.code, total.rustig, total.wisselend, total.onrustig))
    return pulse, climate


def present(report: Report) -> Section:
    pulse_rows = []
    for figure in report.pulse:
        period = f"{short_day(figure.starts_on)} – {short_day(figure.ends_on)}"
        if figure.shown:
            for row in figure.rows:
                percent = f"{row.percent}%" if row.percent is not None else "–"
                pulse_rows.append(
                    [figure.location, period, str(row.statement), percent, str(row.n)]
                )
        else:
            reason = (
                _("nog niet afgelopen")
                if figure.respondents_enough
                else _("minder dan 10 antwoorden: niet getoond")
            )
            pulse_rows.append([figure.location, period, reason, "–", "–"])
    climate_rows = [
        [
            c.location,
            str(c.rustig),
            str(c.wisselend),
            str(c.onrustig),
            f"{rules.share(c.rustig, c.total)}%" if c.total else "–",
        ]
        for c in report.climate
    ]
    return Section(
        "klimaat",
        _("Klimaat en leerlingpeiling"),
        _(
            "Resultaten van een leerlingpeiling staan er alleen bij als de peiling is afgelopen "
            "en minstens 10 leerlingen antwoordden."
        ),
        tables=[
            Table(
                "peiling",
                _("Leerlingpeiling: aandeel (helemaal) eens"),
                [_("Locatie"), _("Periode"), _("Stelling"), _("Eens"), _("Antwoorden")],
                pulse_rows,
                numeric_from=3,
            ),
            Table(
                "klimaat",
                _("Klimaatcheck per locatie"),
                [
                    _("Locatie"),
                    *(rating.label.capitalize() for rating in ClimateRating),
                    _("Aandeel rustig"),
                ],
                climate_rows,
            ),
        ],
    )
