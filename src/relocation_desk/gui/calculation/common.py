"""What the calculation screens share: status texts, the day they compute for, and how a
stored time and an amount are shown."""

from __future__ import annotations

from datetime import UTC, date, datetime

from ...domain import money

__all__ = ["REQUEST_STATUS_TEXT", "STATUS_TEXT", "today", "when", "yuan"]

STATUS_TEXT = {
    "computed": "已计算，待复核",
    "checked": "已复核",
    "superseded": "已被新版本取代",
}
REQUEST_STATUS_TEXT = {"pending": "待审批", "approved": "已批准", "rejected": "已驳回"}


def today() -> date:
    """The day calculations are made for (tests replace it)."""
    return date.today()


def when(moment: datetime | None) -> str:
    """A stored time in the local time zone, to the minute."""
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def yuan(fen: int) -> str:
    return money.format_fen(fen)
