"""Conditions on rate items, and dates written relative to the project's named dates.

An item's ``when`` parameter is a list of conditions; the item gives a line only to
households that meet all of them. The vocabulary is small and closed (no expressions, no
``eval``), each condition a JSON object of one of these shapes:

* ``{"flag": "dibao" | "disabled" | "cadre" | "vulnerable", "is": true | false}`` — 低保户,
  残疾人家庭, a member who is a cadre or a cadre's relative, 困难户 (低保 or 残疾).
* ``{"area": "legal" | "unlicensed" | "total" | "business", "op": ">" | ">=" | "<" | "<=" |
  "=" | "!=", "value": "0"}`` — one of the household's areas (㎡, exact decimal text).
* ``{"has_structure": ["brick_concrete", …], "legality": "legal" | "unlicensed" | "all"}``
  — the household has area of one of these structure types (of that legality).
* ``{"milestone": "signed" | "vacated", "by": DATE}`` — signed (vacated) on or before
  ``DATE``; judged by the recorded date, or before one is recorded by the day the figures
  are computed for, exactly as reward windows are (:func:`.engine_rules.judged_on`).
* ``{"village": ["张庄村", …]}`` and ``{"zone": ["一片区", …]}`` — where the household is; a
  片区 is named in the scheme's ``zones`` parameter (see :mod:`.scheme_scope`).

``DATE`` (here and in reward windows) is either ``"YYYY-MM-DD"`` or ``{"date": "签约期开始",
"days": 15}``: a named date of the scheme's ``dates`` parameter plus a number of days.
Conditions are checked and made canonical by :func:`parse_conditions`, and turned into tests
the engine runs (:func:`compile_conditions`) with their Chinese wording (:func:`describe`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from ..i18n import _
from .household_input import HouseholdInput
from .scheme_keys import key_problems, unknown
from .status import STRUCTURE_LABELS, StructureType

__all__ = [
    "FLAGS",
    "Condition",
    "compile_conditions",
    "date_spec_text",
    "describe",
    "parse_conditions",
    "parse_date_spec",
    "resolve_date",
]

FLAGS: dict[str, str] = {
    "dibao": "低保户",
    "disabled": "残疾人家庭",
    "cadre": "干部或干部亲属户",
    "vulnerable": "困难户（低保或残疾）",
}
AREAS: dict[str, str] = {
    "legal": "合法面积",
    "unlicensed": "无证面积",
    "total": "房屋总面积",
    "business": "经营面积",
}
OPS: dict[str, str] = {">": "＞", ">=": "≥", "<": "＜", "<=": "≤", "=": "＝", "!=": "≠"}
MILESTONES = {"signed": "签约日期", "vacated": "腾房日期"}
_LEGALITIES = ("legal", "unlicensed", "all")
_DATE_KEYS = ("date", "days")
# Each condition's keys, by the key that says which condition it is.
SHAPES: dict[str, tuple[str, ...]] = {
    "flag": ("flag", "is"),
    "area": ("area", "op", "value"),
    "has_structure": ("has_structure", "legality"),
    "milestone": ("milestone", "by"),
    "village": ("village",),
    "zone": ("zone",),
}
_CONDITION_KEYS = tuple(dict.fromkeys(k for shape in SHAPES.values() for k in shape))
_MAX_DAYS = 3660
_Bad = Callable[[str], None]


# --- dates -------------------------------------------------------------------------------------


def parse_date_spec(raw: Any, dates: Mapping[str, Any], bad: _Bad, what: str) -> Any:
    """``raw`` checked: an ISO date text, or ``{"date": name, "days": n}`` naming one of the
    scheme's ``dates``. Returns the canonical form (``None`` after reporting a problem)."""
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw.isoformat()
    if isinstance(raw, str):
        if _iso(raw) is None:
            bad(_("{what}“{value}”不是 YYYY-MM-DD 格式的有效日期", what=what, value=raw))
            return None
        return raw
    if isinstance(raw, Mapping) and unknown(raw, _DATE_KEYS):
        for problem in key_problems(raw, _DATE_KEYS, what):
            bad(problem)
        return None
    if isinstance(raw, Mapping) and "date" in raw:
        name, days = raw["date"], raw.get("days", 0)
        if not isinstance(name, str) or name not in dates:
            bad(
                _(
                    "{what}引用的日期“{name}”没有在方案参数 dates 中定义（已定义：{names}）",
                    what=what,
                    name=name,
                    names="、".join(dates) or _("无"),
                )
            )
            return None
        if not isinstance(dates[name], str) or _iso(dates[name]) is None:
            return None  # reported with the scheme's dates
        if isinstance(days, bool) or not isinstance(days, int) or abs(days) > _MAX_DAYS:
            bad(_("{what}的天数 days 应为 -3660 到 3660 之间的整数", what=what))
            return None
        return {"date": name, "days": days}
    bad(_('{what}应为 "YYYY-MM-DD" 或 {{"date": "签约期开始", "days": 15}}', what=what))
    return None


def resolve_date(spec: Any, dates: Mapping[str, Any]) -> date:
    """The day a canonical date spec stands for."""
    if isinstance(spec, str):
        return date.fromisoformat(spec)
    return date.fromisoformat(str(dates[spec["date"]])) + timedelta(days=int(spec["days"]))


def date_spec_text(spec: Any, dates: Mapping[str, Any]) -> str:
    """``2026-03-16`` or ``2026-03-16（签约期开始 + 15 天）``."""
    day = resolve_date(spec, dates).isoformat()
    if isinstance(spec, str):
        return day
    days = int(spec["days"])
    if days == 0:
        return _("{day}（{name}）", day=day, name=spec["date"])
    sign = "+" if days > 0 else "−"
    return _("{day}（{name} {sign} {n} 天）", day=day, name=spec["date"], sign=sign, n=abs(days))


def check_named_dates(raw: Any, bad: _Bad) -> None:
    """The scheme's ``dates`` parameter: ``{"签约期开始": "2026-03-01", …}``."""
    if not isinstance(raw, Mapping) or not all(
        isinstance(k, str) and k.strip() and isinstance(v, str) and _iso(v) for k, v in raw.items()
    ):
        bad(_('方案参数 dates 应为“名称: 日期”的对象，如 {"签约期开始": "2026-03-01"}'))


def _iso(text: str) -> date | None:
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


# --- conditions ------------------------------------------------------------------------------


def parse_conditions(raw: Any, scheme_params: Mapping[str, Any], bad: _Bad) -> list[Any]:
    """The item's ``when`` list checked and canonical (every problem reported)."""
    if not isinstance(raw, list) or not raw:
        bad(_("适用条件 when 应为不为空的条件列表"))
        return []
    dates = scheme_params.get("dates") if isinstance(scheme_params.get("dates"), Mapping) else {}
    zones = scheme_params.get("zones") if isinstance(scheme_params.get("zones"), Mapping) else {}
    out: list[Any] = []
    for n, cond in enumerate(raw, start=1):

        def bad_n(text: str, n: int = n) -> None:
            bad(_("第{n}个适用条件：{problem}", n=n, problem=text))

        found = _condition(cond, dates or {}, zones or {}, bad_n)
        if found is not None:
            out.append(found)
    return out


def _condition(
    cond: Any, dates: Mapping[str, Any], zones: Mapping[str, Any], bad: _Bad
) -> dict[str, Any] | None:
    if not isinstance(cond, Mapping):
        bad(_("应为一个对象（键值对）"))
        return None
    keys = set(cond)
    heads = [head for head in SHAPES if head in keys]
    if len(heads) == 1 and unknown(cond, SHAPES[heads[0]]):
        for problem in key_problems(cond, SHAPES[heads[0]], _("此条件")):
            bad(problem)
        return None
    if not heads and unknown(cond, _CONDITION_KEYS):
        for problem in key_problems(cond, _CONDITION_KEYS, _("此条件")):
            bad(problem)
        return None
    if "flag" in keys and keys <= {"flag", "is"}:
        if not _named(cond["flag"], FLAGS):
            bad(_("标记 flag 应为 {flags} 之一", flags="、".join(FLAGS)))
            return None
        if not isinstance(cond.get("is", True), bool):
            bad(_("is 应为 true 或 false"))
            return None
        return {"flag": cond["flag"], "is": cond.get("is", True)}
    if "area" in keys and keys == {"area", "op", "value"}:
        if not _named(cond["area"], AREAS) or not _named(cond["op"], OPS):
            bad(
                _(
                    "面积条件：area 应为 {areas} 之一，op 应为 {ops} 之一",
                    areas="、".join(AREAS),
                    ops=" ".join(OPS),
                )
            )
            return None
        value = _area_value(cond["value"])
        if value is None:
            bad(_('面积条件的 value 应为不小于 0、最多两位小数的数字文字（㎡），如 "0"'))
            return None
        return {"area": cond["area"], "op": cond["op"], "value": value}
    if "has_structure" in keys and keys <= {"has_structure", "legality"}:
        types = cond["has_structure"]
        valid = {t.value for t in StructureType}
        if not isinstance(types, list) or not types or not all(_named(t, valid) for t in types):
            bad(
                _(
                    "结构条件 has_structure 应为结构类型的列表，可用：{types}",
                    types="、".join(valid),
                )
            )
            return None
        legality = cond.get("legality", "all")
        if not _named(legality, _LEGALITIES):
            bad(_("结构条件的 legality 应为 legal、unlicensed 或 all"))
            return None
        ordered = [t.value for t in StructureType if t.value in types]
        return {"has_structure": ordered, "legality": legality}
    if "milestone" in keys and keys == {"milestone", "by"}:
        if not _named(cond["milestone"], MILESTONES):
            bad(_("节点条件 milestone 应为 signed（签约）或 vacated（腾房）"))
            return None
        spec = parse_date_spec(cond["by"], dates, bad, _("节点条件的日期（by）"))
        return None if spec is None else {"milestone": cond["milestone"], "by": spec}
    for key, label in (("village", _("村")), ("zone", _("片区"))):
        if keys == {key}:
            names = cond[key]
            if (
                not isinstance(names, list)
                or not names
                or not all(isinstance(v, str) and v.strip() for v in names)
            ):
                bad(_("{label}条件应为不为空的名称列表", label=label))
                return None
            if key == "zone":
                undefined = [z for z in names if z.strip() not in zones]
                if undefined:
                    bad(_("片区“{names}”没有在方案参数 zones 中定义", names="、".join(undefined)))
                    return None
            return {key: list(dict.fromkeys(v.strip() for v in names))}
    bad(
        _(
            "无法识别的条件（可用：flag、area、has_structure、milestone、village、zone），"
            "字段为：{keys}",
            keys="、".join(sorted(str(k) for k in keys)),
        )
    )
    return None


def _named(value: Any, table: Any) -> bool:
    """``value`` is one of ``table``'s names (any JSON value may come in: a list is not)."""
    return isinstance(value, str) and value in table


def _area_value(raw: Any) -> str | None:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        return None
    try:
        value = Decimal(raw.strip() if isinstance(raw, str) else raw)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > 10**7 or value * 100 != int(value * 100):
        return None
    return format(value.normalize(), "f")


# --- the engine's side: tests and wording ----------------------------------------------------


class Condition:
    """One compiled condition: ``test(facts, as_of)`` and ``text(facts, as_of)`` (Chinese)."""

    __slots__ = ("depends_on_day", "test", "text")

    def __init__(
        self,
        test: Callable[[Any, date], bool],
        text: Callable[[Any, date], str],
        depends_on_day: bool = False,
    ) -> None:
        self.test = test
        self.text = text
        self.depends_on_day = depends_on_day


def compile_conditions(
    conditions: Sequence[Mapping[str, Any]],
    scheme_params: Mapping[str, Any],
    day_of: Callable[[bool, HouseholdInput, date], date],
) -> tuple[Condition, ...]:
    """Tests over the engine's facts (``facts.household``, ``facts.legal`` …). ``day_of``
    is the engine's rule for the date a milestone is judged by."""
    dates = scheme_params.get("dates") or {}
    zones = scheme_params.get("zones") or {}
    return tuple(_compile(c, dates, zones, day_of) for c in conditions)


def _compile(
    c: Mapping[str, Any],
    dates: Mapping[str, Any],
    zones: Mapping[str, Any],
    day_of: Callable[[bool, HouseholdInput, date], date],
) -> Condition:
    fixed = describe(c, scheme_dates=dates)

    def same(_facts: Any, _as_of: date) -> str:
        return fixed

    if "flag" in c:
        flag, wanted = str(c["flag"]), bool(c["is"])
        if flag == "vulnerable":
            return Condition(lambda f, d: f.household.vulnerable is wanted, same)
        return Condition(lambda f, d: getattr(f.household, flag) is wanted, same)
    if "area" in c:
        which, op = str(c["area"]), str(c["op"])
        limit = int(Decimal(c["value"]) * 100)
        compare = _COMPARE[op]

        def area_of(f: Any) -> int:
            if which == "legal":
                return int(f.legal)
            if which == "unlicensed":
                return int(f.unlicensed)
            if which == "total":
                return int(f.legal + f.unlicensed)
            return int(f.household.business_area_dm2)

        return Condition(lambda f, d: compare(area_of(f), limit), same)
    if "has_structure" in c:
        types = tuple(StructureType(t) for t in c["has_structure"])
        legality = str(c["legality"])
        return Condition(lambda f, d: any(f.area_dm2(legality, t) > 0 for t in types), same)
    if "milestone" in c:
        by_vacating = c["milestone"] == "vacated"
        limit_day = resolve_date(c["by"], dates)
        limit_text = date_spec_text(c["by"], dates)

        def milestone_text(f: Any, as_of: date) -> str:
            h = f.household
            recorded = h.vacated_on if by_vacating else h.signed_on
            day = day_of(by_vacating, h, as_of)
            if recorded is None:
                source = _("计算日期（尚未腾房）") if by_vacating else _("计算日期（尚未签约）")
            else:
                source = _(MILESTONES["vacated" if by_vacating else "signed"])
            return _("{source} {day} 不晚于 {limit}", source=source, day=day, limit=limit_text)

        return Condition(
            lambda f, d: day_of(by_vacating, f.household, d) <= limit_day,
            milestone_text,
            depends_on_day=True,
        )
    if "village" in c:
        villages = frozenset(c["village"])
        return Condition(lambda f, d: f.household.village in villages, same)
    members = [str(m) for z in c["zone"] for m in zones.get(z, ())]
    return Condition(lambda f, d: in_places(f.household.village, f.household.group, members), same)


def in_places(village: str, group: str, members: Sequence[str]) -> bool:
    """Whether a household of ``village`` / ``group`` is among ``members`` (``"村"`` or
    ``"村/组"`` names)."""
    return village in members or f"{village}/{group}" in members


_COMPARE: dict[str, Callable[[int, int], bool]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def describe(c: Mapping[str, Any], *, scheme_dates: Mapping[str, Any]) -> str:
    """The condition in Chinese, as the editor, the documentation and the lines say it."""
    if "flag" in c:
        label = _(FLAGS[str(c["flag"])])
        return label if c["is"] else _("非{label}", label=label)
    if "area" in c:
        return _(
            "{area} {op} {value}㎡",
            area=_(AREAS[str(c["area"])]),
            op=OPS[str(c["op"])],
            value=c["value"],
        )
    if "has_structure" in c:
        types = "、".join(_(STRUCTURE_LABELS[StructureType(t)]) for t in c["has_structure"])
        legality = {"legal": _("合法"), "unlicensed": _("无证"), "all": ""}[str(c["legality"])]
        return _("有{types}结构{legality}面积", types=types, legality=legality)
    if "milestone" in c:
        return _(
            "{source}不晚于 {limit}",
            source=_(MILESTONES[str(c["milestone"])]),
            limit=date_spec_text(c["by"], scheme_dates),
        )
    if "village" in c:
        return _("村：{names}", names="、".join(c["village"]))
    return _("片区：{names}", names="、".join(c["zone"]))
