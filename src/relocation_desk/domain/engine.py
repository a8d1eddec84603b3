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

Conditions. An item with conditions (``when``) gives a line only where the household meets
them all, and the line says which conditions it met. Milestone conditions are judged by the
same date as reward windows (:func:`.engine_rules.judged_on`).

Data that the scheme cannot price (an attachment code it does not know, a structure type
without a rate — also where the only rate's conditions are not met —, a decoration grade it
lacks, a swap without a resettlement item) raises :class:`EngineError` rather than silently
counting zero; so does an area two conditional rates would both pay.

Chosen flats. A swap household that has chosen its resettlement flats
(``HouseholdInput.chosen_flats``) gets, right after the 产权调换 item's line, one line per flat
and price tier (:mod:`.resettlement_lines`, the scheme's ``resettlement`` rules). The swap
item's line then states the areas only and leaves its own price out: the flats' price is on
the tier lines, so no area is charged twice. Households without chosen flats are computed as
before, and their inputs hash is unchanged.
"""

from __future__ import annotations

import functools
import hashlib
import weakref
from collections.abc import Callable
from datetime import date
from json.encoder import encode_basestring
from typing import Any

from .. import i18n
from ..i18n import _
from . import money
from .calculation import CalculationResult, EngineError, Line, make_line
from .engine_rules import Facts, Step, area, entitled_area_dm2, judged_on, num, prepare
from .household_input import HouseholdInput
from .resettlement import ResettlementRules
from .resettlement_lines import FlatLine, add_lines, chosen_flats_json, flat_lines, rules_of
from .resettlement_lines import entitlement as flat_entitlement
from .scheme import (
    Legality,
    RateItem,
    RateKind,
    Scheme,
    canonical_json,
    content_hash,
    find_window,
)
from .scheme_conditions import compile_conditions
from .status import STRUCTURE_LABELS, CompensationMethod, StructureType

__all__ = ["CalculationResult", "EngineError", "Line", "compute", "inputs_hash"]

_json_str: Callable[[str], str] = encode_basestring


def _method_label(method: CompensationMethod) -> str:
    return {
        CompensationMethod.MONEY: _("货币补偿"),
        CompensationMethod.SWAP: _("产权调换"),
        CompensationMethod.MIXED: _("货币补偿与产权调换相结合"),
    }[method]


# --- what depends only on the scheme, worked out once per scheme object ----------------------


class _Plan:
    """The scheme's applicable items for one compensation method and language, prepared,
    and what :func:`_fits` needs to accept a household without the full :func:`_check`."""

    __slots__ = (
        "area_steps",
        "attachment_codes",
        "decoration_codes",
        "effective_date",
        "flat_rules",
        "money",
        "params",
        "priced",
        "steps",
        "swap_item",
    )

    def __init__(self, scheme: Scheme, method: CompensationMethod) -> None:
        applicable = [item for item in scheme.items if item.applies_to(method)]
        self.steps: list[Step] = prepare(scheme, applicable)
        self.effective_date = scheme.effective_date
        self.params = scheme.params
        self.flat_rules: ResettlementRules | None = None  # parsed when a household has flats
        self.money = method is CompensationMethod.MONEY
        found = [scheme.item(code) for code in {item.code for item in scheme.items}]
        self.attachment_codes = frozenset(
            it.code for it in found if it is not None and it.kind is RateKind.PER_ITEM
        )
        self.decoration_codes = frozenset(
            it.code for it in found if it is not None and it.kind is RateKind.DECORATION
        )
        self.priced = frozenset(
            (structure_type, legality)
            for structure_type in StructureType
            for legality in Legality
            if any(_prices(item, structure_type, legality) for item in applicable)
        )
        swap_items = [item for item in applicable if item.kind is RateKind.RESETTLEMENT]
        self.swap_item = swap_items[0] if swap_items else None
        # Area items with conditions: which of them priced each area is checked per household.
        self.area_steps = (
            [step for step in self.steps if step.kind is RateKind.AREA]
            if any(s.kind is RateKind.AREA and s.conditions for s in self.steps)
            else None
        )


class _SchemeCache:
    __slots__ = ("bonus_items", "conditional", "plans", "ref")

    def __init__(self, scheme: Scheme) -> None:
        self.ref = weakref.ref(scheme, functools.partial(_forget, id(scheme)))
        self.plans: dict[tuple[CompensationMethod, str], _Plan] = {}
        self.bonus_items = tuple(
            (item.code, item.date_source == "vacated", item.windows)
            for item in scheme.items
            if item.kind is RateKind.BONUS_WINDOW
        )
        self.conditional = tuple(
            (item.code, compile_conditions(item.conditions, scheme.params, judged_on))
            for item in scheme.items
            if item.conditions
        )


_CACHES: dict[int, _SchemeCache] = {}


def _forget(key: int, _ref: weakref.ref[Scheme]) -> None:
    _CACHES.pop(key, None)


def _cache(scheme: Scheme) -> _SchemeCache:
    found = _CACHES.get(id(scheme))
    if found is None or found.ref() is not scheme:
        found = _CACHES[id(scheme)] = _SchemeCache(scheme)
    return found


def _plan(scheme: Scheme, method: CompensationMethod) -> _Plan:
    plans = _cache(scheme).plans
    key = (method, i18n.language())
    found = plans.get(key)
    if found is None:
        found = plans[key] = _Plan(scheme, method)
    return found


def _fits(household: HouseholdInput, plan: _Plan) -> bool:
    """True if :func:`_check` would pass (False: let it find and say what is wrong)."""
    h = household
    if h.signed_on is not None and h.signed_on < plan.effective_date:
        return False
    codes = plan.attachment_codes
    for attachment in h.attachments:
        if attachment.item_code not in codes:
            return False
    priced = plan.priced
    for s in h.structures:
        if s.decoration and s.decoration not in plan.decoration_codes:
            return False
        if s.legal_area_dm2 and (s.structure_type, Legality.LEGAL) not in priced:
            return False
        if s.unlicensed_area_dm2 and (s.structure_type, Legality.UNLICENSED) not in priced:
            return False
    if plan.money:
        return h.resettlement_area_dm2 is None and not h.chosen_flats
    if plan.swap_item is None:
        return False
    if h.chosen_flats:
        return True
    chosen = h.resettlement_area_dm2
    return chosen is None or chosen <= entitled_area_dm2(plan.swap_item, h)


# --- the calculation ---------------------------------------------------------------------------


def compute(household: HouseholdInput, scheme: Scheme, *, as_of: date) -> CalculationResult:
    """Calculate ``household`` under ``scheme``; bonuses judged as described in the module
    docstring. Raises :class:`EngineError` if the data and the scheme do not fit."""
    plan = _plan(scheme, household.compensation_method)
    if not _fits(household, plan):
        _check(household, scheme)
    facts = Facts(household)
    lines: list[Line] = []
    total = 0
    applied: list[Step] | None = None if plan.area_steps is None else []
    for step in plan.steps:
        conditions = step.conditions
        if conditions:
            for condition in conditions:
                if not condition.test(facts, as_of):
                    break
            else:
                conditions = ()  # met; said on the line below
            if conditions is step.conditions:
                continue
        if applied is not None and step.kind is RateKind.AREA:
            applied.append(step)
        draft = step.rule(step, facts, lines, as_of)
        if draft is None:
            continue
        quantity, rate_fen, amount_fen, unit, explanation = draft
        if step.conditions:
            explanation += step.texts.conditions.format(
                conditions="；".join(c.text(facts, as_of) for c in step.conditions)
            )
        lines.append(
            make_line(
                len(lines) + 1,
                step.code,
                step.name,
                step.category,
                step.kind,
                unit,
                quantity,
                rate_fen,
                amount_fen,
                explanation,
            )
        )
        total += amount_fen
        if household.chosen_flats and step.kind is RateKind.RESETTLEMENT:
            found = _flat_lines(plan, household, step)
            total += add_lines(lines, step.code, step.category, step.unit, found)
    if applied is not None:
        _check_area_priced_once(household, scheme, applied)
    return CalculationResult(tuple(lines), total, money.to_chinese_upper(total))


def _flat_lines(plan: _Plan, household: HouseholdInput, step: Step) -> list[FlatLine]:
    rules = plan.flat_rules
    if rules is None:
        rules = plan.flat_rules = rules_of(plan.params)
    entitled = flat_entitlement(
        rules, plan.params, household, entitled_area_dm2(step.item, household)
    )
    return flat_lines(rules, entitled, household.chosen_flats)


def _check_area_priced_once(household: HouseholdInput, scheme: Scheme, applied: list[Step]) -> None:
    """With conditional area rates: each area of the household is priced by exactly one
    of the area items whose conditions it met."""
    for structure in household.structures:
        for legality, dm2 in (
            (Legality.LEGAL, structure.legal_area_dm2),
            (Legality.UNLICENSED, structure.unlicensed_area_dm2),
        ):
            if not dm2:
                continue
            pricing = [s for s in applied if _prices(s.item, structure.structure_type, legality)]
            if len(pricing) == 1:
                continue
            fields = {
                "scheme": _scheme_name(scheme),
                "structure": _(STRUCTURE_LABELS[structure.structure_type]),
                "legality": _("合法") if legality is Legality.LEGAL else _("无证"),
            }
            if not pricing:
                raise EngineError(
                    "no_rate_for_structure",
                    _(
                        "{scheme}中{structure}结构{legality}面积的补偿单价都有适用条件，该户一个也不符合；"
                        "请核对该户数据或方案的适用条件",
                        **fields,
                    ),
                )
            raise EngineError(
                "two_rates_for_structure",
                _(
                    "{scheme}中{structure}结构{legality}面积有两个补偿单价同时适用于该户（{codes}）；"
                    "请修改方案的适用条件，使每户只适用一个",
                    codes="、".join(s.code for s in pricing),
                    **fields,
                ),
            )


def _scheme_name(scheme: Scheme) -> str:
    return _("《{name}》第{version}版", name=scheme.name, version=scheme.version_no)


def inputs_hash(household: HouseholdInput, scheme: Scheme, *, as_of: date) -> str:
    """SHA-256 (hex) of everything a calculation depends on: the household's data, the
    scheme's content and — for bonuses still judged by ``as_of`` — which bonus window
    ``as_of`` falls in (not the date itself, so the hash does not go stale every day).

    The hashed text is ``canonical_json`` of ``{"household": household_to_dict(…),
    "scheme": content_hash(…), "bonus_windows": [[code, window index], …]}``, written out
    here directly (the same text, much faster than building the dicts)."""
    h = household
    cache = _cache(scheme)
    windows = []
    for code, by_vacating, item_windows in cache.bonus_items:
        index, _window = find_window(item_windows, judged_on(by_vacating, h, as_of))
        windows.append(f"[{_json_str(code)},{index}]")
    # Items with conditions: whether each applies (only schemes that have any: the hashes
    # of schemes without conditions stay as they were).
    met = ""
    if cache.conditional:
        facts = Facts(h)
        met = (
            ',"conditions":['
            + ",".join(
                f"[{_json_str(code)},{'true' if all(c.test(facts, as_of) for c in conds) else 'false'}]"
                for code, conds in cache.conditional
            )
            + "]"
        )
    text = (
        '{"bonus_windows":['
        + ",".join(windows)
        + "]"
        + met
        + ',"household":'
        + _household_json(h)
        + ',"scheme":'
        + _json_str(content_hash(scheme))
        + "}"
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _household_json(h: HouseholdInput) -> str:
    """``canonical_json(household_to_dict(h))``, written directly."""
    structures = sorted(
        (s.decoration, s.legal_area_dm2, s.structure_type.value, s.unlicensed_area_dm2)
        for s in h.structures
    )
    attachments = sorted((a.item_code, a.quantity_milli) for a in h.attachments)
    j, v = _json_str, _json_value
    return (
        '{"attachments":['
        + ",".join(f'{{"item_code":{j(c)},"quantity_milli":{v(q)}}}' for c, q in attachments)
        + '],"business_area_dm2":'
        + v(h.business_area_dm2)
        + chosen_flats_json(h)
        + ',"code":'
        + j(h.code)
        + ',"compensation_method":'
        + j(h.compensation_method.value)
        + ',"member_count":'
        + v(h.member_count)
        + ',"resettlement_area_dm2":'
        + v(h.resettlement_area_dm2)
        + ',"signed_on":'
        + (j(h.signed_on.isoformat()) if h.signed_on else "null")
        + ',"structures":['
        + ",".join(
            f'{{"decoration":{j(d)},"legal_area_dm2":{v(lg)},'
            f'"structure_type":{j(t)},"unlicensed_area_dm2":{v(ul)}}}'
            for d, lg, t, ul in structures
        )
        + '],"vacated_on":'
        + (j(h.vacated_on.isoformat()) if h.vacated_on else "null")
        + ',"vulnerable":'
        + v(h.vulnerable)
        + "}"
    )


def _json_value(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return repr(value)
    return canonical_json(value)


def _check(household: HouseholdInput, scheme: Scheme) -> None:
    method = household.compensation_method
    applicable = [item for item in scheme.items if item.applies_to(method)]
    if household.signed_on is not None and household.signed_on < scheme.effective_date:
        raise EngineError(
            "signed_before_scheme",
            _(
                "该户 {signed} 已签约，早于{scheme}的生效日期 {effective}；"
                "已签约户按签约时有效的方案版本计算",
                signed=household.signed_on.isoformat(),
                scheme=_scheme_name(scheme),
                effective=scheme.effective_date.isoformat(),
            ),
        )
    for attachment in household.attachments:
        found = scheme.item(attachment.item_code)
        if found is None or found.kind is not RateKind.PER_ITEM:
            raise EngineError(
                "unknown_attachment",
                _(
                    "附属物编码“{code}”在{scheme}中没有对应的附属物补偿项目；"
                    "请核对调查数据或补偿方案",
                    code=attachment.item_code,
                    scheme=_scheme_name(scheme),
                ),
            )
    for structure in household.structures:
        if structure.decoration:
            found = scheme.item(structure.decoration)
            if found is None or found.kind is not RateKind.DECORATION:
                raise EngineError(
                    "unknown_decoration",
                    _(
                        "装修等级“{code}”在{scheme}中没有对应的装修补偿项目",
                        code=structure.decoration,
                        scheme=_scheme_name(scheme),
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
                        "{scheme}没有{structure}结构{legality}面积的补偿单价（{method}）",
                        scheme=_scheme_name(scheme),
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
        if household.chosen_flats:
            raise EngineError(
                "flats_for_money",
                _("该户选择货币补偿，却已选定安置房；请先撤销选房，或把补偿方式改为产权调换"),
            )
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
                "{scheme}没有适用于“{method}”的产权调换安置项目",
                scheme=_scheme_name(scheme),
                method=_method_label(method),
            ),
        )
    if household.chosen_flats:
        return  # the flats passed the scheme's combination rules when they were chosen
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
