"""Whether a household's figures change: the stored calculation's lines against new ones.

The impact preview of a draft and recompute-all answer "how many households change, and by
which items" with this one comparison, so they cannot disagree: a household changes when the
amounts of its lines (item by item, approved exceptions included) differ from those of its
current stored calculation. What changed is told by item code.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.calculation import CalculationResult
from ...storage import models as m

__all__ = ["Figures", "changed_items", "stored_figures"]

Figures = Counter[tuple[str, int]]
"""A calculation's lines as (item code, amount in fen), counted."""

_CHUNK = 900  # bound parameters per query (SQLite's limit is 999 on old builds)


def stored_figures(s: Session, calc_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Figures]:
    """The lines of the stored calculations ``calc_ids``, one query per 900 of them."""
    ids = list(dict.fromkeys(calc_ids))
    found: dict[uuid.UUID, Figures] = {calc_id: Counter() for calc_id in ids}
    L = m.CalculationLine
    for start in range(0, len(ids), _CHUNK):
        rows = s.execute(
            select(L.calculation_id, L.item_code, L.amount_fen).where(
                L.calculation_id.in_(ids[start : start + _CHUNK])
            )
        )
        for calc_id, code, amount in rows:
            found[calc_id][(code, amount)] += 1
    return found


def figures_of(result: CalculationResult) -> Figures:
    return Counter((line.item_code, line.amount_fen) for line in result.lines)


def changed_items(before: Figures | None, result: CalculationResult) -> set[str]:
    """The item codes whose amounts differ between ``before`` (None: never calculated, every
    item counts as changed) and ``result``."""
    after = figures_of(result)
    if before is None:
        return {code for code, _amount in after} or {""}
    if before == after:
        return set()
    return {code for code, _amount in (before - after) + (after - before)}
