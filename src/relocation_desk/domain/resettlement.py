"""Property swap (产权调换) rules: entitlement, allowed flat combinations, price tiers and the
多退少补 settlement, all in integer units (areas in dm², money in fen, coefficients in
thousandths).

The rules are data in the scheme version's params, section ``resettlement``::

    "resettlement": {
      "entitlement": {"basis": "per_person", "area_per_person": "40"},
          # or {"basis": "legal_area", "ratio": "1.0"}: entitlement = legal area × ratio
      "max_flats": 3,                       # flats one household may take
      "min_remainder_before_last": "20",    # ㎡ of entitlement left before the last flat
      "remainder_layouts": [                # largest 户型 for a remainder (optional)
        {"remainder_up_to": "30", "largest_area": "60"},
        {"remainder_up_to": "60", "largest_area": "90"}
      ],
      "max_estates": 1,                     # 小区 one household's flats may be in
      "swap_price_fen": 180000,             # 元/㎡ ×100 within the entitlement (安置价)
      "band_area": "10",                    # indivisible band above the entitlement (㎡)
      "band_price_fen": 350000,             # its price per ㎡
      "unused_rate_fen": 250000,            # paid per ㎡ of entitlement left unused
      "order_by": "signing"                 # choosing order: signing, vacating or draw
    }

Area above the entitlement and the band is paid at the flat's own price (market price: base
price × floor coefficient, or the flat's price). Tier 1 and 2 prices are multiplied by the
flat's floor coefficient (楼层系数) as well. Flats fill the entitlement in the order they were
chosen, so the last flat carries any excess. Each line is area × rate, rounded half-up to the
fen once; a settlement is the sum of its lines (household pays: positive ``payable_fen``).
多退少补 at hand-over is the settlement on the measured areas minus the contracted one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import combinations_with_replacement
from typing import Any

from ..i18n import _
from .errors import InputError
from .money import multiply_half_up
from .units import area_decimal

BASES = ("per_person", "legal_area")
# The keys of the section, of its entitlement and of a remainder_layouts row (as above).
RULE_KEYS = (
    "entitlement", "max_flats", "min_remainder_before_last", "remainder_layouts",
    "max_estates", "swap_price_fen", "band_area", "band_price_fen", "unused_rate_fen",
    "order_by",
)  # fmt: skip
ENTITLEMENT_KEYS = ("basis", "area_per_person", "ratio")
LAYOUT_KEYS = ("remainder_up_to", "largest_area")
ORDER_BASES = ("signing", "vacating", "draw")
MAX_FLATS_LIMIT = 6  # combinations are enumerated: keep it small


@dataclass(frozen=True)
class RemainderLayout:
    remainder_up_to_dm2: int
    largest_area_dm2: int


@dataclass(frozen=True)
class ResettlementRules:
    basis: str
    area_per_person_dm2: int
    ratio_milli: int
    max_flats: int
    min_remainder_dm2: int
    remainder_layouts: tuple[RemainderLayout, ...]
    max_estates: int
    swap_price_fen: int
    band_area_dm2: int
    band_price_fen: int
    unused_rate_fen: int
    order_by: str = "signing"  # the choosing order: by signing time, vacating time or a draw


def _area(value: Any, field: str) -> int:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number < 0 or number > 100000:
        raise InputError(
            "resettlement_param",
            _(
                "安置规则“{field}”应为 0 到 100000 之间的面积（㎡），现为“{value}”",
                field=field,
                value=value,
            ),
        )
    return int((number * 100).to_integral_value())


def _int(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(
            "resettlement_param",
            _("安置规则“{field}”应为 {low} 到 {high} 之间的整数，现为“{value}”",
              field=field, low=low, high=high, value=value),
        )  # fmt: skip
    return value


def parse_rules(params: Mapping[str, Any]) -> ResettlementRules:
    """The ``resettlement`` section of a scheme version's params (see the module docstring)."""
    section = params.get("resettlement")
    if not isinstance(section, Mapping):
        raise InputError(
            "no_resettlement_rules",
            _("补偿方案没有“resettlement”（产权调换）规则；请在方案参数中补上后再选房"),
        )
    ent = section.get("entitlement") or {}
    basis = ent.get("basis", "per_person") if isinstance(ent, Mapping) else None
    if basis not in BASES:
        raise InputError(
            "resettlement_param",
            _("安置面积的计算依据应为 per_person（按人口）或 legal_area（按合法面积）"),
        )
    assert isinstance(ent, Mapping)
    per_person = _area(ent.get("area_per_person", "0"), "area_per_person")
    ratio = _area(ent.get("ratio", "1"), "ratio") * 10  # hundredths → thousandths
    layouts = []
    for row in section.get("remainder_layouts") or []:
        if not isinstance(row, Mapping):
            raise InputError("resettlement_param", _("remainder_layouts 的每一项应为一组参数"))
        layouts.append(
            RemainderLayout(
                _area(row.get("remainder_up_to"), "remainder_up_to"),
                _area(row.get("largest_area"), "largest_area"),
            )
        )
    layouts.sort(key=lambda r: r.remainder_up_to_dm2)
    order_by = section.get("order_by", "signing")
    if order_by not in ORDER_BASES:
        raise InputError(
            "resettlement_param",
            _(
                "选房顺序依据 order_by 应为 signing（签约时间）、vacating（腾房时间）或 draw（摇号）"
            ),
        )
    money_cap = 10**9
    return ResettlementRules(
        basis=basis,
        area_per_person_dm2=per_person,
        ratio_milli=ratio,
        max_flats=_int(section.get("max_flats", 1), "max_flats", 1, MAX_FLATS_LIMIT),
        min_remainder_dm2=_area(section.get("min_remainder_before_last", "0"), "min_remainder_before_last"),
        remainder_layouts=tuple(layouts),
        max_estates=_int(section.get("max_estates", 1), "max_estates", 1, 20),
        swap_price_fen=_int(section.get("swap_price_fen", 0), "swap_price_fen", 0, money_cap),
        band_area_dm2=_area(section.get("band_area", "0"), "band_area"),
        band_price_fen=_int(section.get("band_price_fen", 0), "band_price_fen", 0, money_cap),
        unused_rate_fen=_int(section.get("unused_rate_fen", 0), "unused_rate_fen", 0, money_cap),
        order_by=order_by,
    )  # fmt: skip


def entitlement_dm2(rules: ResettlementRules, *, members: int, legal_area_dm2: int) -> int:
    """The area a household may take at the swap price."""
    if rules.basis == "per_person":
        return members * rules.area_per_person_dm2
    return (legal_area_dm2 * rules.ratio_milli + 500) // 1000


# --- flats and prices ---------------------------------------------------------------------


def flat_unit_price(base_price_fen: int, coefficient_milli: int) -> int:
    """Price per ㎡ of a flat: base × 楼层系数, rounded half-up to the fen."""
    return (base_price_fen * coefficient_milli + 500) // 1000


@dataclass(frozen=True)
class FlatTerms:
    """What settlement needs of one flat."""

    label: str  # 1栋2单元0301
    area_dm2: int
    unit_price_fen: int  # market price per ㎡
    coefficient_milli: int = 1000


@dataclass(frozen=True)
class SettlementLine:
    tier: str  # entitlement, band, market, unused
    label: str
    area_dm2: int
    rate_fen: int
    amount_fen: int  # household pays: positive; household receives: negative


@dataclass(frozen=True)
class Settlement:
    entitlement_dm2: int
    chosen_dm2: int
    lines: tuple[SettlementLine, ...]

    @property
    def payable_fen(self) -> int:
        """Positive: the household pays the difference; negative: it is paid."""
        return sum(line.amount_fen for line in self.lines)


TIER_LABELS = {
    "entitlement": "安置面积内",
    "band": "超出安置面积（限额内）",
    "market": "超出限额（市场价）",
    "unused": "未使用安置面积",
}


def tier_label(tier: str) -> str:
    return _(TIER_LABELS[tier])


def settle(rules: ResettlementRules, entitlement: int, flats: Sequence[FlatTerms]) -> Settlement:
    """The price difference of these flats (in the order chosen) against the entitlement."""
    lines: list[SettlementLine] = []
    left_entitled, left_band = entitlement, rules.band_area_dm2
    for flat in flats:
        area = flat.area_dm2
        inside = min(area, left_entitled)
        left_entitled -= inside
        band = min(area - inside, left_band)
        left_band -= band
        market = area - inside - band
        tiers = (
            ("entitlement", inside, _scaled(rules.swap_price_fen, flat.coefficient_milli)),
            ("band", band, _scaled(rules.band_price_fen, flat.coefficient_milli)),
            ("market", market, flat.unit_price_fen),
        )
        for tier, tier_area, rate in tiers:
            if tier_area:
                amount = multiply_half_up(rate, area_decimal(tier_area))
                lines.append(SettlementLine(tier, flat.label, tier_area, rate, amount))
    if left_entitled and rules.unused_rate_fen:
        amount = -multiply_half_up(rules.unused_rate_fen, area_decimal(left_entitled))
        lines.append(SettlementLine("unused", "", left_entitled, rules.unused_rate_fen, amount))
    chosen = sum(f.area_dm2 for f in flats)
    return Settlement(entitlement, chosen, tuple(lines))


def _scaled(price_fen: int, coefficient_milli: int) -> int:
    return flat_unit_price(price_fen, coefficient_milli)


def handover_difference(
    rules: ResettlementRules,
    entitlement: int,
    contracted: Sequence[FlatTerms],
    measured_areas_dm2: Sequence[int],
) -> int:
    """多退少补: what the household pays (positive) or gets back (negative) when the flats'
    measured areas differ from the contracted ones."""
    if len(measured_areas_dm2) != len(contracted):
        raise ValueError("one measured area per contracted flat")
    measured = [
        FlatTerms(f.label, area, f.unit_price_fen, f.coefficient_milli)
        for f, area in zip(contracted, measured_areas_dm2, strict=True)
    ]
    return (
        settle(rules, entitlement, measured).payable_fen
        - settle(rules, entitlement, contracted).payable_fen
    )


# --- combinations ---------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class FlatType:
    """One 户型 in one 小区, as the combinations list them."""

    estate: str
    layout: str
    area_dm2: int


def check_next_flat(
    rules: ResettlementRules, entitlement: int, taken: Sequence[FlatType], candidate: FlatType
) -> str | None:
    """Why ``candidate`` may not be added to the flats already ``taken`` (None: it may).

    Every flat but the last must leave at least ``min_remainder`` of entitlement; so a flat
    that leaves less is allowed only as the last one, and then only if it is not larger than
    the largest 户型 allowed for the remainder it covers."""
    if len(taken) >= rules.max_flats:
        return _("已达每户可选套数上限 {n} 套", n=rules.max_flats)
    estates = {f.estate for f in taken} | {candidate.estate}
    if len(estates) > rules.max_estates:
        return _("每户只能在 {n} 个小区内选房", n=rules.max_estates)
    used = sum(f.area_dm2 for f in taken)
    remainder = entitlement - used
    if taken and remainder < rules.min_remainder_dm2:
        return _("前面的房屋已用去安置面积，剩余不足 {area} ㎡，不能再选",
                 area=area_decimal(rules.min_remainder_dm2))  # fmt: skip
    largest = _largest_for(rules, remainder)
    if largest is not None and candidate.area_dm2 > largest:
        return _("剩余安置面积 {rest} ㎡，最大只能选 {area} ㎡ 的户型",
                 rest=area_decimal(max(remainder, 0)), area=area_decimal(largest))  # fmt: skip
    if remainder <= 0:
        return _("安置面积已用完，不能再选")
    return None


def _largest_for(rules: ResettlementRules, remainder: int) -> int | None:
    for row in rules.remainder_layouts:
        if remainder <= row.remainder_up_to_dm2:
            return row.largest_area_dm2
    return None


def is_last_flat(rules: ResettlementRules, entitlement: int, taken: Sequence[FlatType]) -> bool:
    """True when no further flat may follow those taken (the remainder rule or the count)."""
    used = sum(f.area_dm2 for f in taken)
    return len(taken) >= rules.max_flats or entitlement - used < rules.min_remainder_dm2


def allowed_combinations(
    rules: ResettlementRules,
    entitlement: int,
    available: Iterable[FlatType],
    *,
    counts: Mapping[FlatType, int] | None = None,
    taken: Sequence[FlatType] = (),
    limit: int = 200,
) -> list[tuple[FlatType, ...]]:
    """Combinations of 户型 the household may still choose after ``taken``: each a tuple of
    types, largest first, that passes :func:`check_next_flat` flat by flat (in some order)
    and needs no more flats of a type than are available (``counts``). Largest total first."""
    types = sorted(set(available), key=lambda t: (-t.area_dm2, t))
    room = rules.max_flats - len(taken)
    found: list[tuple[FlatType, ...]] = []
    for size in range(1, room + 1):
        for combo in combinations_with_replacement(types, size):
            if counts is not None and any(combo.count(t) > counts.get(t, 0) for t in set(combo)):
                continue
            if _valid_sequence(rules, entitlement, list(taken), combo):
                found.append(combo)
    found.sort(key=lambda c: (-sum(t.area_dm2 for t in c), len(c), c))
    return found[:limit]


def _valid_sequence(
    rules: ResettlementRules, entitlement: int, taken: list[FlatType], combo: tuple[FlatType, ...]
) -> bool:
    # Largest first is the order that keeps the most remainder for the last flat's limit
    # check; the smallest flat goes last.
    sequence = list(taken)
    for flat in combo:
        if check_next_flat(rules, entitlement, sequence, flat) is not None:
            return False
        sequence.append(flat)
    return True
