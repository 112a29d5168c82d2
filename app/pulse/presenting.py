"""From results to what the page shows: labels, chart geometry and table rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

from app.core.localtime import week_label
from app.core.vocabulary import ClimateRating
from app.models import Peiling
from app.pulse.charts import (
    AgreementChart,
    ClimateGrid,
    TrendChart,
    agreement_chart,
    climate_grid,
    trend_chart,
)
from app.pulse.rules import MIN_GROUP_SIZE, Phase
from app.pulse.services import ClimateTrend, PeilingResult
from app.pulse.statements import Statement


def phase_label(current: Phase) -> str:
    labels = {
        Phase.UPCOMING: _("nog niet begonnen"),
        Phase.OPEN: _("open"),
        Phase.ENDED: _("afgelopen"),
        Phase.CLOSED: _("gesloten"),
    }
    return labels[current]


def period_label(peiling: Peiling) -> str:
    """``2 – 13 november 2026``."""
    if peiling.starts_on.year == peiling.ends_on.year:
        start = format_date(peiling.starts_on, "d MMMM")
    else:
        start = format_date(peiling.starts_on, "d MMMM yyyy")
    return f"{start} – {format_date(peiling.ends_on, 'd MMMM yyyy')}"


def start_label(peiling: Peiling) -> str:
    """``12 okt. 2026``: the first day, where a whole period takes too much room."""
    return format_date(peiling.starts_on, "d MMM yyyy")


def short_period_label(peiling: Peiling) -> str:
    """``nov 2026``: under a point of the trend chart."""
    return format_date(peiling.starts_on, "MMM yyyy")


def withheld_reason(result: PeilingResult) -> str:
    """Why a peiling's results are not shown (empty when they are)."""
    if result.shown:
        return ""
    if result.phase in (Phase.UPCOMING, Phase.OPEN):
        return _(
            "De resultaten verschijnen als de peiling is afgelopen of gesloten "
            "(tot nu toe %(count)s antwoorden).",
            count=result.respondents,
        )
    return _(
        "Te weinig antwoorden om resultaten te tonen: %(count)s van de minimaal %(minimum)s. "
        "Zo blijft anoniem wat één leerling heeft geantwoord.",
        count=result.respondents,
        minimum=MIN_GROUP_SIZE,
    )


@dataclass
class AgreementFigure:
    chart: AgreementChart
    rows: list[tuple[Statement, Any]]  # (statement, tally)
    title: str
    description: str


def agreement_figure(result: PeilingResult) -> AgreementFigure | None:
    if not result.shown:
        return None
    rows = result.rows()
    chart = agreement_chart(
        [
            (
                str(statement.short),
                tally.percent_agreeing or 0,
                _(
                    "%(statement)s: %(percent)s%% eens (%(agreeing)s van %(n)s)",
                    statement=statement.short,
                    percent=tally.percent_agreeing,
                    agreeing=tally.agreeing,
                    n=tally.n,
                ),
            )
            for statement, tally in rows
        ]
    )
    description = "; ".join(
        f"{statement.short}: {tally.percent_agreeing}%" for statement, tally in rows
    )
    return AgreementFigure(
        chart=chart,
        rows=rows,
        title=_(
            "Aandeel leerlingen dat het (helemaal) eens is, peiling %(period)s, %(n)s leerlingen",
            period=period_label(result.peiling),
            n=result.respondents,
        ),
        description=description,
    )


@dataclass
class TrendFigure:
    statement: Statement
    chart: TrendChart
    title: str
    description: str


def trend_figures(results: Sequence[PeilingResult]) -> list[TrendFigure]:
    """One small chart per statement over the peilingen (oldest first); empty when fewer than
    two peilingen have results to show."""
    if sum(1 for r in results if r.shown) < 2:
        return []
    statements: list[Statement] = []
    for result in results:
        for statement in result.statements:
            if statement.key not in {s.key for s in statements}:
                statements.append(statement)
    figures = []
    for statement in statements:
        values = []
        described = []
        for result in results:
            tally = result.tallies.get(statement.key)
            percent = tally.percent_agreeing if tally is not None else None
            label = short_period_label(result.peiling)
            if percent is None:
                title = _("%(period)s: geen resultaat", period=period_label(result.peiling))
            else:
                title = _(
                    "%(period)s: %(percent)s%% eens (n = %(n)s)",
                    period=period_label(result.peiling),
                    percent=percent,
                    n=tally.n if tally else 0,
                )
                described.append(f"{label} {percent}%")
            values.append((label, percent, title))
        figures.append(
            TrendFigure(
                statement=statement,
                chart=trend_chart(values),
                title=_("Trend: %(statement)s", statement=statement.short),
                description="; ".join(described),
            )
        )
    return figures


@dataclass
class ClimateFigure:
    trend: ClimateTrend
    grid: ClimateGrid
    weeks: list[tuple[Any, str]]
    title: str
    description: str


def climate_figure(trend: ClimateTrend, location_name: str) -> ClimateFigure:
    weeks = [(monday, week_label(monday)) for monday in trend.weeks]
    rating_labels = {
        ClimateRating.RUSTIG: _("rustig"),
        ClimateRating.WISSELEND: _("wisselend"),
        ClimateRating.ONRUSTIG: _("onrustig"),
    }
    counts = []
    titles = []
    for zone in trend.zones:
        row_counts = []
        row_titles = []
        for monday, label in weeks:
            cell = trend.cell(zone.id, monday)
            row_counts.append((cell.rustig, cell.wisselend, cell.onrustig))
            row_titles.append(
                f"{zone.name}, {label} ({format_date(monday, 'd MMM')}): "
                + ", ".join(f"{cell.get(r)} {rating_labels[r]}" for r in ClimateRating)
            )
        counts.append(row_counts)
        titles.append(row_titles)
    total = trend.total
    return ClimateFigure(
        trend=trend,
        grid=climate_grid(weeks, [z.name for z in trend.zones], counts, titles),
        weeks=weeks,
        title=_(
            "Klimaatcheck per zone en week, %(location)s, %(start)s – %(end)s",
            location=location_name,
            start=format_date(trend.start, "d MMM yyyy"),
            end=format_date(trend.end, "d MMM yyyy"),
        ),
        description=_(
            "%(total)s klimaatchecks: %(rustig)s rustig, %(wisselend)s wisselend, "
            "%(onrustig)s onrustig.",
            total=total.total,
            rustig=total.rustig,
            wisselend=total.wisselend,
            onrustig=total.onrustig,
        ),
    )
