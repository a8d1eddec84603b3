"""The chosen flats' price difference (差价) as calculation lines, one per flat and tier.

A household that has chosen its resettlement flats (``HouseholdInput.chosen_flats``) is
settled by :func:`.resettlement.settle` with the scheme's ``resettlement`` rules: area within
the entitlement at the swap price (安置价), the band above it at the band price, the rest at
the flat's market price, and entitlement left unused paid back at its rate. Each settlement
line becomes one calculation line under the scheme's 产权调换 item: the household pays the
flats' price, so those lines are negative (set against the compensation, like the swap
item's own price); the payment for unused entitlement is positive. The swap item then states
the area only and leaves its own price out, so no area is charged twice (see
:func:`.engine_rules._resettlement_rule`).

This module uses the domain's resettlement rules and money arithmetic only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..i18n import _
from . import resettlement as r
from .calculation import EngineError, Line, make_line
from .errors import InputError
from .household_input import ChosenFlatInput, HouseholdInput
from .scheme import RateKind, canonical_json

TIER_NAMES = {
    "entitlement": "安置房价款（权益面积内）",
    "band": "安置房价款（超出权益的优惠面积）",
    "market": "安置房价款（超出部分按市场价）",
    "unused": "未用完权益面积的补偿",
}


@dataclass(frozen=True)
class FlatLine:
    """One tier of the difference, signed as a calculation line (household receives: +)."""

    name: str
    area_dm2: int
    rate_fen: int
    amount_fen: int
    explanation: str


def rules_of(params: Mapping[str, Any]) -> r.ResettlementRules:
    """The scheme's ``resettlement`` rules; :class:`EngineError` says what is missing."""
    try:
        return r.parse_rules(params)
    except InputError as exc:
        raise EngineError("no_resettlement_rules", exc.reason) from exc


def entitlement(
    rules: r.ResettlementRules,
    params: Mapping[str, Any],
    household: HouseholdInput,
    swap_item_entitled_dm2: int,
) -> int:
    """The entitlement the rules give; where the ``resettlement`` section states none, the
    area the scheme's 产权调换 item entitles (as the 选房 desk reads it too)."""
    section = params.get("resettlement")
    if isinstance(section, Mapping) and "entitlement" in section:
        return r.entitlement_dm2(
            rules, members=household.member_count, legal_area_dm2=household.area_dm2("legal")
        )
    return swap_item_entitled_dm2


def flat_lines(
    rules: r.ResettlementRules, entitled_dm2: int, flats: Sequence[ChosenFlatInput]
) -> list[FlatLine]:
    """The settlement of ``flats`` (in the order chosen) as signed lines with explanations
    stating area × price per tier."""
    terms = [r.FlatTerms(f.label, f.area_dm2, f.unit_price_fen, f.coefficient_milli) for f in flats]
    by_label = {f.label: f for f in flats}
    settlement = r.settle(rules, entitled_dm2, terms)
    found = []
    for line in settlement.lines:
        area = _area(line.area_dm2)
        amount = -line.amount_fen
        if line.tier == "unused":
            text = _(
                "应安置面积 {entitled}㎡，已选 {chosen}㎡，未用完 {area}㎡ × {rate}元/㎡ = {amount}元",
                entitled=_area(entitled_dm2),
                chosen=_area(settlement.chosen_dm2),
                area=area,
                rate=_yuan(line.rate_fen),
                amount=_yuan(amount),
            )
            found.append(
                FlatLine(_(TIER_NAMES["unused"]), line.area_dm2, line.rate_fen, amount, text)
            )
            continue
        text = _(
            "{flat}：{area}㎡ × {rate}元/㎡ = {price}元，从补偿款中扣除",
            flat=line.label,
            area=area,
            rate=_yuan(line.rate_fen),
            price=_yuan(line.amount_fen),
        )
        flat = by_label[line.label]
        if line.tier == "market":
            text += _("（该房市场价）")
        elif flat.coefficient_milli != 1000:
            base = rules.swap_price_fen if line.tier == "entitlement" else rules.band_price_fen
            text += _(
                "（{base}元/㎡ × 楼层系数 {coefficient}，四舍五入到分）",
                base=_yuan(base),
                coefficient=str(Decimal(flat.coefficient_milli).scaleb(-3).normalize()),
            )
        found.append(
            FlatLine(_(TIER_NAMES[line.tier]), line.area_dm2, -line.rate_fen, amount, text)
        )
    return found


def add_lines(
    lines: list[Line], code: str, category: str, unit: str, found: Sequence[FlatLine]
) -> int:
    """Append ``found`` to a calculation's ``lines`` under the 产权调换 item ``code``, numbered
    on; returns their sum."""
    for flat in found:
        lines.append(
            make_line(
                len(lines) + 1, code, flat.name, category, RateKind.RESETTLEMENT, unit,
                Decimal(flat.area_dm2).scaleb(-2), flat.rate_fen, flat.amount_fen,
                flat.explanation,
            )
        )  # fmt: skip
    return sum(flat.amount_fen for flat in found)


def chosen_flats_json(h: HouseholdInput) -> str:
    """The ``"chosen_flats"`` member of the inputs hash's household text (with its leading
    comma), as ``household_to_dict`` has it; empty without flats."""
    if not h.chosen_flats:
        return ""
    return ',"chosen_flats":' + canonical_json(
        [
            {
                "area_dm2": f.area_dm2,
                "coefficient_milli": f.coefficient_milli,
                "label": f.label,
                "unit_price_fen": f.unit_price_fen,
            }
            for f in h.chosen_flats
        ]
    )


def _area(dm2: int) -> str:
    whole, part = divmod(dm2, 100)
    return f"{whole:,}.{part:02d}"


def _yuan(fen: int) -> str:
    sign, fen = ("-", -fen) if fen < 0 else ("", fen)
    whole, cents = divmod(fen, 100)
    return f"{sign}{whole:,}.{cents:02d}"
