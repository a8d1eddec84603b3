"""What the calculation screens share: status texts, the day they compute for, and how a
stored time and an amount are shown."""

from __future__ import annotations

from datetime import date, datetime

from ...domain import money
from ...services.clock import ClockSource, project_today, shown

__all__ = ["REQUEST_STATUS_TEXT", "STATUS_TEXT", "today", "when", "yuan"]

STATUS_TEXT = {
    "computed": "已计算，待复核",
    "checked": "已复核",
    "superseded": "已被新版本取代",
}
REQUEST_STATUS_TEXT = {"pending": "待审批", "approved": "已批准", "rejected": "已驳回"}


def today(source: ClockSource = None) -> date:
    """The day calculations are made for: the project's today (tests replace it)."""
    return project_today(source)


def when(moment: datetime | None, source: ClockSource = None) -> str:
    """A stored time in the project's time zone, to the minute (SQLite hands back naive
    UTC, which ``shown`` takes as UTC)."""
    if moment is None:
        return ""
    return shown(moment, source)


def yuan(fen: int) -> str:
    return money.format_fen(fen)
