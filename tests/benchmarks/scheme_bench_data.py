"""Data for the scheme-language benchmarks: a large scheme and the county example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

COUNTY = (
    Path(__file__).resolve().parents[2] / "resources" / "schemes" / "county-scheme-example.json"
)


def large_scheme(items: int) -> dict[str, Any]:
    """A scheme of ``items`` distinct attachment and area rates (no overlaps), the shape of
    a county's full attachment catalogue; one area item per structure type and legality."""
    rows: list[dict[str, Any]] = []
    for structure in ("frame", "brick_concrete", "brick_wood", "simple", "other"):
        for legality in ("legal", "unlicensed"):
            rows.append(
                {"code": f"H-{structure}-{legality}", "name": f"{structure} {legality}",
                 "unit": "㎡", "rate_fen": 100000, "kind": "per_area", "category": "house",
                 "params": {"legality": legality, "structure_type": structure}}
            )  # fmt: skip
    while len(rows) < items:
        n = len(rows)
        rows.append(
            {"code": f"A-{n:05d}", "name": f"附属物{n}", "unit": "个", "rate_fen": 100 + n,
             "kind": "per_item", "category": "attachment"}
        )  # fmt: skip
    return {"name": "大方案", "version_no": 1, "effective_date": "2026-01-01", "params": {},
            "items": rows}  # fmt: skip


def county_scheme() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(COUNTY.read_text(encoding="utf-8"))
    return data
