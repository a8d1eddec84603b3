"""The compensation engine: household data × scheme version → calculation (DOMAIN rule 1).

``compute(household, scheme, as_of=…)`` walks the scheme's items in order; each item that
applies to the household's compensation method gives at most one line (see
:mod:`relocation_desk.domain.engine_rules`). Each line is rounded half-up to the fen once;
the total is the sum of the rounded lines, with its 大写. Same input, same output, same order.

Dates. Bonus windows are judged by the household's signing (or vacating) date once it is
recorded; before that by ``as_of``, the day the figures are computed for, so an unsigned
household's calculation says what it gets if it signs that day. ``as_of`` is required (no
hidden "today") so a calculation can be reproduced. A signed household keeps the scheme
version and dates of its signing (DOMAIN rule 8): computing it with a version that took
effect after it signed is refused; the services choose the version with
:func:`relocation_desk.domain.scheme.version_in_force` on the signing date.

Data that the scheme cannot price (an attachment code it does not know, a structure type
without a rate, a decoration grade it lacks, a swap without a resettlement item) raises
:class:`EngineError` rather than silently counting zero.
"""

from __future__ import annotations

import hashlib
from datetime import date

from ..i18n import _
from . import money
from .calculation import CalculationResult, EngineError, Line
from .engine_rules import RULES, Context, area, bonus_day, entitled_area_dm2, num, window_for
from .household_input import HouseholdInput, household_to_dict
from .scheme import Legality, RateItem, RateKind, Scheme, canonical_json, content_hash
from .status import STRUCTURE_LABELS, CompensationMethod, StructureType

__all__ = ["CalculationResult", "EngineError", "Line", "compute", "inputs_hash"]


def _method_label(method: CompensationMethod) -> str:
    return {
        CompensationMethod.MONEY: _("货币补偿"),
        CompensationMethod.SWAP: _("产权调换"),
        CompensationMethod.MIXED: _("货币补偿与产权调换相结合"),
    }[method]


def compute(household: HouseholdInput, scheme: Scheme, *, as_of: date) -> CalculationResult:
    """Calculate ``household`` under ``scheme``; bonuses judged as described in the module
    docstring. Raises :class:`EngineError` if the data and the scheme do not fit."""
    _check(household, scheme)
    ctx = Context(household, scheme, as_of)
    lines: list[Line] = []
    for item in scheme.items:
        if not item.applies_to(household.compensation_method):
            continue
        draft = RULES[item.kind](item, ctx, lines)
        if draft is None:
            continue
        lines.append(
            Line(
                seq=len(lines) + 1,
                item_code=item.code,
                item_name=item.name,
                category=item.category,
                kind=item.kind,
                unit=draft.unit,
                quantity=draft.quantity,
                rate_fen=draft.rate_fen,
                amount_fen=draft.amount_fen,
                explanation=draft.explanation,
            )
        )
    total = sum(line.amount_fen for line in lines)
    return CalculationResult(tuple(lines), total, money.to_chinese_upper(total))


def inputs_hash(household: HouseholdInput, scheme: Scheme, *, as_of: date) -> str:
    """SHA-256 (hex) of everything a calculation depends on: the household's data, the
    scheme's content and — for bonuses still judged by ``as_of`` — which bonus window
    ``as_of`` falls in (not the date itself, so the hash does not go stale every day)."""
    windows = [
        [item.code, window_for(item, bonus_day(item, household, as_of)[0])[0]]
        for item in scheme.items
        if item.kind is RateKind.BONUS_WINDOW
    ]
    payload = {
        "household": household_to_dict(household),
        "scheme": content_hash(scheme),
        "bonus_windows": windows,
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def _check(household: HouseholdInput, scheme: Scheme) -> None:
    method = household.compensation_method
    applicable = [item for item in scheme.items if item.applies_to(method)]
    if household.signed_on is not None and household.signed_on < scheme.effective_date:
        raise EngineError(
            "signed_before_scheme",
            _(
                "该户 {signed} 已签约，早于方案第{version}版的生效日期 {effective}；"
                "已签约户按签约时有效的方案版本计算",
                signed=household.signed_on.isoformat(),
                version=scheme.version_no,
                effective=scheme.effective_date.isoformat(),
            ),
        )
    for attachment in household.attachments:
        found = scheme.item(attachment.item_code)
        if found is None or found.kind is not RateKind.PER_ITEM:
            raise EngineError(
                "unknown_attachment",
                _(
                    "附属物编码“{code}”在方案第{version}版中没有对应的附属物补偿项目；"
                    "请核对调查数据或补偿方案",
                    code=attachment.item_code,
                    version=scheme.version_no,
                ),
            )
    for structure in household.structures:
        if structure.decoration:
            found = scheme.item(structure.decoration)
            if found is None or found.kind is not RateKind.DECORATION:
                raise EngineError(
                    "unknown_decoration",
                    _(
                        "装修等级“{code}”在方案第{version}版中没有对应的装修补偿项目",
                        code=structure.decoration,
                        version=scheme.version_no,
                    ),
                )
        for legality, dm2 in (
            (Legality.LEGAL, structure.legal_area_dm2),
            (Legality.UNLICENSED, structure.unlicensed_area_dm2),
        ):
            if dm2 and not any(
                _prices(item, structure.structure_type, legality) for item in applicable
            ):
                raise EngineError(
                    "no_rate_for_structure",
                    _(
                        "方案第{version}版没有{structure}结构{legality}面积的补偿单价（{method}）",
                        version=scheme.version_no,
                        structure=_(STRUCTURE_LABELS[structure.structure_type]),
                        legality=_("合法") if legality is Legality.LEGAL else _("无证"),
                        method=_method_label(method),
                    ),
                )
    _check_resettlement(household, scheme, applicable)


def _prices(item: RateItem, structure_type: StructureType, legality: Legality) -> bool:
    return (
        item.kind is RateKind.AREA
        and item.legality == legality.value
        and item.structure_type in (None, structure_type)
    )


def _check_resettlement(
    household: HouseholdInput, scheme: Scheme, applicable: list[RateItem]
) -> None:
    method = household.compensation_method
    swap_items = [item for item in applicable if item.kind is RateKind.RESETTLEMENT]
    if method is CompensationMethod.MONEY:
        if household.resettlement_area_dm2 is not None:
            raise EngineError(
                "resettlement_area_for_money",
                _("该户选择货币补偿，不应填写安置面积；如改为产权调换，请先修改补偿方式"),
            )
        return
    if not swap_items:
        raise EngineError(
            "no_resettlement_item",
            _(
                "方案第{version}版没有适用于“{method}”的产权调换安置项目",
                version=scheme.version_no,
                method=_method_label(method),
            ),
        )
    entitled = entitled_area_dm2(swap_items[0], household)
    chosen = household.resettlement_area_dm2
    if chosen is not None and chosen > entitled:
        raise EngineError(
            "resettlement_area_exceeds",
            _(
                "选定安置面积 {chosen}㎡ 超过应安置面积 {entitled}㎡（{n}人）",
                chosen=num(area(chosen)),
                entitled=num(area(entitled)),
                n=household.member_count,
            ),
        )
