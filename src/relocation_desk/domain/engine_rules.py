"""One function per :class:`RateKind`: household + rate item (+ earlier lines) → a draft line.

A rule returns ``None`` when the item gives this household nothing to show (no area of that
type, no such attachment, not vulnerable, guarantee already met). Each amount is rounded
half-up to the fen exactly once, by :func:`money.multiply_half_up`; derived rules (percent,
guarantee) work on the earlier lines' already-rounded amounts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..i18n import _
from . import money
from .calculation import Line
from .household_input import HouseholdInput
from .scheme import BonusWindow, Per, RateItem, RateKind, Scheme, category_label
from .status import STRUCTURE_LABELS

__all__ = ["RULES", "Context", "Draft", "bonus_day", "window_for"]


@dataclass(frozen=True)
class Context:
    household: HouseholdInput
    scheme: Scheme
    as_of: date


@dataclass(frozen=True)
class Draft:
    quantity: Decimal
    rate_fen: int
    amount_fen: int
    unit: str
    explanation: str


Rule = Callable[[RateItem, Context, Sequence[Line]], Draft | None]


# --- numbers as text ---------------------------------------------------------------------


def area(dm2: int) -> Decimal:
    """dm² → ㎡, exact, always two places (12050 → 120.50)."""
    return Decimal(dm2).scaleb(-2)


def counted(milli: int) -> Decimal:
    """Thousandths → units, exact, without needless zeros (2000 → 2, 12500 → 12.5)."""
    value = Decimal(milli).scaleb(-3)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def num(value: Decimal | int) -> str:
    return format(Decimal(value), ",f")


def yuan(fen: int) -> str:
    return money.format_fen(fen)


def formula(basis: str, rate_fen: int, unit: str, amount_fen: int) -> str:
    return _(
        "{basis} × {rate}元/{unit} = {amount}元",
        basis=basis,
        rate=yuan(rate_fen),
        unit=unit,
        amount=yuan(amount_fen),
    )


def per_quantity(per: Per, household: HouseholdInput) -> tuple[Decimal, str]:
    """The quantity a ``per`` names, and how to say it."""
    if per is Per.HOUSEHOLD:
        return Decimal(1), _("{n}户", n=1)
    if per is Per.PERSON:
        n = household.member_count
        return Decimal(n), _("家庭人口 {n}人", n=n)
    dm2, text = {
        Per.LEGAL_AREA: (household.area_dm2("legal"), _("合法面积 {area}㎡")),
        Per.UNLICENSED_AREA: (household.area_dm2("unlicensed"), _("无证面积 {area}㎡")),
        Per.TOTAL_AREA: (household.area_dm2("all"), _("房屋总面积 {area}㎡")),
        Per.BUSINESS_AREA: (household.business_area_dm2, _("经营面积 {area}㎡")),
    }[per]
    return area(dm2), text.format(area=num(area(dm2)))


def _simple(item: RateItem, quantity: Decimal, basis: str) -> Draft | None:
    if quantity == 0:
        return None
    amount = money.multiply_half_up(item.rate_fen, quantity)
    return Draft(
        quantity, item.rate_fen, amount, item.unit, formula(basis, item.rate_fen, item.unit, amount)
    )


# --- the rules -----------------------------------------------------------------------------


def _area_rule(item: RateItem, ctx: Context, earlier: Sequence[Line]) -> Draft | None:
    dm2 = ctx.household.area_dm2(item.legality, item.structure_type)
    if not dm2:  # checked first: the explanation is not built for lines that do not exist
        return None
    qty = area(dm2)
    legality = _("合法") if item.legality == "legal" else _("无证")
    if item.structure_type is None:
        basis = _("{legality}面积 {area}{unit}", legality=legality, area=num(qty), unit=item.unit)
    else:
        basis = _(
            "{structure}结构{legality}面积 {area}{unit}",
            structure=_(STRUCTURE_LABELS[item.structure_type]),
            legality=legality,
            area=num(qty),
            unit=item.unit,
        )
    return _simple(item, qty, basis)


def _decoration_rule(item: RateItem, ctx: Context, earlier: Sequence[Line]) -> Draft | None:
    dm2 = sum(
        s.area_dm2(item.legality) for s in ctx.household.structures if s.decoration == item.code
    )
    if not dm2:
        return None
    qty = area(dm2)
    return _simple(
        item, qty, _("{name} {area}{unit}", name=item.name, area=num(qty), unit=item.unit)
    )


def _per_item_rule(item: RateItem, ctx: Context, earlier: Sequence[Line]) -> Draft | None:
    milli = sum(a.quantity_milli for a in ctx.household.attachments if a.item_code == item.code)
    if not milli:
        return None
    qty = counted(milli)
    return _simple(
        item, qty, _("{name} {quantity}{unit}", name=item.name, quantity=num(qty), unit=item.unit)
    )


def _per_person_rule(item: RateItem, ctx: Context, earlier: Sequence[Line]) -> Draft | None:
    qty, basis = per_quantity(Per.PERSON, ctx.household)
    return _simple(item, qty, basis)


def _monthly_rule(item: RateItem, ctx: Context, earlier: Sequence[Line]) -> Draft | None:
    base, basis = per_quantity(item.per, ctx.household)
    if base == 0:
        return None
    qty = base * item.months
    amount = money.multiply_half_up(item.rate_fen, qty)
    text = _(
        "{basis} × {months}个月 × {rate}元/{unit} = {amount}元",
        basis=basis,
        months=item.months,
        rate=yuan(item.rate_fen),
        unit=item.unit,
        amount=yuan(amount),
    )
    return Draft(qty, item.rate_fen, amount, item.unit, text)


def _lump_sum_rule(item: RateItem, ctx: Context, earlier: Sequence[Line]) -> Draft | None:
    return _simple(item, Decimal(item.times), _("{times}次", times=item.times))


def _basis_lines(item: RateItem, ctx: Context, earlier: Sequence[Line]) -> tuple[int, str, bool]:
    """Sum of the earlier lines the item's basis selects, its description, and whether any
    line was selected."""
    basis = item.basis
    chosen = [line for line in earlier if basis.selects(line.category, line.item_code)]
    if basis.everything:
        what = _("以上各项")
    else:
        names = [category_label(ctx.scheme, c) for c in basis.categories]
        for code in basis.codes:
            named = ctx.scheme.item(code)
            names.append(named.name if named else code)
        what = "、".join(names)
    return sum(line.amount_fen for line in chosen), what, bool(chosen)


def _percent_rule(item: RateItem, ctx: Context, earlier: Sequence[Line]) -> Draft | None:
    percent = item.percent
    assert percent is not None
    base, what, any_line = _basis_lines(item, ctx, earlier)
    if not any_line or base == 0:
        return None
    amount = money.multiply_half_up(base, percent.scaleb(-2))
    text = _(
        "{what}合计 {base}元 × {percent}% = {amount}元",
        what=what,
        base=yuan(base),
        percent=num(percent),
        amount=yuan(amount),
    )
    return Draft(percent, base, amount, "%", text)


def bonus_day(item: RateItem, household: HouseholdInput, as_of: date) -> tuple[date, str]:
    """The date a bonus is judged by: the recorded signing (or vacating) date, else ``as_of``
    (the figure the household would get if it signed or vacated on that day)."""
    if item.date_source == "vacated":
        if household.vacated_on is not None:
            return household.vacated_on, _("腾房日期")
        return as_of, _("计算日期（尚未腾房）")
    if household.signed_on is not None:
        return household.signed_on, _("签约日期")
    return as_of, _("计算日期（尚未签约）")


def window_for(item: RateItem, day: date) -> tuple[int, BonusWindow | None]:
    for index, window in enumerate(item.windows):
        if window.contains(day):
            return index, window
    return -1, None


def _bonus_rule(item: RateItem, ctx: Context, earlier: Sequence[Line]) -> Draft | None:
    qty, basis = per_quantity(item.per, ctx.household)
    if qty == 0:
        return None
    day, source = bonus_day(item, ctx.household, ctx.as_of)
    _index, window = window_for(item, day)
    if window is None:
        periods = "、".join(
            _("{start} 至 {end}", start=w.start.isoformat(), end=w.end.isoformat())
            for w in item.windows
        )
        text = _(
            "{source} {day} 不在奖励期（{periods}）内，此项为 0 元",
            source=source,
            day=day.isoformat(),
            periods=periods,
        )
        return Draft(qty, 0, 0, item.unit, text)
    amount = money.multiply_half_up(window.rate_fen, qty)
    text = _(
        "{source} {day} 在奖励期 {start} 至 {end} 内：{formula}",
        source=source,
        day=day.isoformat(),
        start=window.start.isoformat(),
        end=window.end.isoformat(),
        formula=formula(basis, window.rate_fen, item.unit, amount),
    )
    return Draft(qty, window.rate_fen, amount, item.unit, text)


def _vulnerable_rule(item: RateItem, ctx: Context, earlier: Sequence[Line]) -> Draft | None:
    if not ctx.household.vulnerable:
        return None
    if item.percent is not None:
        return _percent_rule(item, ctx, earlier)
    qty, basis = per_quantity(item.per, ctx.household)
    return _simple(item, qty, basis)


def _guarantee_rule(item: RateItem, ctx: Context, earlier: Sequence[Line]) -> Draft | None:
    qty, basis = per_quantity(item.per, ctx.household)
    floor = money.multiply_half_up(item.rate_fen, qty)
    base, what, _any = _basis_lines(item, ctx, earlier)
    if base >= floor:
        return None
    top_up = floor - base
    text = _(
        "保障标准 {formula}；{what}合计 {base}元，补足差额 {amount}元",
        formula=formula(basis, item.rate_fen, item.unit, floor),
        what=what,
        base=yuan(base),
        amount=yuan(top_up),
    )
    return Draft(Decimal(1), top_up, top_up, item.unit, text)


def entitled_area_dm2(item: RateItem, household: HouseholdInput) -> int:
    return household.member_count * item.area_per_person_dm2


def _resettlement_rule(item: RateItem, ctx: Context, earlier: Sequence[Line]) -> Draft | None:
    h = ctx.household
    entitled = entitled_area_dm2(item, h)
    chosen = entitled if h.resettlement_area_dm2 is None else h.resettlement_area_dm2
    if chosen == 0:
        return None
    qty = area(chosen)
    text = _(
        "应安置面积 家庭人口 {n}人 × {per}㎡/人 = {area}㎡",
        n=h.member_count,
        per=num(area(item.area_per_person_dm2)),
        area=num(area(entitled)),
    )
    if chosen != entitled:
        text += _("；选定安置面积 {area}㎡", area=num(qty))
    # The flat's price is set against the compensation: a negative line (rate 0: area only).
    amount = money.multiply_half_up(-item.rate_fen, qty)
    if item.rate_fen:
        text += _(
            "；安置房价款 {area}{unit} × {rate}元/{unit} = {price}元，从补偿款中扣除",
            area=num(qty),
            unit=item.unit,
            rate=yuan(item.rate_fen),
            price=yuan(-amount),
        )
    else:
        text += _("；不计价款")
    return Draft(qty, -item.rate_fen, amount, item.unit, text)


RULES: dict[RateKind, Rule] = {
    RateKind.AREA: _area_rule,
    RateKind.DECORATION: _decoration_rule,
    RateKind.PER_ITEM: _per_item_rule,
    RateKind.PER_PERSON: _per_person_rule,
    RateKind.MONTHLY: _monthly_rule,
    RateKind.LUMP_SUM: _lump_sum_rule,
    RateKind.PERCENT: _percent_rule,
    RateKind.BONUS_WINDOW: _bonus_rule,
    RateKind.VULNERABLE_UPLIFT: _vulnerable_rule,
    RateKind.MINIMUM_GUARANTEE: _guarantee_rule,
    RateKind.RESETTLEMENT: _resettlement_rule,
}
