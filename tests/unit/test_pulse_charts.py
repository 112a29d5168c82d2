"""Geometry of the results charts, and the questionnaire itself."""

from datetime import date

from app.pulse.charts import agreement_chart, climate_grid, trend_chart
from app.pulse.statements import CURRENT_QUESTIONNAIRE, QUESTIONNAIRES, SCALE, statements_for


def test_agreement_bars_scale_to_the_plot() -> None:
    chart = agreement_chart([("a", 0, "t"), ("b", 50, "t"), ("c", 100, "t")])
    span = chart.plot_right - chart.plot_left
    assert [bar.width for bar in chart.bars] == [0, span / 2, span]
    assert [bar.percent for bar in chart.bars] == [0, 50, 100]
    assert chart.bars[0].y < chart.bars[1].y < chart.bars[2].y < chart.height
    assert [label for _, label in chart.grid] == ["0%", "25%", "50%", "75%", "100%"]


def test_trend_lines_break_where_a_result_is_missing() -> None:
    chart = trend_chart(
        [("a", 40, ""), ("b", 60, ""), ("c", None, ""), ("d", 50, ""), ("e", 70, "")]
    )
    assert [p.y is None for p in chart.points] == [False, False, True, False, False]
    assert len(chart.lines) == 2
    assert all(len(line.split()) == 2 for line in chart.lines)
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs)
    top = next(p for p in chart.points if p.label == "e")
    bottom = next(p for p in chart.points if p.label == "a")
    assert top.y is not None and bottom.y is not None and top.y < bottom.y  # higher is up


def test_a_single_point_has_no_line() -> None:
    chart = trend_chart([("a", 40, "")])
    assert chart.lines == [] and len(chart.points) == 1


def test_climate_grid_stacks_rustig_wisselend_onrustig_bottom_up() -> None:
    weeks = [(date(2026, 11, 2), "wk 45"), (date(2026, 11, 9), "wk 46")]
    counts = [[(2, 1, 1), (0, 0, 0)], [(0, 0, 4), (1, 0, 0)]]
    titles = [["a1", "a2"], ["b1", "b2"]]
    grid = climate_grid(weeks, ["aula", "gang"], counts, titles)
    assert len(grid.cells) == 4 and [c.title for c in grid.cells] == ["a1", "a2", "b1", "b2"]
    first = grid.cells[0]
    assert [s.rating for s in first.segments] == ["rustig", "wisselend", "onrustig"]
    assert first.segments[0].y > first.segments[1].y > first.segments[2].y
    # The busiest cells (4 checks) are equally tall; heights are proportional.
    heights = [sum(s.height for s in c.segments) for c in grid.cells]
    assert heights[0] == heights[2] and heights[1] == 0
    assert abs(heights[3] * 4 - heights[0]) < 0.5
    assert grid.width > 2 * 40 and len(grid.columns) == 2 and len(grid.rows) == 2


def test_the_questionnaire_is_short_and_on_a_five_point_scale() -> None:
    statements = statements_for(CURRENT_QUESTIONNAIRE)
    assert 4 <= len(statements) <= 6
    assert len({s.key for s in statements}) == len(statements)
    assert all(len(s.key) <= 32 for q in QUESTIONNAIRES.values() for s in q)
    assert {s.theme for s in statements} == {"veiligheid", "erbij horen", "volwassene"}
    assert [value for value, _label in SCALE] == [1, 2, 3, 4, 5]
    # Plain language: short sentences.
    assert all(len(str(s.text).split()) <= 16 for s in statements)


def test_long_zone_names_are_shortened_in_the_chart_only() -> None:
    grid = climate_grid(
        [(date(2026, 11, 2), "wk 45")], ["buiten school / wijk"], [[(1, 0, 0)]], [["t"]]
    )
    assert grid.rows[0][1] == "buiten school / …"
