"""The QPainter charts: scale arithmetic on its own, then real widgets rendered offscreen."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QImage

from relocation_desk.gui.dashboard import chart_scale as cs

# --- scale arithmetic (no Qt) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "step"),
    [
        (0.2, 1),
        (1, 1),
        (1.01, 2),
        (2, 2),
        (3, 5),
        (5, 5),
        (6, 10),
        (13, 20),
        (240, 500),
        (2001, 5000),
    ],
)
def test_nice_step_is_1_2_or_5_times_a_power_of_ten(raw: float, step: int) -> None:
    assert cs.nice_step(raw) == step


@pytest.mark.parametrize(
    ("top", "max_ticks", "expected"),
    [
        (0, 5, [0, 1]),
        (-3, 5, [0, 1]),
        (1, 5, [0, 1]),
        (3, 5, [0, 1, 2, 3]),
        (7, 5, [0, 2, 4, 6, 8]),
        (10, 5, [0, 2, 4, 6, 8, 10]),
        (12_819, 5, [0, 5000, 10_000, 15_000]),
        (100_000, 4, [0, 50_000, 100_000]),
        (99, 10, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]),
    ],
)
def test_int_ticks_start_at_zero_and_cover_the_top(
    top: int, max_ticks: int, expected: list[int]
) -> None:
    assert cs.int_ticks(top, max_ticks) == expected


@pytest.mark.parametrize("top", [1, 2, 9, 11, 37, 101, 999, 1234, 65_432, 1_000_001])
@pytest.mark.parametrize("max_ticks", [1, 2, 3, 5, 8])
def test_int_ticks_properties(top: int, max_ticks: int) -> None:
    ticks = cs.int_ticks(top, max_ticks)
    step = ticks[1] - ticks[0]
    assert ticks[0] == 0 and ticks[-1] >= top and ticks[-2] < top
    assert len(ticks) - 1 <= max_ticks
    assert all(b - a == step for a, b in itertools.pairwise(ticks))
    assert str(step).strip("0") in {"1", "2", "5"}


def test_date_ticks_daily_weekly_and_monthly() -> None:
    start = date(2026, 11, 17)
    assert cs.date_ticks(start, start + timedelta(days=4), 8) == [
        start + timedelta(days=i) for i in range(5)
    ]
    # Five weeks: every other day is too many, so Mondays.
    ticks = cs.date_ticks(date(2026, 10, 21), date(2026, 11, 23), 6)
    assert ticks == [
        date(2026, 10, 26),
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 23),
    ]
    assert all(t.weekday() == 0 for t in ticks)
    # Two years: quarter starts.
    ticks = cs.date_ticks(date(2025, 2, 10), date(2027, 1, 5), 8)
    assert ticks == [date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1), date(2026, 1, 1),
                     date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1), date(2027, 1, 1)]  # fmt: skip
    # One day, and reversed bounds.
    assert cs.date_ticks(start, start, 5) == [start]
    assert cs.date_ticks(start + timedelta(days=2), start, 5) == [
        start + timedelta(days=i) for i in range(3)
    ]


@pytest.mark.parametrize("days", [0, 1, 6, 13, 30, 45, 90, 200, 400, 800, 3000])
@pytest.mark.parametrize("max_ticks", [2, 4, 7, 12])
def test_date_ticks_stay_inside_and_under_the_limit(days: int, max_ticks: int) -> None:
    start = date(2026, 3, 14)
    end = start + timedelta(days=days)
    ticks = cs.date_ticks(start, end, max_ticks)
    assert 1 <= len(ticks) <= max_ticks
    assert all(start <= t <= end for t in ticks)
    assert ticks == sorted(set(ticks))


def test_date_labels() -> None:
    daily = [date(2026, 11, 16), date(2026, 11, 23)]
    assert cs.date_tick_label(daily[0], daily) == "11-16"
    monthly = [date(2026, 10, 1), date(2026, 11, 1)]
    assert cs.date_tick_label(monthly[1], monthly) == "2026-11"
    across = [date(2026, 12, 28), date(2027, 1, 4)]
    assert cs.date_tick_label(across[1], across) == "27-01-04"


def test_positions_and_nearest_index() -> None:
    start, end = date(2026, 11, 1), date(2026, 11, 11)
    assert cs.date_position(start, start, end, 100, 200) == 100
    assert cs.date_position(date(2026, 11, 6), start, end, 100, 200) == 150
    assert cs.date_position(start, start, start, 100, 200) == 150
    xs = [100.0, 110.0, 120.0, 130.0]
    assert [cs.nearest_index(x, xs) for x in (0, 104, 106, 125.1, 500)] == [0, 0, 1, 3, 3]
    assert cs.nearest_index(5, []) == -1


def test_number_labels() -> None:
    assert cs.compact_count(950) == "950"
    assert cs.compact_count(9_999) == "9,999"
    assert cs.compact_count(12_000) == "1.2万"
    assert cs.compact_count(10_000) == "1万"
    assert cs.compact_count(1_500_000) == "150万"
    assert cs.format_percent(cs.percent(1, 3)) == "33.3%"
    assert cs.percent(5, 0) == 0.0


def test_hover_lines_give_the_day_values_and_changes() -> None:
    lines = cs.hover_lines(date(2026, 11, 23), ["已签约", "已支付"], [1234, 50], [1200, 50], "户")
    assert lines == ["2026-11-23（周一）", "已签约  1,234 户（当日 +34）", "已支付  50 户"]
    first = cs.hover_lines(date(2026, 11, 22), ["已签约"], [7], None, "")
    assert first == ["2026-11-22（周日）", "已签约  7"]


# --- widgets ------------------------------------------------------------------------------------


def _render(widget, width: int, height: int) -> QImage:
    widget.resize(width, height)
    return widget.grab().toImage()


def _colour_count(image: QImage, colour: str, *, tolerance: int = 12) -> int:
    """Pixels close to ``colour`` (sampled every 2 pixels)."""
    target = QColor(colour)
    n = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if (
                abs(c.red() - target.red()) <= tolerance
                and abs(c.green() - target.green()) <= tolerance
                and abs(c.blue() - target.blue()) <= tolerance
            ):
                n += 1
    return n


@pytest.fixture
def app(qapp):
    from relocation_desk.gui.app import make_app

    return make_app()


def _trend(days: int = 30):
    from relocation_desk.gui.dashboard import charts

    dates = [date(2026, 10, 25) + timedelta(days=i) for i in range(days)]
    signed = tuple(10 * i for i in range(days))
    paid = tuple(6 * i for i in range(days))
    vacated = tuple(3 * i for i in range(days))
    return dates, [
        charts.Series("已签约", signed, charts.BLUE),
        charts.Series("已支付", paid, charts.ORANGE),
        charts.Series("已腾房", vacated, charts.GREEN),
    ]


@pytest.mark.gui
def test_line_chart_draws_every_series(app, qtbot) -> None:
    from relocation_desk.gui.dashboard import charts

    chart = charts.LineChart(unit="户")
    qtbot.addWidget(chart)
    days, series = _trend()
    chart.set_data(days, series)
    image = _render(chart, 700, 320)
    for colour in (charts.BLUE, charts.ORANGE, charts.GREEN):
        assert _colour_count(image, colour) > 50, colour


@pytest.mark.gui
def test_line_chart_without_data_says_so(app, qtbot) -> None:
    from relocation_desk.gui.dashboard import charts

    chart = charts.LineChart()
    qtbot.addWidget(chart)
    blank = _render(chart, 400, 200)
    assert _colour_count(blank, charts.BLUE) == 0
    # The "暂无数据" text is drawn: the image is not a flat background.
    background = blank.pixelColor(1, 1)
    assert any(
        blank.pixelColor(x, y) != background for y in range(80, 120) for x in range(150, 250)
    )
    assert charts.no_data_text() == "暂无数据"
    with pytest.raises(ValueError, match="series"):
        chart.set_data([date(2026, 1, 1)], [charts.Series("x", (1, 2), charts.BLUE)])


@pytest.mark.gui
def test_line_chart_hover_shows_the_days_values(app, qtbot) -> None:
    from relocation_desk.gui.dashboard import charts

    chart = charts.LineChart(unit="户")
    qtbot.addWidget(chart)
    days, series = _trend()
    chart.set_data(days, series)
    chart.resize(700, 320)
    chart.show()
    qtbot.waitExposed(chart)
    before = chart.grab().toImage()
    plot = chart._plot_rect()
    x = plot.left() + plot.width() * 10 / 29  # the 11th day
    qtbot.mouseMove(chart, QPoint(round(x), round(plot.center().y())))
    qtbot.waitUntil(lambda: chart.hover_index == 10)
    assert chart.hover_text() == (
        "2026-11-04（周三）\n已签约  100 户（当日 +10）\n已支付  60 户（当日 +6）\n已腾房  30 户（当日 +3）"
    )
    after = chart.grab().toImage()
    assert after != before  # the guide line, dots and box are drawn
    chart.set_hover(-1)
    assert chart.hover_text() == ""
    assert chart.index_at(plot.right() + 200) == -1


@pytest.mark.gui
def test_bar_chart_draws_bars_and_highlights_a_row(app, qtbot) -> None:
    from relocation_desk.gui.dashboard import charts

    chart = charts.BarChart(unit="户")
    qtbot.addWidget(chart)
    rows = [
        charts.BarRow("a", "第一工作组", (80, 50, 20), 100, "80/100 户"),
        charts.BarRow("b", "第二工作组", (40, 10, 0), 100, "40/100 户"),
        charts.BarRow("c", "第三工作组", (0, 0, 0), 0, ""),
    ]
    chart.set_data(rows, ["已签约", "已支付", "已腾房"], [charts.BLUE, charts.ORANGE, charts.GREEN])
    plain = _render(chart, 520, chart.sizeHint().height())
    assert _colour_count(plain, charts.BLUE) > 30
    assert _colour_count(plain, charts.GREEN) > 10
    assert _colour_count(plain, charts.HIGHLIGHT.name()) == 0
    chart.set_highlight("b")
    assert chart.highlighted_row() == 1
    marked = _render(chart, 520, chart.sizeHint().height())
    band = chart.row_rect(1)
    assert marked.pixelColor(int(band.right()) - 3, int(band.top()) + 3) == charts.HIGHLIGHT
    assert (
        marked.pixelColor(int(band.right()) - 3, int(chart.row_rect(0).top()) + 3)
        != charts.HIGHLIGHT
    )
    assert (
        chart.hover_text(0)
        == "第一工作组：共 100 户\n已签约  80（80.0%）\n已支付  50（50.0%）\n已腾房  20（20.0%）\n80/100 户"
    )
    assert chart.index_at(band.center().y()) == 1
    chart.set_data([], [], [])
    assert _colour_count(_render(chart, 400, 150), charts.BLUE) == 0


@pytest.mark.gui
def test_bar_chart_mouse_hover(app, qtbot) -> None:
    from relocation_desk.gui.dashboard import charts

    chart = charts.BarChart(unit="户")
    qtbot.addWidget(chart)
    rows = [charts.BarRow(i, f"组{i}", (i * 10,), 100) for i in range(5)]
    chart.set_data(rows, ["已签约"], [charts.BLUE])
    chart.resize(500, chart.sizeHint().height())
    chart.show()
    qtbot.waitExposed(chart)
    qtbot.mouseMove(chart, chart.row_rect(3).center().toPoint())
    qtbot.waitUntil(lambda: chart.hover_index == 3)
    assert chart.hover_text().startswith("组3：共 100 户")


@pytest.mark.gui
def test_legend_paints_its_swatches(app, qtbot) -> None:
    from relocation_desk.gui.dashboard import charts

    legend = charts.Legend([("已签约", charts.BLUE), ("已腾房", charts.GREEN)])
    qtbot.addWidget(legend)
    image = _render(legend, legend.sizeHint().width(), legend.sizeHint().height())
    assert _colour_count(image, charts.BLUE, tolerance=4) > 5
    assert _colour_count(image, charts.GREEN, tolerance=4) > 5
