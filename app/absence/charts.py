"""Geometry of the server-rendered SVG bar chart on the student page (pure Python).

The template draws what this computes; all styling is in static/css/absence.css (the CSP
allows no inline style), so the chart has only coordinates and class names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.core.localtime import week_label

WIDTH = 640
HEIGHT = 220
MARGIN_LEFT = 36
MARGIN_RIGHT = 8
MARGIN_TOP = 12
MARGIN_BOTTOM = 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    over: bool
    label: str  # week, shown under some bars
    show_label: bool
    value: float
    monday: date


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass
class BarChart:
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    threshold_y: float | None = None
    baseline_y: float = HEIGHT - MARGIN_BOTTOM
    plot_left: float = MARGIN_LEFT
    plot_right: float = WIDTH - MARGIN_RIGHT


def _nice_max(value: float) -> float:
    for step in (4, 8, 12, 16, 20, 24, 32, 40, 48, 64, 80, 100, 120, 160, 200):
        if value <= step:
            return float(step)
    return float(int(value / 50 + 1) * 50)


def bar_chart(points: list[tuple[date, float]], threshold: float | None) -> BarChart:
    """Bars for (week, hours) points, scaled so the threshold line (if any) is always on the
    chart."""
    chart = BarChart()
    reference = [threshold * 1.25] if threshold is not None else [4.0]
    top = _nice_max(max([*reference, *(v for _, v in points)]))
    plot_height = chart.baseline_y - MARGIN_TOP

    def y_of(value: float) -> float:
        return round(chart.baseline_y - plot_height * value / top, 1)

    chart.threshold_y = y_of(threshold) if threshold is not None else None
    marks = {0.0, top} | ({threshold} if threshold is not None else set())
    chart.ticks = [Tick(y_of(v), f"{v:g}") for v in sorted(marks)]
    if not points:
        return chart
    slot = (chart.plot_right - chart.plot_left) / len(points)
    label_every = max(1, round(len(points) / 10))
    for i, (monday, value) in enumerate(points):
        height = round(plot_height * value / top, 1)
        chart.bars.append(
            Bar(
                x=round(chart.plot_left + i * slot + slot * 0.15, 1),
                y=round(chart.baseline_y - height, 1),
                width=round(slot * 0.7, 1),
                height=height,
                over=threshold is not None and value >= threshold,
                label=week_label(monday),
                show_label=(len(points) - 1 - i) % label_every == 0,
                value=value,
                monday=monday,
            )
        )
    return chart
