"""Geometry of the results page's server-rendered SVG charts (pure Python).

The templates draw what these functions compute; colours and fonts live in
static/css/pulse.css (the CSP allows no inline style), so the charts carry only coordinates,
class names and text. Every chart also has its numbers in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from app.core.vocabulary import ClimateRating

# -- share agreeing per statement: horizontal bars -------------------------------------------

BARS_WIDTH = 400
BARS_RIGHT = 52
BARS_ROW = 50
BARS_TOP = 22
BARS_BAR = 20


@dataclass(frozen=True)
class HBar:
    label: str
    label_y: float
    y: float
    width: float
    percent: int
    text_x: float
    text_y: float
    title: str


@dataclass
class AgreementChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    top: int
    bottom: int
    bars: list[HBar] = field(default_factory=list)
    grid: list[tuple[float, str]] = field(default_factory=list)


def agreement_chart(rows: Sequence[tuple[str, int, str]]) -> AgreementChart:
    """Bars for (label, percent agreeing 0–100, tooltip) rows; each label sits above its bar,
    so the chart stays legible when a phone scales it down."""
    plot_left, plot_right = 14, BARS_WIDTH - BARS_RIGHT
    span = plot_right - plot_left
    height = BARS_TOP + BARS_ROW * len(rows) + 4
    chart = AgreementChart(
        width=BARS_WIDTH,
        height=height,
        plot_left=plot_left,
        plot_right=plot_right,
        top=BARS_TOP - 4,
        bottom=height - 4,
    )
    chart.grid = [(round(plot_left + span * p / 100, 1), f"{p}%") for p in (0, 25, 50, 75, 100)]
    for i, (label, percent, title) in enumerate(rows):
        row_top = BARS_TOP + i * BARS_ROW
        y = row_top + BARS_ROW - BARS_BAR - 6
        width = round(span * max(0, min(percent, 100)) / 100, 1)
        chart.bars.append(
            HBar(
                label=label,
                label_y=y - 5,
                y=y,
                width=width,
                percent=percent,
                text_x=round(plot_left + width + 6, 1),
                text_y=round(y + BARS_BAR / 2 + 5, 1),
                title=title,
            )
        )
    return chart


# -- share agreeing over peilingen: one small line chart per statement -----------------------

TREND_WIDTH = 320
TREND_HEIGHT = 150
TREND_LEFT = 40
TREND_RIGHT = 16
TREND_TOP = 12
TREND_BOTTOM = 28


@dataclass(frozen=True)
class TrendPoint:
    x: float
    y: float | None  # None: no result shown for this peiling (too few answers, or still open)
    label: str
    title: str


@dataclass
class TrendChart:
    width: int = TREND_WIDTH
    height: int = TREND_HEIGHT
    plot_left: int = TREND_LEFT
    plot_right: int = TREND_WIDTH - TREND_RIGHT
    top: int = TREND_TOP
    baseline: int = TREND_HEIGHT - TREND_BOTTOM
    points: list[TrendPoint] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # polyline point lists, one per unbroken run
    grid: list[tuple[float, str]] = field(default_factory=list)


def trend_chart(values: Sequence[tuple[str, int | None, str]]) -> TrendChart:
    """Points for (peiling label, percent agreeing or None, tooltip); gaps where None."""
    chart = TrendChart()
    plot_height = chart.baseline - chart.top

    def y_of(percent: int) -> float:
        return round(chart.baseline - plot_height * percent / 100, 1)

    chart.grid = [(y_of(p), f"{p}%") for p in (0, 50, 100)]
    count = len(values)
    span = chart.plot_right - chart.plot_left
    run: list[str] = []
    for i, (label, percent, title) in enumerate(values):
        x = round(chart.plot_left + (span * (i + 0.5) / count), 1)
        y = y_of(percent) if percent is not None else None
        chart.points.append(TrendPoint(x=x, y=y, label=label, title=title))
        if y is None:
            if len(run) > 1:
                chart.lines.append(" ".join(run))
            run = []
        else:
            run.append(f"{x},{y}")
    if len(run) > 1:
        chart.lines.append(" ".join(run))
    return chart


# -- climate check: zone × week grid of stacked bars -----------------------------------------

GRID_LABEL = 140
GRID_LABEL_CHARS = 17
GRID_CELL_W = 44
GRID_CELL_H = 44
GRID_HEADER = 28
GRID_BAR_W = 26
GRID_BAR_MAX = 34
# The stacked bars of a zone grid cell, bottom to top: the vocabulary's order.
RATING_ORDER = ClimateRating.values()


@dataclass(frozen=True)
class Segment:
    rating: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class GridCell:
    x: float
    y: float
    total: int
    segments: tuple[Segment, ...]
    title: str


@dataclass
class ClimateGrid:
    width: int
    height: int
    columns: list[tuple[float, str]] = field(default_factory=list)  # (x centre, week label)
    rows: list[tuple[float, str]] = field(default_factory=list)  # (y baseline of label, zone)
    cells: list[GridCell] = field(default_factory=list)
    row_lines: list[float] = field(default_factory=list)


def climate_grid(
    weeks: Sequence[tuple[date, str]],
    zones: Sequence[str],
    counts: Sequence[Sequence[tuple[int, int, int]]],
    titles: Sequence[Sequence[str]],
) -> ClimateGrid:
    """A grid: a row per zone, a column per week, in each cell a bar of rustig / wisselend /
    onrustig stacked bottom to top, its height the number of checks (scaled to the busiest
    cell). ``counts[row][column]`` is (rustig, wisselend, onrustig)."""
    width = GRID_LABEL + GRID_CELL_W * max(1, len(weeks)) + 8
    height = GRID_HEADER + GRID_CELL_H * max(1, len(zones)) + 4
    grid = ClimateGrid(width=width, height=height)
    busiest = max((sum(c) for row in counts for c in row), default=0) or 1
    for column, (_monday, label) in enumerate(weeks):
        grid.columns.append((GRID_LABEL + GRID_CELL_W * column + GRID_CELL_W / 2, label))
    for row, zone in enumerate(zones):
        top = GRID_HEADER + GRID_CELL_H * row
        bottom = top + GRID_CELL_H - 5
        label = zone if len(zone) <= GRID_LABEL_CHARS else zone[: GRID_LABEL_CHARS - 1] + "…"
        grid.rows.append((bottom - GRID_CELL_H / 2 + 8, label))
        grid.row_lines.append(top + GRID_CELL_H)
        for column in range(len(weeks)):
            values = counts[row][column]
            x = GRID_LABEL + GRID_CELL_W * column + (GRID_CELL_W - GRID_BAR_W) / 2
            segments = []
            y = float(bottom)
            for rating, value in zip(RATING_ORDER, values, strict=True):
                if value <= 0:
                    continue
                h = round(GRID_BAR_MAX * value / busiest, 1)
                y = round(y - h, 1)
                segments.append(Segment(rating, x, y, GRID_BAR_W, h))
            grid.cells.append(
                GridCell(
                    x=x,
                    y=bottom,
                    total=sum(values),
                    segments=tuple(segments),
                    title=titles[row][column],
                )
            )
    return grid
