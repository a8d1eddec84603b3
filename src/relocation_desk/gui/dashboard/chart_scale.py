"""Scale and label arithmetic for the charts, kept free of Qt so it is tested on its own.

Integer axes get "nice" ticks (steps of 1, 2 or 5 × 10ⁿ, starting at zero, never fractional:
the charts count households); date axes get ticks on whole days, Mondays, or the first of a
month, so labels stay readable whether a chart spans a week or two years.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import date, timedelta

from ...i18n import _, language

_WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def nice_step(raw: float) -> int:
    """The smallest step of 1, 2 or 5 × 10ⁿ (n ≥ 0) that is at least ``raw``."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if factor * magnitude >= raw:
                return factor * magnitude
        magnitude *= 10


def int_ticks(max_value: int, max_ticks: int = 5) -> list[int]:
    """Ticks from 0 to a round top at or above ``max_value``, at most ``max_ticks`` steps.

    ``int_ticks(0)`` is ``[0, 1]`` so an empty chart still has an axis.
    """
    max_ticks = max(1, max_ticks)
    if max_value <= 0:
        return [0, 1]
    step = nice_step(max_value / max_ticks)
    top = -(-max_value // step) * step
    return list(range(0, top + 1, step))


def _add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


_DAY_STEPS = (1, 2, 7, 14)
_MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60)


def date_ticks(start: date, end: date, max_ticks: int = 8) -> list[date]:
    """At most ``max_ticks`` dates in [start, end] on whole days, Mondays or month starts."""
    max_ticks = max(1, max_ticks)
    if end < start:
        start, end = end, start
    span = (end - start).days
    for step in _DAY_STEPS:
        first = start
        if step >= 7:  # weeks begin on Monday
            first = start + timedelta(days=(7 - start.weekday()) % 7)
        if first > end:
            continue
        count = (end - first).days // step + 1
        if count <= max_ticks:
            return [first + timedelta(days=i * step) for i in range(count)]
    for step in _MONTH_STEPS:
        first = start if start.day == 1 else _add_months(start, 1)
        # Align multi-month steps to the calendar (quarters start in Jan/Apr/Jul/Oct …).
        while (first.year * 12 + first.month - 1) % step:
            first = _add_months(first, 1)
        ticks = []
        day = first
        while day <= end:
            ticks.append(day)
            day = _add_months(day, step)
        if len(ticks) <= max_ticks:
            return ticks or [start]
    return [start, end] if span else [start]


def date_tick_label(day: date, ticks: Sequence[date]) -> str:
    """Short label: ``11-23`` for day ticks, ``2026-11`` for month ticks; the year is added to
    day ticks only when the ticks cross a year."""
    monthly = len(ticks) > 1 and all(t.day == 1 for t in ticks) and (ticks[1] - ticks[0]).days > 27
    if monthly:
        return f"{day.year}-{day.month:02d}"
    if ticks and ticks[0].year != ticks[-1].year:
        return f"{day.year % 100:02d}-{day.month:02d}-{day.day:02d}"
    return f"{day.month:02d}-{day.day:02d}"


def date_position(day: date, start: date, end: date, left: float, right: float) -> float:
    """The x of ``day`` on an axis from ``start`` (at left) to ``end`` (at right)."""
    span = (end - start).days
    if span <= 0:
        return (left + right) / 2
    return left + (right - left) * (day - start).days / span


def nearest_index(x: float, positions: Sequence[float]) -> int:
    """Index of the position nearest to ``x`` (positions ascending); -1 when there are none."""
    if not positions:
        return -1
    i = bisect.bisect_left(positions, x)
    if i == 0:
        return 0
    if i == len(positions):
        return len(positions) - 1
    return i if positions[i] - x < x - positions[i - 1] else i - 1


def group_digits(n: int) -> str:
    return f"{n:,}"


def _trim(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:.0f}"


def compact_count(n: int) -> str:
    """An axis label: ``950``, ``1.2万``, ``15万`` (English: ``12k``, ``150k``, ``1.5M``)."""
    if abs(n) < 10_000:
        return f"{n:,}"
    if language() == "zh_CN":
        return f"{_trim(n / 10_000)}万"
    if abs(n) < 1_000_000:
        return f"{_trim(n / 1_000)}k"
    return f"{_trim(n / 1_000_000)}M"


def percent(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole > 0 else 0.0


def format_percent(value: float) -> str:
    return f"{value:.1f}%"


def weekday_label(day: date) -> str:
    return _(_WEEKDAYS[day.weekday()])


def hover_lines(
    day: date,
    names: Sequence[str],
    values: Sequence[int],
    previous: Sequence[int] | None,
    unit: str,
) -> list[str]:
    """The hover box of a line chart: the day, then each series' value and change that day."""
    lines = [f"{day.isoformat()}（{weekday_label(day)}）"]
    for i, (name, value) in enumerate(zip(names, values, strict=True)):
        line = f"{name}  {group_digits(value)} {unit}".rstrip()
        if previous is not None:
            delta = value - previous[i]
            if delta:
                line += _("（当日 {sign}{n}）", sign="+" if delta > 0 else "−", n=abs(delta))
        lines.append(line)
    return lines
