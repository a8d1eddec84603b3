"""A rate item's parameters said in Chinese, for the items table and the item form.

The table shows what an item does (``合法面积 · 砖混 · 适用：货币补偿、产权调换``) instead of its
stored parameters; the form edits them with pickers. Percents are written as ``5 %`` and every
default is said (``按人（默认）``). Plain Python (no Qt), so it is tested directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...domain import money
from ...domain.scheme import CATEGORY_LABELS
from ...domain.scheme_conditions import date_spec_text, describe
from ...domain.scheme_parse import percent_number
from ...domain.status import (
    COMPENSATION_METHOD_LABELS,
    STRUCTURE_LABELS,
    CompensationMethod,
    StructureType,
)
from ...i18n import _

__all__ = [
    "PER_LABELS",
    "params_summary",
    "percent_text",
    "rate_cell_text",
]

ALL_METHODS = [m.value for m in CompensationMethod]


def per_labels() -> dict[str, str]:
    return {
        "household": _("按户"),
        "person": _("按家庭人口"),
        "legal_area": _("按合法面积"),
        "unlicensed_area": _("按无证面积"),
        "total_area": _("按房屋总面积"),
        "business_area": _("按经营面积"),
    }


PER_LABELS = per_labels


def percent_text(value: Any) -> str:
    """``"5"`` (or ``"5 %"``) → ``5 %`` (the unit always written, so 0.05 % cannot pass for
    5 %)."""
    return f"{percent_number(str(value))} %"


def legality_label(value: str) -> str:
    return {"legal": _("合法面积"), "unlicensed": _("无证面积"), "all": _("全部面积")}.get(
        value, value
    )


def rate_cell_text(kind: str, rate_fen: int, params: Mapping[str, Any]) -> str:
    """What the 单价 column shows: the rate, or where the rate comes from."""
    if kind == "bonus_window":
        rates = " / ".join(money.format_fen(int(w["rate_fen"])) for w in params.get("windows", []))
        return _("按期限：{rates}", rates=rates)
    if "percent" in params and kind in ("percent", "vulnerable_uplift"):
        return percent_text(params["percent"])
    ref = params.get("rate_of")
    if isinstance(ref, Mapping):
        return _(
            "{code} 的 {percent}",
            code=ref.get("code", ""),
            percent=percent_text(ref.get("percent")),
        )
    return money.format_fen(rate_fen)


def params_summary(
    kind: str, params: Mapping[str, Any], scheme_dates: Mapping[str, Any] | None = None
) -> str:
    """The item's parameters in one Chinese line."""
    dates = scheme_dates or {}
    parts: list[str] = []
    if kind in ("per_area", "decoration"):
        parts.append(legality_label(str(params.get("legality", "all"))))
        if params.get("structure_type"):
            parts.append(_(STRUCTURE_LABELS[StructureType(params["structure_type"])]))
        elif kind == "per_area":
            parts.append(_("所有结构"))
        ref = params.get("rate_of")
        if isinstance(ref, Mapping):
            rounding = (
                _("单价先四舍五入到分")
                if params.get("rate_rounding", "fen") == "fen"
                else _("单价不取整，金额四舍五入到分")
            )
            parts.append(
                _(
                    "单价为 {code} 的 {percent}（{rounding}）",
                    code=ref.get("code", ""),
                    percent=percent_text(ref.get("percent")),
                    rounding=rounding,
                )
            )
    elif kind == "monthly":
        parts.append(_("{months} 个月", months=params.get("months", "")))
        parts.append(per_labels().get(str(params.get("per", "")), str(params.get("per", ""))))
    elif kind == "per_item":
        parts.append(_("数量取自调查登记的同编码附属物"))
    elif kind == "per_person":
        parts.append(_("按家庭人口"))
    elif kind == "lump_sum":
        parts.append(_("{n} 次", n=params.get("times", 1)))
    elif kind in ("percent", "vulnerable_uplift", "minimum_guarantee"):
        if "percent" in params:
            parts.append(_("比例 {p}", p=percent_text(params["percent"])))
        if "per" in params:
            parts.append(per_labels().get(str(params["per"]), str(params["per"])))
        elif kind == "minimum_guarantee":
            parts.append(_("计量基数未选（按户或按家庭人口）"))
        basis = params.get("basis")
        if isinstance(basis, Mapping) and (basis.get("categories") or basis.get("codes")):
            named = [_(CATEGORY_LABELS.get(c, c)) for c in basis.get("categories", ())]
            named += list(basis.get("codes", ()))
            parts.append(_("基数：{names}", names="、".join(str(n) for n in named)))
        elif kind != "percent" and ("percent" in params or kind == "minimum_guarantee"):
            parts.append(_("基数：之前全部项目"))
    elif kind == "bonus_window":
        on = params.get("on", "signed")
        parts.append(_("按签约日期") if on == "signed" else _("按腾房日期"))
        parts.append(per_labels().get(str(params.get("per", "")), str(params.get("per", ""))))
        for w in params.get("windows", []):
            try:
                start = date_spec_text(w["from"], dates)
                end = date_spec_text(w["to"], dates)
            except (KeyError, ValueError, TypeError):
                start, end = str(w.get("from")), str(w.get("to"))
            parts.append(
                _("{start} 至 {end} {rate}元", start=start, end=end,
                  rate=money.format_fen(int(w.get("rate_fen", 0))))
            )  # fmt: skip
    elif kind == "resettlement":
        if params.get("entitled") == "legal_area":
            parts.append(_("按合法面积等面积安置"))
        else:
            parts.append(_("人均 {area}㎡", area=params.get("area_per_person", "")))
    methods = list(params.get("methods") or ALL_METHODS)
    if methods != ALL_METHODS:
        parts.append(
            _(
                "适用：{methods}",
                methods="、".join(
                    _(COMPENSATION_METHOD_LABELS[CompensationMethod(m)]) for m in methods
                ),
            )
        )
    for condition in params.get("when") or ():
        try:
            parts.append(_("条件：{text}", text=describe(condition, scheme_dates=dates)))
        except (KeyError, ValueError, TypeError):
            parts.append(_("条件：{text}", text=str(condition)))
    return " · ".join(p for p in parts if p)
