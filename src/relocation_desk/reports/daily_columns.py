"""The columns of the daily report, shared by the workbook and the PDF: which figure, under
which header, in which unit."""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import _
from ..services.progress.service import Figures


@dataclass(frozen=True)
class Column:
    group: str  # the upper, merged header ("" = the column stands alone)
    label: str
    field: str  # a Figures attribute
    kind: str  # "count", "fen" (money, shown in yuan or 万元), "pct" (percent of target)
    summary: bool  # on the printed summary sheet and the PDF


def columns() -> tuple[Column, ...]:
    households, sign, paid = _("户数进度"), _("签约"), _("支付")
    moved, money, todo = _("腾房拆除"), _("金额（元）"), _("待办")
    cadre, closing, choosing = _("干部户"), _("限时销号"), _("选房")
    return (
        Column(households, _("总户数"), "households", "count", True),
        Column(households, _("已调查"), "surveyed", "count", False),
        Column(households, _("已核算"), "calculated", "count", False),
        Column(households, _("已复核"), "checked", "count", False),
        Column(households, _("已公示"), "noticed", "count", False),
        Column(sign, _("今日"), "signed_today", "count", True),
        Column(sign, _("累计"), "signed", "count", True),
        Column(sign, _("目标"), "target", "count", False),
        Column(sign, _("完成率"), "signed_pct", "pct", True),
        Column(paid, _("今日户数"), "paid_today", "count", True),
        Column(paid, _("累计户数"), "paid", "count", True),
        Column(moved, _("今日腾房"), "vacated_today", "count", False),
        Column(moved, _("累计腾房"), "vacated", "count", True),
        Column(moved, _("已拆除"), "demolished", "count", False),
        Column(choosing, _("今日选房"), "chosen_today", "count", False),
        Column(choosing, _("已选房"), "chosen", "count", True),
        Column("", _("补偿决定"), "decisions", "count", False),
        Column(money, _("核算金额"), "computed_fen", "fen", False),
        Column(money, _("签约金额"), "signed_fen", "fen", True),
        Column(money, _("今日支付"), "paid_fen_today", "fen", False),
        Column(money, _("累计支付"), "paid_fen", "fen", True),
        Column(todo, _("未结异议"), "objections_open", "count", True),
        Column(todo, _("待审批"), "approvals_pending", "count", True),
        Column(cadre, _("已签约"), "cadre_signed", "count", True),
        Column(cadre, _("按期签约"), "cadre_signed_on_time", "count", False),
        Column(cadre, _("总数"), "cadre_total", "count", True),
        Column(closing, _("逾期"), "overdue", "count", True),
        Column(closing, _("今日销号"), "closed_today", "count", False),
        Column(closing, _("累计销号"), "closed", "count", True),
    )


def value(figures: Figures, column: Column) -> int | float:
    """The cell value: counts as int, money in yuan (two decimals), percent as a fraction."""
    raw: int | float = getattr(figures, column.field)
    if column.kind == "fen":
        return raw / 100
    if column.kind == "pct":
        return round(raw / 100, 3)
    return int(raw)


def yuan(fen: int) -> str:
    """Money in yuan with thousands separators: 1234567 → "12,345.67"."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def wan(fen: int) -> str:
    """Money in 万元 with two decimals, rounded half up: 123456789 → "123.46"."""
    sign = "-" if fen < 0 else ""
    hundredths, rest = divmod(abs(fen), 10_000)
    if rest * 2 >= 10_000:
        hundredths += 1
    return f"{sign}{hundredths // 100:,}.{hundredths % 100:02d}"
