"""Reading a scheme version: :func:`parse_scheme` and the checks behind it.

Every problem is collected (not only the first), in Chinese, naming the item by position and
code, so whoever prepared the scheme file can fix them all in one pass. A key that is not
known at its level (the scheme, an item, its parameters, a condition, a reward window, a
derived rate, a basis, a date) is refused with the nearest known key (:mod:`.scheme_keys`);
the scheme's own ``params`` are held to their keys when a file is imported
(:func:`.scheme_scope.param_key_problems`), so a stored version always loads. Parameters come out
canonical (defaults filled in, lists as tuples, windows sorted, decimals as plain text), so
``parse_scheme(scheme_to_dict(s)) == s`` and the content hash does not depend on how the file was
written.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from ..i18n import _
from .scheme import (
    CATEGORY_LABELS,
    AreaBasis,
    Legality,
    Per,
    RateItem,
    RateKind,
    Scheme,
    SchemeError,
    freeze,
)
from .scheme_checks import derived_rates, overlaps
from .scheme_conditions import parse_conditions, parse_date_spec, resolve_date
from .scheme_keys import (
    BASIS_KEYS,
    RATE_OF_KEYS,
    TOP_KEYS,
    WINDOW_KEYS,
    item_key_problems,
    item_param_problems,
    key_problems,
    unknown,
)
from .scheme_scope import PARAM_KEYS, check_scheme_settings
from .status import CompensationMethod, StructureType

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
_MAX_RATE_FEN = 10**10  # 1亿元 per unit: anything larger is a typing error
_Bad = Callable[[str], None]
_NO_RATE = {RateKind.PERCENT, RateKind.BONUS_WINDOW}
_SWAP_METHODS = (CompensationMethod.SWAP.value, CompensationMethod.MIXED.value)
_ALL_METHODS = tuple(m.value for m in CompensationMethod)


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, text: str) -> None:
        self.items.append(text)


def parse_scheme(data: Mapping[str, Any]) -> Scheme:
    """Check ``data`` (a scheme version as a JSON-like dict) and build the :class:`Scheme`.

    Raises :class:`SchemeError` listing every problem.
    """
    if not isinstance(data, Mapping):
        raise SchemeError([_("方案数据应为一个对象（键值对）")])
    problems = _Problems()
    for problem in key_problems(
        data, TOP_KEYS, _("方案"), elsewhere=PARAM_KEYS, elsewhere_label=_("方案参数（params）")
    ):
        problems.add(problem)

    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.add(_("方案名称不能为空"))
        name = ""
    version_no = data.get("version_no")
    if not _is_int(version_no) or version_no < 1:
        problems.add(_("版本号应为正整数，而不是“{value}”", value=version_no))
        version_no = 0
    effective = _date(data.get("effective_date"))
    if effective is None:
        problems.add(
            _("生效日期“{value}”不是 YYYY-MM-DD 格式的有效日期", value=data.get("effective_date"))
        )
    params = _scheme_params(data.get("params", {}), problems)

    raw_items = data.get("items")
    items: list[RateItem] = []
    if not isinstance(raw_items, list) or not raw_items:
        problems.add(_("补偿项目列表（items）不能为空"))
        raw_items = []
    positions = _first_positions(raw_items)
    categories_so_far: set[str] = set()
    for index, raw in enumerate(raw_items):
        item = _item(index, raw, params, positions, categories_so_far, problems)
        if isinstance(raw, Mapping) and isinstance(raw.get("category"), str):
            categories_so_far.add(raw["category"])
        if item is not None:
            items.append(item)
    derived_rates(items, positions, problems.add)
    overlaps(items, positions, problems.add)

    if problems.items:
        raise SchemeError(problems.items, name.strip() if isinstance(name, str) else "")
    assert isinstance(name, str) and effective is not None and isinstance(version_no, int)
    return Scheme(name.strip(), version_no, effective, tuple(items), freeze(params))


def _first_positions(raw_items: list[Any]) -> dict[str, int]:
    """Item code → index of its first occurrence."""
    positions: dict[str, int] = {}
    for index, raw in enumerate(raw_items):
        if isinstance(raw, Mapping) and isinstance(raw.get("code"), str):
            positions.setdefault(raw["code"], index)
    return positions


def _scheme_params(raw: Any, problems: _Problems) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        problems.add(_("方案参数（params）应为一个对象（键值对）"))
        return {}
    if not _json_native(raw):
        problems.add(_("方案参数只能包含文字、整数、列表和对象；小数请写成文字"))
        return {}
    names = raw.get("category_names")
    if names is not None and (
        not isinstance(names, Mapping)
        or not all(isinstance(v, str) and v.strip() for v in names.values())
    ):
        problems.add(_("方案参数 category_names 应为“类别代码: 中文名称”的对象"))
    check_scheme_settings(raw, problems.add)
    return dict(raw)


def _item(
    index: int,
    raw: Any,
    scheme_params: Mapping[str, Any],
    positions: dict[str, int],
    categories_so_far: set[str],
    problems: _Problems,
) -> RateItem | None:
    code = raw.get("code") if isinstance(raw, Mapping) else None
    label = code if isinstance(code, str) and code else "?"
    before = len(problems.items)

    def bad(text: str) -> None:
        problems.add(_("第{n}项（{code}）：{problem}", n=index + 1, code=label, problem=text))

    if not isinstance(raw, Mapping):
        bad(_("应为一个对象（键值对）"))
        return None
    for problem in item_key_problems(raw):
        bad(problem)
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        bad(_("项目编码应为 1–40 个字母、数字、下划线、点或连字符，以字母或数字开头"))
    elif positions[code] != index:
        bad(_("项目编码与第{other}项重复", other=positions[code] + 1))
    name, unit = raw.get("name"), raw.get("unit")
    if not isinstance(name, str) or not name.strip():
        bad(_("项目名称不能为空"))
    elif len(name.strip()) > 100:
        bad(_("项目名称不能超过 100 个字"))
    if not isinstance(unit, str) or not unit.strip():
        bad(_("计量单位不能为空"))
    elif len(unit.strip()) > 10:
        bad(_("计量单位不能超过 10 个字"))
    category = raw.get("category")
    named = scheme_params.get("category_names")
    custom = set(named) if isinstance(named, Mapping) else set()
    if not isinstance(category, str) or not _CODE.fullmatch(category):
        bad(_("类别应为一个简短代码，如 house、attachment"))
    elif category not in CATEGORY_LABELS and category not in custom:
        bad(
            _(
                "类别“{category}”既不是标准类别（{standard}），也没有在方案参数 category_names 中命名",
                category=category,
                standard="、".join(CATEGORY_LABELS),
            )
        )
    try:
        kind: RateKind | None = RateKind(str(raw.get("kind")))
    except ValueError:
        bad(
            _(
                "未知的计算方式“{kind}”；可用的有：{kinds}",
                kind=raw.get("kind"),
                kinds="、".join(k.value for k in RateKind),
            )
        )
        kind = None
    raw_params = raw.get("params", {})
    if not isinstance(raw_params, Mapping):
        bad(_("参数（params）应为一个对象（键值对）"))
        return None
    # None: the kind is unknown, so whether it needs a rate is unknown too.
    uses_rate = None if kind is None else kind not in _NO_RATE
    if kind is RateKind.VULNERABLE_UPLIFT and "percent" in raw_params:
        uses_rate = False
    if "rate_of" in raw_params:
        uses_rate = False
    rate = _rate(raw, uses_rate, bad)
    if kind is None:
        return None
    params = _item_params(kind, raw_params, str(unit).strip(), scheme_params, bad)
    if "when" in raw_params:
        params["when"] = parse_conditions(raw_params["when"], scheme_params, bad)
    params.update(_basis_checked(kind, raw_params, index, code, positions, categories_so_far, bad))
    if len(problems.items) > before:
        return None
    assert isinstance(code, str) and isinstance(name, str) and isinstance(unit, str)
    assert isinstance(category, str)
    dates = scheme_params.get("dates")
    return RateItem(
        code,
        name.strip(),
        unit.strip(),
        rate,
        kind,
        category,
        freeze(params),
        freeze(dates if isinstance(dates, Mapping) else {}),
    )


def _rate(raw: Mapping[str, Any], uses_rate: bool | None, bad: _Bad) -> int:
    if "rate_fen" not in raw:
        if uses_rate:
            bad(_("缺少单价 rate_fen（以分为单位的整数）"))
        return 0
    rate = raw["rate_fen"]
    if not _is_int(rate):
        bad(_("单价 rate_fen 应为以分为单位的整数，而不是“{value}”", value=rate))
        return 0
    if rate < 0:
        bad(_("单价不能为负数"))
    elif rate > _MAX_RATE_FEN:
        bad(_("单价过大，请核对（单位是分）"))
    elif uses_rate is False and rate != 0:
        bad(_("此计算方式不使用单价，rate_fen 应为 0 或不填"))
    return rate


def _item_params(
    kind: RateKind,
    raw: Mapping[str, Any],
    unit: str,
    scheme_params: Mapping[str, Any],
    bad: _Bad,
) -> dict[str, Any]:
    for problem in item_param_problems(kind.value, raw):
        bad(problem)
    out: dict[str, Any] = {"methods": _methods(kind, raw.get("methods"), bad)}
    if kind is RateKind.AREA:
        legality = raw.get("legality")
        if legality not in [x.value for x in Legality]:  # a list: the value may be unhashable
            bad(_("面积类别 legality 应为 legal（合法）或 unlicensed（无证）"))
        out["legality"] = legality
        if raw.get("structure_type") is not None:
            if raw["structure_type"] not in [x.value for x in StructureType]:
                bad(
                    _(
                        "结构类型“{value}”无效；可用的有：{types}",
                        value=raw["structure_type"],
                        types="、".join(x.value for x in StructureType),
                    )
                )
            out["structure_type"] = raw["structure_type"]
        out.update(_rate_of(raw, bad))
    elif kind is RateKind.DECORATION:
        legality = raw.get("legality", AreaBasis.ALL.value)
        if legality not in [x.value for x in AreaBasis]:
            bad(_("面积类别 legality 应为 legal、unlicensed 或 all"))
        out["legality"] = legality
        out.update(_rate_of(raw, bad))
    elif kind is RateKind.MONTHLY:
        months = raw.get("months")
        if not _is_int(months) or not 1 <= months <= 120:
            bad(_("月数 months 应为 1 到 120 之间的整数"))
        out["months"] = months
        out["per"] = _per(raw.get("per"), tuple(Per), bad)
    elif kind is RateKind.LUMP_SUM:
        times = raw.get("times", 1)
        if not _is_int(times) or not 1 <= times <= 10:
            bad(_("次数 times 应为 1 到 10 之间的整数"))
        out["times"] = times
    elif kind is RateKind.PERCENT:
        out["percent"] = _percent(raw.get("percent"), bad)
        if unit != "%":
            bad(_("按比例计算的项目，计量单位应为 %"))
    elif kind is RateKind.BONUS_WINDOW:
        on = raw.get("on", "signed")
        if on not in ("signed", "vacated"):
            bad(_("奖励依据 on 应为 signed（签约日期）或 vacated（腾房日期）"))
        out["on"] = on
        out["per"] = _per(raw.get("per"), tuple(Per), bad)
        dates = scheme_params.get("dates")
        out["windows"] = _windows(
            raw.get("windows"), dates if isinstance(dates, Mapping) else {}, bad
        )
    elif kind is RateKind.VULNERABLE_UPLIFT:
        if ("per" in raw) == ("percent" in raw):
            bad(_("困难户补助应设置 per（按户或按人的定额）或 percent（按比例），二者选一"))
        elif "percent" in raw:
            out["percent"] = _percent(raw["percent"], bad)
            if unit != "%":
                bad(_("按比例计算的项目，计量单位应为 %"))
        else:
            out["per"] = _per(raw["per"], (Per.HOUSEHOLD, Per.PERSON), bad)
    elif kind is RateKind.MINIMUM_GUARANTEE:
        if "per" not in raw:  # no default: per person and per household differ many times over
            bad(
                _(
                    "最低补偿保障必须写明计量基数 per：household（按户，保障标准 = 单价）或 "
                    "person（按人，保障标准 = 单价 × 家庭人口）"
                )
            )
            out["per"] = Per.PERSON.value
        else:
            out["per"] = _per(raw["per"], (Per.HOUSEHOLD, Per.PERSON), bad)
    elif kind is RateKind.RESETTLEMENT:
        entitled = raw.get("entitled", "per_person")
        if entitled == "legal_area":
            if "area_per_person" in raw:
                bad(_("按合法面积安置（entitled = legal_area）时不填人均安置面积 area_per_person"))
            out["entitled"] = entitled
        elif entitled == "per_person":
            out["area_per_person"] = _area_text(raw.get("area_per_person"), bad)
        else:
            bad(_("安置面积依据 entitled 应为 per_person（按人均面积）或 legal_area（按合法面积）"))
    return out


def _rate_of(raw: Mapping[str, Any], bad: _Bad) -> dict[str, Any]:
    """A rate derived from another item's: ``{"code", "percent"}`` and its rounding."""
    if "rate_of" not in raw:
        if "rate_rounding" in raw:
            bad(_("只有按其他项目单价折算（rate_of）的项目才设置 rate_rounding"))
        return {}
    ref = raw["rate_of"]
    if isinstance(ref, Mapping) and unknown(ref, RATE_OF_KEYS):
        for problem in key_problems(ref, RATE_OF_KEYS, _("折算单价（rate_of）")):
            bad(problem)
        return {}
    if not isinstance(ref, Mapping) or set(ref) != set(RATE_OF_KEYS):
        bad(_('折算单价 rate_of 应为 {"code": 项目编码, "percent": "40"}'))
        return {}
    rounding = raw.get("rate_rounding", "fen")
    if rounding not in ("fen", "exact"):
        bad(
            _(
                "折算单价的取整方式 rate_rounding 应为 fen（单价先取整到分）或 exact（单价不取整，金额取整到分）"
            )
        )
    return {
        "rate_of": {"code": str(ref["code"]), "percent": _percent(ref["percent"], bad)},
        "rate_rounding": rounding,
    }


def _basis_checked(
    kind: RateKind,
    raw: Mapping[str, Any],
    index: int,
    code: Any,
    positions: dict[str, int],
    categories_so_far: set[str],
    bad: _Bad,
) -> dict[str, Any]:
    """``basis`` of a derived item: it may name only items listed before this one."""
    wants = kind in (RateKind.PERCENT, RateKind.MINIMUM_GUARANTEE) or (
        kind is RateKind.VULNERABLE_UPLIFT and "percent" in raw
    )
    if not wants:
        return {}
    basis = raw.get("basis", {})
    if isinstance(basis, Mapping) and unknown(basis, BASIS_KEYS):
        for problem in key_problems(basis, BASIS_KEYS, _("基数（basis）")):
            bad(problem)
        return {}
    if not isinstance(basis, Mapping):
        bad(_("基数 basis 应为对象，只含 categories（类别列表）和 codes（项目编码列表）"))
        return {}
    categories, codes = basis.get("categories", []), basis.get("codes", [])
    if not _str_list(categories) or not _str_list(codes):
        bad(_("基数 basis 的 categories 和 codes 应为文字列表"))
        return {}
    if kind is RateKind.PERCENT and not categories and not codes:
        bad(_("基数不能为空：应列出类别 categories 或项目编码 codes"))
    for other in codes:
        if other not in positions:
            bad(_("基数引用的项目“{code}”不存在", code=other))
        elif other == code or positions[other] >= index:
            bad(_("基数只能引用排在本项之前的项目，“{code}”不是", code=other))
    for category in categories:
        if category not in categories_so_far:
            bad(_("基数类别“{category}”在本项之前没有任何项目", category=category))
    # Kept in the author's order (explanations list them so), repeats dropped.
    return {"basis": {"categories": _unique(categories), "codes": _unique(codes)}}


def _methods(kind: RateKind, raw: Any, bad: _Bad) -> tuple[str, ...]:
    default = _SWAP_METHODS if kind is RateKind.RESETTLEMENT else _ALL_METHODS
    if raw is None:
        return default
    if not _str_list(raw) or not raw or len(set(raw)) != len(raw):
        bad(_('适用补偿方式 methods 应为不重复的非空列表，如 ["money", "swap"]'))
        return default
    invalid = [m for m in raw if m not in _ALL_METHODS]
    if invalid:
        bad(
            _(
                "适用补偿方式“{value}”无效；可用的有：{methods}",
                value="、".join(invalid),
                methods="、".join(_ALL_METHODS),
            )
        )
        return default
    if kind is RateKind.RESETTLEMENT and CompensationMethod.MONEY.value in raw:
        bad(_("产权调换安置项目不能适用于货币补偿（money）"))
    return tuple(m for m in _ALL_METHODS if m in raw)


def _per(raw: Any, allowed: tuple[Per, ...], bad: _Bad) -> str:
    if raw not in {p.value for p in allowed}:
        bad(
            _(
                "计量基数 per“{value}”无效；可用的有：{allowed}",
                value=raw,
                allowed="、".join(p.value for p in allowed),
            )
        )
        return allowed[0].value
    return str(raw)


def _percent(raw: Any, bad: _Bad) -> str:
    """A percent written ``"5"``, ``5`` or ``"5 %"`` (five percent), as canonical text."""
    value = _decimal(percent_number(raw) if isinstance(raw, str) else raw)
    exponent = value.as_tuple().exponent if value is not None else 0
    if value is None or not 0 < value <= 100 or not isinstance(exponent, int) or exponent < -4:
        bad(
            _(
                '百分比 percent“{value}”无效：应为大于 0、不超过 100、最多四位小数的数字，如 "10 %" 或 "2.5 %"',
                value=raw,
            )
        )
        return "0"
    return _plain(value)


def percent_number(text: str) -> str:
    """``"5 %"`` / ``"5％"`` → ``"5"``; other text unchanged."""
    stripped = text.strip()
    if stripped.endswith(("%", "％")):
        return stripped[:-1].strip()
    return stripped


def _area_text(raw: Any, bad: _Bad) -> str:
    value = _decimal(raw)
    if value is None or not 0 < value <= 1000 or value * 100 != int(value * 100):
        bad(
            _(
                '人均安置面积 area_per_person“{value}”无效：应为大于 0、最多两位小数的数字文字（㎡），如 "40"',
                value=raw,
            )
        )
        return "0"
    return _plain(value)


def _windows(raw: Any, dates: Mapping[str, Any], bad: _Bad) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        bad(_("奖励期限 windows 不能为空"))
        return []
    windows: list[dict[str, Any]] = []
    for n, window in enumerate(raw, start=1):
        if isinstance(window, Mapping) and unknown(window, WINDOW_KEYS):
            for problem in key_problems(window, WINDOW_KEYS, _("第{n}个奖励期限", n=n)):
                bad(problem)
            continue
        if not isinstance(window, Mapping) or set(window) != set(WINDOW_KEYS):
            bad(_("第{n}个奖励期限应为含 from、to、rate_fen 的对象", n=n))
            continue
        what = _("第{n}个奖励期限的起止日期", n=n)
        start = parse_date_spec(_iso_or_raw(window["from"]), dates, bad, what)
        end = parse_date_spec(_iso_or_raw(window["to"]), dates, bad, what)
        rate = window["rate_fen"]
        if start is None or end is None:
            continue
        if resolve_date(start, dates) > resolve_date(end, dates):
            bad(_("第{n}个奖励期限的开始日期晚于结束日期", n=n))
            continue
        if not _is_int(rate) or not 0 <= rate <= _MAX_RATE_FEN:
            bad(_("第{n}个奖励期限的 rate_fen 应为不小于 0 的整数（分）", n=n))
            continue
        windows.append({"from": start, "to": end, "rate_fen": rate})
    windows.sort(key=lambda w: resolve_date(w["from"], dates))
    for first, second in itertools.pairwise(windows):
        if resolve_date(second["from"], dates) <= resolve_date(first["to"], dates):
            bad(
                _(
                    "奖励期限 {a} 至 {b} 与 {c} 至 {d} 重叠",
                    a=resolve_date(first["from"], dates).isoformat(),
                    b=resolve_date(first["to"], dates).isoformat(),
                    c=resolve_date(second["from"], dates).isoformat(),
                    d=resolve_date(second["to"], dates).isoformat(),
                )
            )
    return windows


def _iso_or_raw(value: Any) -> Any:
    """A date from the database as ISO text; anything else as written."""
    day = _date(value)
    return day.isoformat() if day is not None else value


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _str_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)


def _date(value: Any) -> date | None:
    """An ISO ``YYYY-MM-DD`` text (as in the file) or a ``date`` (as from the database)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _decimal(value: Any) -> Decimal | None:
    """Exact numbers only: text or int, never float (a float has already lost the value)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    try:
        result = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def _plain(value: Decimal) -> str:
    """Canonical decimal text: no exponent, no trailing zeros (``"10"``, ``"2.5"``)."""
    return format(value.normalize(), "f")


def _json_native(value: Any) -> bool:
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and _json_native(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_json_native(v) for v in value)
    return value is None or isinstance(value, str | int | bool)
