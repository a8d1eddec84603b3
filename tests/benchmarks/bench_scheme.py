"""Time the scheme language (issue #17 targets): parsing and overlap-checking large schemes,
and one household under a scheme with conditions, derived rates and per-building rounding.

.venv/bin/python tests/benchmarks/bench_scheme.py [--repeat N]

- ``parse_scheme`` of schemes of 2,000 and 5,000 items (every check, the overlap check
  included), and of 2,000 area items that all clash (the report stays short);
- ``compute`` + ``inputs_hash`` of one household under the county example
  (resources/schemes/county-scheme-example.json), median and p90 of 10,000.

Each figure is printed with the load average (the machine is shared) and the CPU time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scheme_bench_data import county_scheme, large_scheme

from relocation_desk.domain.engine import compute, inputs_hash
from relocation_desk.domain.household_input import HouseholdInput, StructureInput
from relocation_desk.domain.scheme import SchemeError
from relocation_desk.domain.scheme_parse import parse_scheme
from relocation_desk.domain.status import StructureType


def _load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def parse(items: int) -> None:
    data = large_scheme(items)
    t, c = time.perf_counter(), time.process_time()
    parse_scheme(data)
    print(f"parse_scheme {items} items: {time.perf_counter() - t:.3f} s "
          f"(cpu {time.process_time() - c:.3f} s, {_load()})")  # fmt: skip


def clashing(items: int) -> None:
    data = large_scheme(10)
    for n in range(items):
        data["items"].append(
            {"code": f"X-{n}", "name": "重复", "unit": "㎡", "rate_fen": 1, "kind": "per_area",
             "category": "house", "params": {"legality": "legal"}}
        )  # fmt: skip
    t = time.perf_counter()
    try:
        parse_scheme(data)
    except SchemeError as exc:
        print(f"{items} clashing area items: refused in {time.perf_counter() - t:.3f} s, "
              f"{len(exc.problems)} problems reported ({_load()})")  # fmt: skip


def one_household(rounds: int) -> None:
    scheme = parse_scheme(county_scheme())
    bc, bw = StructureType.BRICK_CONCRETE, StructureType.BRICK_WOOD
    households = [
        HouseholdInput(
            f"H{k}", 1 + k % 6,
            (StructureInput(bc, 8000 + k % 900, k % 3000, "DEC-A"), StructureInput(bw, k % 5000, 700)),
            dibao=k % 7 == 0, disabled=k % 11 == 0, cadre=k % 13 == 0, vulnerable=k % 7 == 0,
            signed_on=None if k % 2 else date(2026, 3, 1 + k % 28),
            vacated_on=None if k % 3 else date(2026, 3, 1 + k % 28),
            village=("王庄村", "张庄村", "李庄村")[k % 3], group=("一组", "三组")[k % 2],
        )
        for k in range(rounds)
    ]  # fmt: skip
    as_of = date(2026, 3, 20)
    wall = []
    c = time.process_time()
    for h in households:
        t = time.perf_counter()
        compute(h, scheme, as_of=as_of)
        inputs_hash(h, scheme, as_of=as_of)
        wall.append((time.perf_counter() - t) * 1000)
    cpu = (time.process_time() - c) * 1000 / rounds
    q = statistics.quantiles(wall, n=10)
    print(f"one household, county scheme (conditions, derived rates, per building): median "
          f"{statistics.median(wall):.3f} ms, p90 {q[-1]:.3f} ms, cpu {cpu:.3f} ms/household "
          f"({_load()})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    for _ in range(args.repeat):
        parse(2000)
        parse(5000)
        clashing(2000)
        one_household(10_000)


if __name__ == "__main__":
    main()
