"""Checks over a scheme's items taken together, for :func:`.scheme_parse.parse_scheme`.

:func:`overlaps` refuses two rates for the same thing (they would pay twice). It groups the
items by what they price instead of comparing every pair, so a scheme of thousands of
items is checked in a moment, and reports each group of clashing items once.
:func:`derived_rates` checks that a rate derived from another item's (``rate_of``) names an
item that has a rate of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..i18n import _
from .scheme import RateItem, RateKind, canonical_json, thaw

__all__ = ["derived_rates", "overlaps"]

_Add = Callable[[str], None]
_MAX_REPORTED = 20


def derived_rates(items: list[RateItem], positions: dict[str, int], add: _Add) -> None:
    """A ``rate_of`` item names an item of its own kind that has a rate of its own."""
    by_code = {it.code: it for it in items}
    for item in items:
        ref = item.params.get("rate_of")
        if ref is None:
            continue
        other = by_code.get(ref["code"])
        if other is None or other.kind is not item.kind or "rate_of" in other.params:
            add(
                _(
                    "第{n}项（{code}）：折算单价引用的“{other}”应为同一计算方式、有自己单价的项目",
                    n=positions[item.code] + 1,
                    code=item.code,
                    other=ref["code"],
                )
            )


def overlaps(items: list[RateItem], positions: dict[str, int], add: _Add) -> None:
    """Refuse items that price the same thing for the same households: area items of one
    legality whose structure types meet (no type = every type), or two property-swap items,
    for a compensation method they share and under the same conditions (items with
    different conditions are told apart by them)."""
    # (kind, legality, method, conditions) → structure type (None = all) → item indices
    groups: dict[tuple[Any, ...], dict[Any, list[int]]] = {}
    for index, item in enumerate(items):
        if item.kind is RateKind.AREA:
            legality, structure = item.legality, item.structure_type
        elif item.kind is RateKind.RESETTLEMENT:
            legality, structure = "", None
        else:
            continue
        when = canonical_json(thaw(item.conditions)) if item.conditions else ""
        for method in item.methods:
            by_type = groups.setdefault((item.kind, legality, method, when), {})
            by_type.setdefault(structure, []).append(index)
    clashes: dict[tuple[int, ...], RateKind] = {}
    for (kind, *_rest), by_type in groups.items():
        everything = by_type.get(None, [])
        typed = [indices for structure, indices in by_type.items() if structure is not None]
        sets = [everything + indices for indices in typed] if typed else [everything]
        for found in sets:
            if len(found) > 1:
                clashes.setdefault(tuple(sorted(found)), kind)
    reported = sorted(clashes.items())
    for indices, kind in reported[:_MAX_REPORTED]:
        text = (
            _("同一结构类型、同一面积类别只能有一个单价")
            if kind is RateKind.AREA
            else _("同一补偿方式只能有一个产权调换安置项目")
        )
        named = [items[i] for i in indices]
        if len(named) == 2:
            later, earlier = named[1], named[0]
            add(
                _(
                    "第{n}项（{code}）与第{other}项（{other_code}）重复：{problem}",
                    n=positions[later.code] + 1,
                    code=later.code,
                    other=positions[earlier.code] + 1,
                    other_code=earlier.code,
                    problem=text,
                )
            )
        else:
            listed = "、".join(f"{positions[it.code] + 1}（{it.code}）" for it in named[:10])
            if len(named) > 10:
                listed = _("{items}等共 {n} ", items=listed, n=len(named))
            add(_("第{items}项重复：{problem}", items=listed, problem=text))
    if len(reported) > _MAX_REPORTED:
        add(_("另有 {n} 组重复的项目未列出", n=len(reported) - _MAX_REPORTED))
