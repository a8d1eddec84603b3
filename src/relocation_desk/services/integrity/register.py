"""Checking the register's denormalised household columns against their sources: members and
buildings (services.households.values ``register_columns``) and the current calculation
(``total_fen``). The register lists and filters from these columns alone, so a wrong one
shows a wrong figure everywhere without anything else noticing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from ...i18n import _
from ..households.values import register_columns
from .report import Part

_FIELD_TITLES = {
    "head_name": "户主姓名",
    "head_id_number": "户主身份证号",
    "member_count": "人口数",
    "legal_area_dm2": "合法面积",
    "unlicensed_area_dm2": "无证面积",
    "has_cadre": "干部或干部亲属标记",
    "search_text": "查找索引",
    "total_fen": "补偿总额",
}
_PERSON = ("name", "id_number", "phone", "is_head", "is_cadre", "is_cadre_relative")
_STRUCTURE = ("legal_area_dm2", "unlicensed_area_dm2")


def check_register(conn: Connection, part: Part) -> None:
    """Plain SQL read as the driver gives it (no per-value conversion: 100,000 households
    and their 300,000 members are read in a few seconds); ids are only compared."""
    sql = conn.exec_driver_sql
    persons: dict[Any, list[dict[str, Any]]] = {}
    for hid, *values in sql(
        f"SELECT household_id, {', '.join(_PERSON)} FROM person ORDER BY household_id, sort_order"
    ):
        persons.setdefault(hid, []).append(dict(zip(_PERSON, values, strict=True)))
    structures: dict[Any, list[dict[str, Any]]] = {}
    for hid, *values in sql(f"SELECT household_id, {', '.join(_STRUCTURE)} FROM structure"):
        structures.setdefault(hid, []).append(dict(zip(_STRUCTURE, values, strict=True)))
    # The current calculation: the highest version that is not superseded.
    current: dict[Any, tuple[int, int]] = {}
    for hid, version, total in sql(
        "SELECT household_id, version_no, total_fen FROM calculation WHERE status != 'superseded'"
    ):
        if hid not in current or version > current[hid][0]:
            current[hid] = (version, total)
    fields = list(_FIELD_TITLES)
    for hid, code, *stored in sql(f"SELECT id, code, {', '.join(fields)} FROM household"):
        part.checked += 1
        expected = register_columns(code, persons.get(hid, []), structures.get(hid, []))
        found = current.get(hid)
        expected["total_fen"] = found[1] if found is not None else None
        wrong = [f for f, value in zip(fields, stored, strict=True) if value != expected[f]]
        if wrong:
            part.add(
                code,
                _(
                    "登记册中的{fields}与成员、房屋或当前核算不符（登记册显示的数字是错的）",
                    fields="、".join(_(_FIELD_TITLES[f]) for f in wrong),
                ),
            )
