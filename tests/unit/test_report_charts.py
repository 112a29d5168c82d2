"""Geometry of the report's SVG charts: scaled bars, and no bar for a suppressed count."""

from __future__ import annotations

import pytest

from app.reports.charts import bar_chart, column_chart, nice_max


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (3, 5), (7, 10), (11, 20), (24, 25), (140, 200), (301, 500)]
)
def test_nice_max(value: float, top: float) -> None:
    assert nice_max(value) == top


def test_columns_scale_to_the_largest_value_and_suppressed_values_get_no_height() -> None:
    chart = column_chart(
        [("ma", 10.0, "10"), ("di", 5.0, "5"), ("wo", None, "<5")],
        title="Per dag",
        description="ma: 10; di: 5; wo: <5",
    )
    tall, half, hidden = chart.columns
    plot = chart.baseline - chart.top
    assert tall.height == plot and tall.y == chart.top
    assert half.height == round(plot / 2, 1)
    assert hidden.height == 0 and hidden.suppressed and hidden.value_text == "<5"
    assert hidden.title == "wo: <5"
    assert [t[1] for t in chart.ticks] == ["0", "5", "10"]


def test_many_columns_label_only_some() -> None:
    chart = column_chart(
        [(f"wk {i}", float(i), str(i)) for i in range(40)], title="t", description="d"
    )
    assert sum(c.show_label for c in chart.columns) <= 12
    assert not chart.show_values


def test_bars() -> None:
    chart = bar_chart(
        [("Contacten", 20.0, "20"), ("Vlaggen", 0.0, "0"), ("Casussen", None, "<5")],
        title="t",
        description="d",
    )
    assert chart.height == 3 * 26 + 8
    first, zero, hidden = chart.bars
    assert first.width == chart.plot_right - chart.plot_left
    assert zero.width == 0 and hidden.width == 0 and hidden.value_text == "<5"
