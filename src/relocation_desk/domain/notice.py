"""Wall notices (公示上墙) as plain values: the public row of a household, the notice's money
columns, changes between rounds, the snapshot hash and the verification code.

A notice row holds only what may go on a wall (DOMAIN rule 9): the head's name, the group,
member count, areas, a structure summary, amounts and remarks; an ID number only masked; no
phone, bank, health, disability or 低保 data. Amounts are grouped into the main compensation
groups by calculation line category; every other category, and every line that only a
vulnerable (困难) household gets, goes into one "其他补偿" column, so the notice does not
reveal who is vulnerable.

Both the notice service and the demo generator build rows with :func:`public_row` and hash a
round with :func:`snapshot_hash`, so a posted round can be verified whoever wrote it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .status import STRUCTURE_LABELS, NoticeKind, StructureType

__all__ = [
    "COLUMN_LABELS",
    "COMPARED_FIELDS",
    "MAIN_CATEGORIES",
    "NOTICE_METHOD_LABELS",
    "OTHER",
    "AmountLine",
    "RowChange",
    "compare_rows",
    "money_columns",
    "normalise_code",
    "public_row",
    "snapshot_hash",
    "structure_summary",
    "verification_code",
]

# Main compensation groups, in print order. Anything else is "other".
MAIN_CATEGORIES: tuple[str, ...] = (
    "house",
    "decoration",
    "attachment",
    "moving",
    "transition",
    "bonus",
    "resettlement",
)
OTHER = "other"
COLUMN_LABELS: dict[str, str] = {
    "house": "房屋补偿",
    "decoration": "装修补偿",
    "attachment": "附属物补偿",
    "moving": "搬迁费",
    "transition": "临时安置费",
    "bonus": "奖励",
    "resettlement": "产权调换",
    OTHER: "其他补偿",
}

# The public figures of a row: a difference in any of them needs a new round (DOMAIN rule 4).
COMPARED_FIELDS: tuple[str, ...] = (
    "head_name",
    "id_number",
    "group",
    "member_count",
    "legal_area_dm2",
    "unlicensed_area_dm2",
    "structures",
    "amounts",
    "total_fen",
    "mark",
    "status",
    "resettlement",
)

# Crockford's base32: no I, L, O, U (nothing to confuse with 1, 0 or V when typed).
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = {"O": "0", "I": "1", "L": "1"}
QR_PREFIX = "RDN:"
# How a notice names the compensation method (a public fact, shown in the remarks column).
NOTICE_METHOD_LABELS: dict[str, str] = {
    "money": "货币补偿",
    "swap": "产权调换",
    "mixed": "货币+产权调换",
}


@dataclass(frozen=True)
class AmountLine:
    """One calculation line as the notice needs it."""

    category: str
    amount_fen: int
    vulnerable_only: bool = False  # a 困难户 line: never shown as its own figure


def column_of(line: AmountLine) -> str:
    if line.vulnerable_only or line.category not in MAIN_CATEGORIES:
        return OTHER
    return line.category


def grouped_amounts(lines: Iterable[AmountLine]) -> dict[str, int]:
    """Amount per notice column (only columns that have a line)."""
    out: dict[str, int] = {}
    for line in lines:
        col = column_of(line)
        out[col] = out.get(col, 0) + line.amount_fen
    return out


def structure_summary(buildings: Iterable[tuple[str, int, int]]) -> str:
    """``[(type, legal, unlicensed)]`` → ``"砖混 120.50㎡、简易 12.00㎡"`` (total area per type)."""
    totals: dict[str, int] = {}
    for kind, legal, unlicensed in buildings:
        totals[kind] = totals.get(kind, 0) + legal + unlicensed
    return "、".join(f"{_structure_label(k)} {v // 100}.{v % 100:02d}㎡" for k, v in totals.items())


def _structure_label(kind: str) -> str:
    try:
        return STRUCTURE_LABELS[StructureType(kind)]
    except ValueError:
        return kind


def public_row(
    *,
    kind: NoticeKind,
    code: str,
    head_name: str,
    masked_id: str,
    group: str,
    member_count: int,
    legal_area_dm2: int,
    unlicensed_area_dm2: int,
    structures: str,
    mark: str,
    lines: Sequence[AmountLine] = (),
    total_fen: int | None = None,
    status: str = "",
    calculation_version: int | None = None,
    resettlement: str = "",
) -> dict[str, Any]:
    """The frozen public figures of one household (JSON-ready; ``masked_id`` already masked).

    Amounts are only on compensation, signing and resettlement notices. ``resettlement`` (安置情况:
    the flats chosen) is stored only when there is one, so rows of households without a
    property swap stay as they were posted before the column existed."""
    row: dict[str, Any] = {
        "code": code,
        "head_name": head_name,
        "id_number": masked_id,
        "group": group,
        "member_count": member_count,
        "legal_area_dm2": legal_area_dm2,
        "unlicensed_area_dm2": unlicensed_area_dm2,
        "structures": structures,
        "mark": mark,
        "status": status,
    }
    if kind is not NoticeKind.SURVEY:
        row["amounts"] = grouped_amounts(lines)
        row["total_fen"] = total_fen if total_fen is not None else sum(x.amount_fen for x in lines)
        row["calculation_version"] = calculation_version
    if resettlement:
        row["resettlement"] = resettlement
    return row


def money_columns(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """The money columns a round prints: house always, then each column some row has."""
    present: set[str] = set()
    for row in rows:
        present.update(k for k, v in (row.get("amounts") or {}).items() if v)
    return [c for c in (*MAIN_CATEGORIES, OTHER) if c == "house" or c in present]


@dataclass(frozen=True)
class RowChange:
    field: str
    old: Any
    new: Any


# What a choice of flats changes is posted on the 选房结果公示; on the other kinds the 安置情况
# column follows it, but a new choice alone does not make their figures stale.
FIGURE_FIELDS: tuple[str, ...] = tuple(f for f in COMPARED_FIELDS if f != "resettlement")


def compare_rows(
    old: Mapping[str, Any], new: Mapping[str, Any], fields: Sequence[str] = COMPARED_FIELDS
) -> list[RowChange]:
    """Public fields whose value differs (amounts compared per column)."""
    out: list[RowChange] = []
    for field in fields:
        if field == "amounts":
            a, b = old.get("amounts") or {}, new.get("amounts") or {}
            for col in (*MAIN_CATEGORIES, OTHER):
                if a.get(col, 0) != b.get(col, 0):
                    out.append(RowChange(f"amounts.{col}", a.get(col, 0), b.get(col, 0)))
            continue
        if old.get(field) != new.get(field):
            out.append(RowChange(field, old.get(field), new.get(field)))
    return out


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def snapshot_hash(header: Mapping[str, Any], rows: Sequence[Mapping[str, Any]]) -> str:
    """SHA-256 (hex) of the canonical JSON of the round's header and rows."""
    text = canonical_json({"header": header, "rows": list(rows)})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verification_code(digest_hex: str) -> str:
    """``"7K2M-QX9D-…"``: 4 groups of 4 base32 characters (80 bits of the hash)."""
    bits = int(digest_hex[:20], 16)  # 80 bits
    chars = [_ALPHABET[(bits >> (5 * i)) & 31] for i in range(15, -1, -1)]
    text = "".join(chars)
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def normalise_code(text: str) -> str | None:
    """A typed or scanned code (``RDN:…``, lower case, spaces, O for 0) in stored form, or
    None if it cannot be one."""
    t = text.strip()
    if t.upper().startswith(QR_PREFIX):
        t = t[len(QR_PREFIX) :]
    t = "".join(ch for ch in t.upper() if ch not in " -_\t")
    t = "".join(_READ_AS.get(ch, ch) for ch in t)
    if len(t) != 16 or any(ch not in _ALPHABET for ch in t):
        return None
    return "-".join(t[i : i + 4] for i in range(0, 16, 4))
