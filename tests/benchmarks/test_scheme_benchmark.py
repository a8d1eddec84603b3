"""Scheme-language benchmarks (no time assertions; the figures come from bench_scheme.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from relocation_desk.domain.engine import compute
from relocation_desk.domain.household_input import HouseholdInput, StructureInput
from relocation_desk.domain.scheme import SchemeError
from relocation_desk.domain.scheme_parse import parse_scheme
from relocation_desk.domain.status import StructureType

from .scheme_bench_data import county_scheme, large_scheme


def test_parse_2000_items(benchmark: Any) -> None:
    data = large_scheme(2000)
    scheme = benchmark.pedantic(lambda: parse_scheme(data), rounds=1)
    assert len(scheme.items) == 2000


def test_clashing_items_are_reported_compactly(benchmark: Any) -> None:
    data = large_scheme(10)
    data["items"] += [
        {"code": f"X-{n}", "name": "重复", "unit": "㎡", "rate_fen": 1, "kind": "per_area",
         "category": "house", "params": {"legality": "legal"}}
        for n in range(2000)
    ]  # fmt: skip

    def run() -> SchemeError:
        with pytest.raises(SchemeError) as refused:
            parse_scheme(data)
        return refused.value

    error = benchmark.pedantic(run, rounds=1)
    assert len(error.problems) <= 21


def test_one_household_with_conditions(benchmark: Any) -> None:
    scheme = parse_scheme(county_scheme())
    h = HouseholdInput(
        "H1", 4,
        (StructureInput(StructureType.BRICK_CONCRETE, 10010, 2000, "DEC-A"),
         StructureInput(StructureType.BRICK_CONCRETE, 5010)),
        dibao=True, vulnerable=True, village="王庄村", vacated_on=date(2026, 3, 18),
    )  # fmt: skip
    result = benchmark(lambda: compute(h, scheme, as_of=date(2026, 3, 10)))
    assert result.total_fen > 0
