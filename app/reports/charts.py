"""Geometry of the report's server-rendered SVG charts (pure Python).

The templates draw what these functions compute, with class names for the page's stylesheet
and plain presentation attributes (``fill``) so the PDF renderer draws the same colours; the
CSP allows no inline style, and none is used. Every chart has a title and a description for
screen readers, and its numbers in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.reports.numbers import number

COLUMN_WIDTH = 640
COLUMN_HEIGHT = 220
LEFT = 44
RIGHT = 8
TOP = 14
BOTTOM = 30


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    label: str
    show_label: bool
    value_text: str  # shown above the bar ("<5" for a suppressed count)
    title: str  # tooltip: label and value
    suppressed: bool = False

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass
class ColumnChart:
    title: str
    description: str
    width: int = COLUMN_WIDTH
    height: int = COLUMN_HEIGHT
    plot_left: float = LEFT
    plot_right: float = COLUMN_WIDTH - RIGHT
    baseline: float = COLUMN_HEIGHT - BOTTOM
    top: float = TOP
    columns: list[Column] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    show_values: bool = True


def nice_max(value: float) -> float:
    """The smallest of 1, 2, 5 × 10^n at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1.0
    magnitude = 1.0
    while magnitude * 10 < value:
        magnitude *= 10
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _number(value: float) -> str:
    return number(value, 0 if value == int(value) else 1)


def described(rows: Sequence[tuple[str, float | None, str]]) -> str:
    """What a chart shows, for screen readers: "label: value text; …"."""
    return "; ".join(f"{label}: {text}" for label, _v, text in rows)


def column_chart(
    points: Sequence[tuple[str, float | None, str]],
    *,
    title: str,
    description: str | None = None,
    max_labels: int = 12,
) -> ColumnChart:
    """Vertical bars for (label, value, value text) points. A value of None draws no bar and
    shows its text (e.g. "<5") at the baseline: a suppressed count never gets a height. The
    description defaults to the points as text."""
    chart = ColumnChart(
        title=title, description=described(points) if description is None else description
    )
    top_value = nice_max(max([v for _l, v, _t in points if v is not None] or [0]))
    plot_height = chart.baseline - chart.top

    def y_of(value: float) -> float:
        return round(chart.baseline - plot_height * value / top_value, 1)

    chart.ticks = [(y_of(v), _number(v)) for v in (0, top_value / 2, top_value)]
    if not points:
        return chart
    chart.show_values = len(points) <= 16
    slot = (chart.plot_right - chart.plot_left) / len(points)
    every = max(1, -(-len(points) // max_labels))
    for i, (label, value, text) in enumerate(points):
        height = 0.0 if value is None else round(plot_height * value / top_value, 1)
        chart.columns.append(
            Column(
                x=round(chart.plot_left + i * slot + slot * 0.15, 1),
                y=round(chart.baseline - height, 1),
                width=round(slot * 0.7, 1),
                height=height,
                label=label,
                show_label=i % every == 0,
                value_text=text,
                title=f"{label}: {text}",
                suppressed=value is None,
            )
        )
    return chart


BAR_WIDTH = 640
BAR_LABEL = 150
BAR_ROW = 26
BAR_RIGHT = 60


@dataclass(frozen=True)
class HBar:
    y: float
    width: float
    label: str
    value_text: str
    text_x: float
    title: str


@dataclass
class BarChart:
    title: str
    description: str
    width: int = BAR_WIDTH
    height: int = 0
    plot_left: float = BAR_LABEL
    plot_right: float = BAR_WIDTH - BAR_RIGHT
    bars: list[HBar] = field(default_factory=list)


def bar_chart(
    rows: Sequence[tuple[str, float | None, str]], *, title: str, description: str | None = None
) -> BarChart:
    """Horizontal bars for (label, value, value text) rows, label on the left; the description
    defaults to the rows as text."""
    chart = BarChart(
        title=title,
        description=described(rows) if description is None else description,
        height=BAR_ROW * len(rows) + 8,
    )
    top_value = nice_max(max([v for _l, v, _t in rows if v is not None] or [0]))
    span = chart.plot_right - chart.plot_left
    for i, (label, value, text) in enumerate(rows):
        width = 0.0 if value is None else round(span * value / top_value, 1)
        chart.bars.append(
            HBar(
                y=4 + i * BAR_ROW,
                width=width,
                label=label if len(label) <= 22 else label[:21] + "…",
                value_text=text,
                text_x=round(chart.plot_left + width + 6, 1),
                title=f"{label}: {text}",
            )
        )
    return chart
