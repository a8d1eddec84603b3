"""What the fuzz tests throw at the program: the hostile inputs found so far, and generators.

``HOSTILE`` holds every case of issue #19 (and a few of their relatives) as explicit examples;
:func:`hostile_text` mixes them with generated text. ``RD_FUZZ_SCALE`` multiplies every
test's number of examples (1 in CI; the long run in docs/benchmarks.md used 20), and
``RD_FUZZ_REPORT`` names a JSON file that receives the number of inputs tried and the slowest
one per test.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

SCALE = float(os.environ.get("RD_FUZZ_SCALE", "1"))
# "0 runs over 10 s": every single input must finish within this (a deadline, not a timing
# assertion: hypothesis reports the input that ran over).
DEADLINE = timedelta(seconds=10)

INVISIBLE = ["\u202e", "\u202d", "\u2066", "\u200f", "\u200b", "\u200d", "\ufeff", "\x00",
             "\x1b", "\x7f", "\x85", "\u2028", "\t", "\n", "\r"]  # fmt: skip

HOSTILE: list[str] = [
    "9" * 101, "9" * 150, "-" + "9" * 120, "1" + "0" * 4999, "9" * 5000,
    "1e309", "-1e309", "1e20", "1E+30", "1e30", "1e15", "1e-400", str(2**63), str(-(2**63)),
    str(2**64), "9223372036854775807", "NaN", "nan", "Infinity", "-inf", "--", "-", "+", ".",
    "", " ", "\u3000", "0", "-0", "-5", "-5元", "100亿", "100.01亿", "1,2,3", "１２３", "²",
    "٣", "2026-W49-1", "2026-W49", "20261201", "0001-01-01", "9999-12-31", "1899-12-31",
    "2100-12-31", "2101-01-01", "2026-02-30", "2026-13-01", "2026-12-07T10:00",
    "王\u202e明", "\u202e王明", "张" * 300, "路" * 201, "𠮷" * 40, "\x00", "\x1b[31m红",
    "a\u200db", "\ufeff", "\n", "../../etc/passwd", "/dev/zero", "/dev/urandom",
    "/proc/version", "/dev/null", "/", "foo://bar", "sqlite:///", "postgresql://", "notes.txt/x",
    "%s%n", "{0}", "{name}", "' OR 1=1 --", "000000198001010017", "410102198001010011",
    "4.10102198001011E+17", "X" * 18,
]  # fmt: skip

_NUMBERISH = "0123456789.,-+eE万亿¥元 ㎡平方米"


def hostile_text(max_size: int = 80) -> st.SearchStrategy[str]:
    """The corpus, and generated text shaped like what reaches a parser."""
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=max_size),
        st.text(alphabet=_NUMBERISH, max_size=max_size),
        st.integers(min_value=0, max_value=6000).map(lambda n: "9" * n),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.from_regex(r"-?[0-9]{1,6}-W?[0-9]{1,3}-[0-9]{1,3}", fullmatch=True),
        st.builds(
            lambda a, b, c: a + b + c,
            st.text(max_size=6),
            st.sampled_from(INVISIBLE),
            st.text(max_size=6),
        ),
    )


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=DEADLINE,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
        ],
    )


_STATS: dict[str, dict[str, Any]] = {}


@contextmanager
def timed(test: str, value: object) -> Iterator[None]:
    """Count one input of ``test`` and remember the slowest."""
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - started
        entry = _STATS.setdefault(test, {"inputs": 0, "slowest_s": 0.0, "slowest_input": ""})
        entry["inputs"] += 1
        if seconds > entry["slowest_s"]:
            entry["slowest_s"] = round(seconds, 4)
            entry["slowest_input"] = repr(value)[:200]


def write_report() -> None:
    target = os.environ.get("RD_FUZZ_REPORT")
    if target and _STATS:
        total = sum(e["inputs"] for e in _STATS.values())
        Path(target).write_text(
            json.dumps({"total_inputs": total, "tests": _STATS}, ensure_ascii=False, indent=2),
            encoding="utf-8",
        )


def only_raises(fn: Callable[[], object], *allowed: type[BaseException]) -> object:
    """``fn()``'s result, or None when it raised one of ``allowed`` (with a message)."""
    try:
        return fn()
    except allowed as exc:
        assert str(exc).strip(), f"{type(exc).__name__} without a message"
        return None
