"""Approved exceptions (审批例外) applied to an engine result (DOMAIN rule 1).

An exception is never a typed amount: it is an :class:`ApprovedException` HQ decided in
writing, and it shows as its own line marked with the request's number. If the request names
an item the engine produced a line for, HQ's amount is the amount *for that item*: the engine
line stays as the standard computed it and an adjusting line adds the difference. Otherwise
(a category, or an item the household has no line for) the approved amount is an extra line.
A request without an amount (only a rule in words) gives a line of 0 that states it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..i18n import _
from . import money
from .calculation import CalculationResult, Line
from .scheme import RateKind, Scheme, category_label

__all__ = ["ApprovedException", "apply_approvals", "approval_fingerprint"]


@dataclass(frozen=True)
class ApprovedException:
    key: str  # the request's id (stored on the line)
    number: str  # SP-T03-0007
    item_code: str  # a rate item code, a category code, or ""
    amount_fen: int | None  # HQ's amount for the item; None: a rule in words only
    rule: str  # what was asked, in words
    reason: str  # HQ's decision reason


@dataclass(frozen=True)
class ApprovalLine:
    line: Line
    key: str  # the request that made it


def approval_fingerprint(approvals: Sequence[ApprovedException]) -> str:
    """Text that changes whenever an approval that affects the figures changes."""
    return "|".join(f"{a.key}:{a.item_code}:{a.amount_fen}" for a in approvals)


def apply_approvals(
    result: CalculationResult, approvals: Sequence[ApprovedException], scheme: Scheme
) -> tuple[CalculationResult, tuple[ApprovalLine, ...]]:
    """The result with one marked line per approval (in the given order), and those lines."""
    if not approvals:
        return result, ()
    lines = list(result.lines)
    added: list[ApprovalLine] = []
    for a in approvals:
        item = scheme.item(a.item_code) if a.item_code else None
        if item is not None:
            name, category = item.name, item.category
        elif a.item_code:
            name, category = category_label(scheme, a.item_code), a.item_code
        else:
            name, category = _("审批例外"), "subsidy"
        so_far = [ln for ln in lines if ln.item_code == a.item_code]
        standard = sum(ln.amount_fen for ln in so_far)
        if a.amount_fen is None:
            amount = 0
            what = _("{rule}（不涉及金额）", rule=a.rule or name)
        elif so_far:
            amount = a.amount_fen - standard
            what = _(
                "{name}核定为 {approved}元（按标准 {standard}元），调整 {delta}元",
                name=name,
                approved=money.format_fen(a.amount_fen),
                standard=money.format_fen(standard),
                delta=money.format_fen(amount),
            )
        else:
            amount = a.amount_fen
            what = _("{name} {amount}元", name=name, amount=money.format_fen(amount))
        text = _("经指挥部审批（{number}）：{what}", number=a.number, what=what)
        if a.reason:
            text += _("；审批意见：{reason}", reason=a.reason)
        line = Line(
            seq=len(lines) + 1,
            item_code=a.item_code,
            item_name=name,
            category=category,
            kind=RateKind.LUMP_SUM,
            unit=_("项"),
            quantity=Decimal(1),
            rate_fen=amount,
            amount_fen=amount,
            explanation=text,
        )
        lines.append(line)
        added.append(ApprovalLine(line, a.key))
    total = sum(ln.amount_fen for ln in lines)
    return CalculationResult(tuple(lines), total, money.to_chinese_upper(total)), tuple(added)
