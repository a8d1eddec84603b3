"""Two versions of a household's records side by side, in the words HQ staff use.

A bundle (see ``bundle``) is ``{"household": row, "person": [rows], …}``. :func:`compare`
lists every value that differs between HQ's and a team's bundle as (where, HQ's, team's):
"家庭成员 程福 · 电话". Records are matched by their id, so one added or removed shows as a
whole record on one side only, not as a shift of every later one; bookkeeping columns (ids,
versions, times of writing) are left out, as they say nothing a person decides on.

Uses nothing but the standard library and ``i18n``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ...i18n import _

__all__ = ["Difference", "compare", "shown"]

TABLE_LABELS: dict[str, str] = {
    "household": "农户", "person": "家庭成员", "structure": "房屋", "attachment": "附属物",
    "data_flag": "数据标记", "calculation": "核算", "calculation_line": "核算明细",
    "objection": "异议", "stored_file": "文件", "agreement": "协议",
    "compensation_decision": "补偿决定", "payment": "支付", "milestone": "进度节点",
    "resettlement_order": "安置", "resettlement_choice": "选房",
}  # fmt: skip
COLUMN_LABELS: dict[str, str] = {
    "code": "户编号", "head_name": "户主", "name": "姓名", "id_number": "身份证号",
    "phone": "电话", "relation": "与户主关系", "sex": "性别", "birth_date": "出生日期",
    "address": "地址", "remarks": "备注", "status": "状态", "team_id": "工作组",
    "village_id": "村", "group_id": "组", "responsible_id": "责任人", "label": "名称",
    "structure_type": "结构", "legal_area": "合法面积", "unlicensed_area": "无证面积",
    "floors": "层数", "build_year": "建成年份", "decoration": "装修", "item_code": "项目",
    "quantity": "数量", "unit": "单位", "total_fen": "金额（分）", "amount_fen": "金额（分）",
    "signed_on": "签约日期", "paid_on": "支付日期", "happened_on": "日期", "kind": "类别",
    "bank_name": "开户银行", "bank_account": "银行账号", "account_holder": "户名",
    "is_cadre": "干部", "is_cadre_relative": "干部亲属", "is_dibao": "低保",
    "is_disabled": "残疾", "note": "说明", "number": "编号",
}  # fmt: skip
# Written by the program, not by people: a difference in them alone is no news.
_BOOKKEEPING = frozenset({"id", "household_id", "project_id", "row_version", "created_at",
                          "updated_at", "created_by", "updated_by", "sort_order"})  # fmt: skip
_NAMING = ("name", "label", "code", "number", "item_code", "kind")


@dataclass(frozen=True)
class Difference:
    """One value that differs: where (in words), HQ's and the team's, as shown."""

    path: str
    hq: str
    team: str


def shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _record_name(row: dict[str, Any], position: int) -> str:
    for key in _NAMING:
        value = row.get(key)
        if isinstance(value, str) and value:
            return value
    return _("第 {n} 条", n=position)


def _records(bundle: dict[str, Any]) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    """(table, id) → (the record's name in words, the row)."""
    out: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for table, rows in bundle.items():
        label = _(TABLE_LABELS[table]) if table in TABLE_LABELS else table
        if isinstance(rows, dict):
            out[(table, str(rows.get("id", "")))] = (label, rows)
        elif isinstance(rows, list):
            for i, row in enumerate(rows, start=1):
                if isinstance(row, dict):
                    out[(table, str(row.get("id", i)))] = (f"{label} {_record_name(row, i)}", row)
    return out


def _column(name: str) -> str:
    return _(COLUMN_LABELS[name]) if name in COLUMN_LABELS else name


def compare(hq: dict[str, Any], team: dict[str, Any]) -> list[Difference]:
    """Every value that differs between two bundles of one household, in the bundle's
    table order (a record only one side holds is one line: 有 / 无)."""
    ours, theirs = _records(hq), _records(team)
    out: list[Difference] = []
    order = list(ours) + [k for k in theirs if k not in ours]
    for key in order:
        a, b = ours.get(key), theirs.get(key)
        if a is None or b is None:
            name = (a or b)[0]  # type: ignore[index]
            out.append(Difference(name, _("有") if a else _("无"), _("有") if b else _("无")))
            continue
        name, row_a = a
        row_b = b[1]
        for column in list(row_a) + [c for c in row_b if c not in row_a]:
            if column in _BOOKKEEPING:
                continue
            va, vb = row_a.get(column), row_b.get(column)
            if va != vb:
                out.append(Difference(f"{name} · {_column(column)}", shown(va), shown(vb)))
    return out
