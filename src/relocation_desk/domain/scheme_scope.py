"""Scheme-wide settings beyond the items: where a scheme applies, its named dates and 片区,
how lines are rounded, and which land (and so which law) it is for.

The scheme's ``params`` may hold:

* ``scope`` — ``{"villages": ["张庄村"], "zones": ["一片区"]}``: the scheme applies only to
  households of these villages or 片区 (absent: the whole project). Each household must fall
  under exactly one published scheme; :func:`scope_overlap` says where two schemes meet.
* ``zones`` — ``{"一片区": ["张庄村", "李庄村/三组"]}``: named 片区 made of villages or
  village groups (``村/组``), for ``scope`` and for item conditions.
* ``dates`` — ``{"签约期开始": "2026-03-01"}``: named project dates that reward windows and
  milestone conditions count from (see :mod:`.scheme_conditions`).
* ``rounding`` — ``"line"`` (default: each line rounded half-up to the fen once) or
  ``"building"`` (area lines rounded per building, then added up).
* ``land_type`` — ``"state"`` (国有土地, default) or ``"collective"`` (集体土地): chooses the
  agreement template and so the law the agreement cites; ``provincial_rules`` names the
  province's rules a collective-land agreement cites besides the 土地管理法.

Only keys that are used are stored, so a scheme written before these existed keeps its
canonical form and content hash.

Besides these, ``params`` may hold ``issuer`` (发文单位), ``notes``, ``category_names`` (the
names of the scheme's own categories), ``notice_period_days`` (公示天数, a number or one per
notice kind) and ``resettlement`` (the property-swap rules, :mod:`.resettlement`):
:data:`PARAM_KEYS`. A scheme file is held to these keys when it is imported
(:func:`param_key_problems`); a stored version loads with whatever params it was published
with.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..i18n import _
from .resettlement import ENTITLEMENT_KEYS, LAYOUT_KEYS, RULE_KEYS
from .scheme_conditions import check_named_dates, in_places
from .scheme_keys import key_problems, unknown
from .status import NoticeKind

__all__ = [
    "LAND_TYPES",
    "ROUNDINGS",
    "check_scheme_settings",
    "covers",
    "land_type",
    "param_key_problems",
    "rounding",
    "scope_overlap",
    "scope_text",
]

LAND_TYPES: dict[str, str] = {"state": "国有土地", "collective": "集体土地"}
ROUNDINGS: dict[str, str] = {
    "line": "每行四舍五入到分",
    "building": "面积类项目按每幢房屋分别四舍五入到分后相加",
}
SETTING_KEYS = {"scope", "zones", "dates", "rounding", "land_type", "provincial_rules"}
PARAM_KEYS: tuple[str, ...] = (
    "issuer", "notes", "category_names", "scope", "zones", "dates", "rounding", "land_type",
    "provincial_rules", "notice_period_days", "resettlement",
)  # fmt: skip
_SCOPE_KEYS = ("villages", "zones")
_Bad = Callable[[str], None]


def check_scheme_settings(raw: Mapping[str, Any], bad: _Bad) -> None:
    """Report every problem with the settings above (the other params are checked elsewhere)."""
    if "dates" in raw:
        check_named_dates(raw["dates"], bad)
    zones = raw.get("zones")
    if "zones" in raw and (
        not isinstance(zones, Mapping)
        or not all(
            isinstance(k, str)
            and k.strip()
            and isinstance(v, list)
            and v
            and all(isinstance(x, str) and x.strip() for x in v)
            for k, v in zones.items()
        )
    ):
        bad(_('方案参数 zones 应为“片区名称: [村或村/组, …]”的对象，如 {"一片区": ["张庄村"]}'))
        zones = {}
    if "scope" in raw:
        scope = raw["scope"]
        if isinstance(scope, Mapping) and unknown(scope, _SCOPE_KEYS):
            for problem in key_problems(scope, _SCOPE_KEYS, _("适用范围（scope）")):
                bad(problem)
        elif (
            not isinstance(scope, Mapping)
            or not set(scope) <= {"villages", "zones"}
            or not all(
                isinstance(v, list) and all(isinstance(x, str) and x.strip() for x in v)
                for v in scope.values()
            )
            or not any(scope.values())
        ):
            bad(_('方案参数 scope 应为 {"villages": [村名, …], "zones": [片区名, …]}，且不能为空'))
        else:
            undefined = [z for z in scope.get("zones", []) if z not in (zones or {})]
            if undefined:
                bad(
                    _(
                        "适用范围中的片区“{names}”没有在方案参数 zones 中定义",
                        names="、".join(undefined),
                    )
                )
    if "rounding" in raw and not (
        isinstance(raw["rounding"], str) and raw["rounding"] in ROUNDINGS
    ):
        bad(_("方案参数 rounding 应为 line（每行取整）或 building（按幢取整）"))
    if "land_type" in raw and not (
        isinstance(raw["land_type"], str) and raw["land_type"] in LAND_TYPES
    ):
        bad(_("方案参数 land_type 应为 state（国有土地）或 collective（集体土地）"))
    rules = raw.get("provincial_rules")
    if "provincial_rules" in raw and (not isinstance(rules, str) or not rules.strip()):
        bad(_("方案参数 provincial_rules 应为省级规定的名称，如《××省土地管理条例》"))
    if raw.get("land_type") == "collective" and not (isinstance(rules, str) and rules.strip()):
        bad(_("集体土地方案应在方案参数 provincial_rules 中写明适用的省级规定名称"))


def param_key_problems(params: Any) -> list[str]:
    """Every unknown key of a scheme file's ``params``, and of its ``resettlement`` and
    ``notice_period_days`` sections, naming the place and the nearest known key."""
    if not isinstance(params, Mapping):
        return []  # parse_scheme says params must be an object
    problems = key_problems(params, PARAM_KEYS, _("方案参数（params）"))
    days = params.get("notice_period_days")
    if isinstance(days, Mapping):
        kinds = [k.value for k in NoticeKind]
        problems += key_problems(days, kinds, _("公示天数（notice_period_days）"))
    section = params.get("resettlement")
    if not isinstance(section, Mapping):
        return problems
    problems += key_problems(section, RULE_KEYS, _("产权调换规则（resettlement）"))
    if isinstance(section.get("entitlement"), Mapping):
        where = _("应安置面积（resettlement.entitlement）")
        problems += key_problems(section["entitlement"], ENTITLEMENT_KEYS, where)
    layouts = section.get("remainder_layouts")
    for n, row in enumerate(layouts if isinstance(layouts, list) else [], start=1):
        if isinstance(row, Mapping):
            where = _("产权调换规则 remainder_layouts 的第{n}行", n=n)
            problems += key_problems(row, LAYOUT_KEYS, where)
    return problems


def rounding(params: Mapping[str, Any]) -> str:
    return str(params.get("rounding", "line"))


def land_type(params: Mapping[str, Any]) -> str:
    return str(params.get("land_type", "state"))


def _places(params: Mapping[str, Any]) -> list[str] | None:
    """The villages and ``村/组`` the scheme covers; ``None`` for the whole project."""
    scope = params.get("scope")
    if not scope:
        return None
    zones = params.get("zones") or {}
    places = [str(v) for v in scope.get("villages", ())]
    for zone in scope.get("zones", ()):
        places.extend(str(p) for p in zones.get(zone, ()))
    return places


def covers(params: Mapping[str, Any], village: str, group: str) -> bool:
    """Whether a scheme with these params applies to a household of ``village``/``group``."""
    places = _places(params)
    return places is None or in_places(village, group, places)


def scope_overlap(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """Where two schemes' scopes meet (``["全部村"]`` if either covers the whole project)."""
    pa, pb = _places(a), _places(b)
    if pa is None or pb is None:
        return [_("全部村（至少一个方案没有限定适用范围）")]
    found = []
    for x in pa:
        for y in pb:
            if x == y or y.startswith(x + "/"):
                found.append(y)
            elif x.startswith(y + "/"):
                found.append(x)
    return list(dict.fromkeys(found))


def scope_text(params: Mapping[str, Any]) -> str:
    """The scope in Chinese: ``全部村`` or ``村：…；片区：…``."""
    scope = params.get("scope")
    if not scope:
        return _("本项目全部村")
    parts = []
    if scope.get("villages"):
        parts.append(_("村：{names}", names="、".join(scope["villages"])))
    if scope.get("zones"):
        parts.append(_("片区：{names}", names="、".join(scope["zones"])))
    return "；".join(parts)
