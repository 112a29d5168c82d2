"""The pulse (leerlingpeiling) results and the climate checks per location."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.core.schoolcalendar import SchoolCalendar
from app.models import Location
from app.pulse.rules import MIN_GROUP_SIZE
from app.pulse.services import climate_trend, pulse_results
from app.reports.model import ClimateFigure, PulseFigure, PulseStatementRow


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
