"""A rate item's parameters as one line of text, ``key=value; key=value``, and back.

The scheme editor shows ``params`` in one cell, so the few parameters a kind needs can be
typed (``legality=legal; structure_type=frame``). Lists are comma-separated
(``methods=money,swap``); a derived item's basis is ``basis.categories=house,decoration`` and
``basis.codes=H-BC-L``; bonus windows are ``windows=2026-04-01~2026-04-15:50.00, …`` with the
rate in 元. ``methods`` listing every method (the default) is left out. Whether the values
make sense is ``parse_scheme``'s business: this module only reads the text's shape. Plain
Python (no Qt), so it is tested directly.
"""

from __future__ import annotations

import re
from typing import Any

from ...domain import money
from ...domain.scheme import RateKind
from ...domain.status import CompensationMethod, StructureType
from ...i18n import _

__all__ = [
    "ParamsTextError",
    "kind_hint",
    "params_from_text",
    "params_to_text",
    "scheme_params_from_text",
    "scheme_params_to_text",
]

_ALL_METHODS = [m.value for m in CompensationMethod]
_INT_KEYS = {"months", "times"}
_LIST_KEYS = {"methods"}
_SPLIT = re.compile(r"\s*[;；]\s*")
_LIST_SPLIT = re.compile(r"\s*[,，、]\s*")
_WINDOW = re.compile(r"(\d{4}-\d{2}-\d{2})\s*[~～至]\s*(\d{4}-\d{2}-\d{2})\s*[:：]\s*(.+)")


class ParamsTextError(ValueError):
    """Text that is not ``key=value; …``; the message (Chinese) says what to write."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def params_to_text(params: dict[str, Any]) -> str:
    parts: list[str] = []
    for key, value in params.items():
        if key == "methods":
            if list(value) == _ALL_METHODS:
                continue
            parts.append(f"methods={','.join(value)}")
        elif key == "basis" and isinstance(value, dict):
            for sub in ("categories", "codes"):
                if value.get(sub):
                    parts.append(f"basis.{sub}={','.join(value[sub])}")
        elif key == "windows" and isinstance(value, list):
            windows = ", ".join(
                f"{w['from']}~{w['to']}:{money.format_fen(int(w['rate_fen']), thousands=False)}"
                for w in value
            )
            parts.append(f"windows={windows}")
        else:
            parts.append(f"{key}={value}")
    return "; ".join(parts)


def params_from_text(text: str) -> dict[str, Any]:
    """The params dict of ``text``; :class:`ParamsTextError` when its shape is wrong."""
    params: dict[str, Any] = {}
    basis: dict[str, list[str]] = {}
    for part in _SPLIT.split(text.strip()):
        if not part:
            continue
        key, eq, value = part.partition("=")
        if not eq:
            key, eq, value = part.partition("＝")
        key, value = key.strip(), value.strip()
        if not eq or not key:
            raise ParamsTextError(
                _("参数“{part}”应写成 名称=值，多个参数用分号隔开，如 legality=legal; "
                  "structure_type=frame", part=part)
            )  # fmt: skip
        if key in params or (key.startswith("basis.") and key[6:] in basis):
            raise ParamsTextError(_("参数 {key} 写了两次", key=key))
        if key in ("basis.categories", "basis.codes"):
            basis[key[6:]] = _list(value)
        elif key in _LIST_KEYS:
            params[key] = _list(value)
        elif key in _INT_KEYS and value.isdigit():
            params[key] = int(value)
        elif key == "windows":
            params[key] = _windows(value)
        else:
            params[key] = value
    if basis:
        params["basis"] = {"categories": basis.get("categories", []),
                           "codes": basis.get("codes", [])}  # fmt: skip
    return params


def scheme_params_to_text(params: dict[str, Any]) -> str:
    """The scheme's own parameters (``issuer``, ``category_names`` …) as one line; the
    names of custom categories are ``category_names.<code>=<名称>``."""
    parts: list[str] = []
    for key, value in params.items():
        if isinstance(value, dict):
            parts.extend(f"{key}.{sub}={text}" for sub, text in value.items())
        else:
            parts.append(f"{key}={value}")
    return "; ".join(parts)


def scheme_params_from_text(text: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for part in _SPLIT.split(text.strip()):
        if not part:
            continue
        key, eq, value = part.replace("＝", "=").partition("=")
        key, value = key.strip(), value.strip()
        if not eq or not key:
            raise ParamsTextError(
                _("方案参数“{part}”应写成 名称=值，多个用分号隔开，如 issuer=某某指挥部; "
                  "category_names.relocation=搬家补助", part=part)
            )  # fmt: skip
        head, dot, sub = key.partition(".")
        if dot:
            group = params.setdefault(head, {})
            if not isinstance(group, dict) or sub in group:
                raise ParamsTextError(_("参数 {key} 写了两次", key=key))
            group[sub] = value
        elif key in params:
            raise ParamsTextError(_("参数 {key} 写了两次", key=key))
        else:
            params[key] = value
    return params


def _list(value: str) -> list[str]:
    return [v for v in _LIST_SPLIT.split(value) if v]


def _windows(value: str) -> list[dict[str, Any]]:
    windows = []
    for n, part in enumerate(_LIST_SPLIT.split(value), start=1):
        if not part:
            continue
        found = _WINDOW.fullmatch(part)
        if found is None:
            raise ParamsTextError(
                _("第{n}个奖励期限“{part}”应写成 开始日期~结束日期:金额（元），"
                  "如 2026-04-01~2026-04-15:50.00", n=n, part=part)
            )  # fmt: skip
        try:
            rate = money.parse_amount(found[3])
        except money.AmountError as exc:
            raise ParamsTextError(
                _("第{n}个奖励期限的金额有误：{reason}", n=n, reason=exc.reason)
            ) from None
        windows.append({"from": found[1], "to": found[2], "rate_fen": rate})
    return windows


def kind_hint(kind: str) -> str:
    """What the params cell of an item of ``kind`` takes, with an example (Chinese)."""
    types = ",".join(t.value for t in StructureType)
    hints = {
        RateKind.AREA.value: _(
            "legality=legal（合法）或 unlicensed（无证）；structure_type={types}（不填=所有结构）",
            types=types,
        ),
        RateKind.DECORATION.value: _("legality=all（默认）、legal 或 unlicensed"),
        RateKind.PER_ITEM.value: _("无参数；数量取自调查登记的同编码附属物"),
        RateKind.PER_PERSON.value: _("无参数；按家庭人口计"),
        RateKind.MONTHLY.value: _(
            "months=月数; per=person、household、legal_area、unlicensed_area、total_area 或 "
            "business_area"
        ),
        RateKind.LUMP_SUM.value: _("times=次数（默认 1）"),
        RateKind.PERCENT.value: _(
            "percent=比例（如 10）; basis.categories=类别,…; basis.codes=项目编码,…；单价填 0，单位 %"
        ),
        RateKind.BONUS_WINDOW.value: _(
            "on=signed 或 vacated; per=household 等; "
            "windows=2026-04-01~2026-04-15:50.00, …（金额为元）；单价填 0"
        ),
        RateKind.VULNERABLE_UPLIFT.value: _(
            "per=household 或 person（按单价）；或 percent=比例; basis.categories=…"
        ),
        RateKind.MINIMUM_GUARANTEE.value: _(
            "per=person（默认）或 household; basis.categories=类别,…（不填=之前全部项目）"
        ),
        RateKind.RESETTLEMENT.value: _("area_per_person=人均安置面积（㎡）；单价为安置房结算价"),
    }
    common = _("所有计算方式都可加 methods=money,swap,mixed（适用的补偿方式，不填=全部）")
    return hints.get(kind, "") + "\n" + common
