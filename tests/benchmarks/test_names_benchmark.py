"""Speed of the pinyin search keys, for the indexed search column.

Run with ``.venv/bin/pytest tests/benchmarks/test_names_benchmark.py --benchmark-enable``
(the ordinary suite runs it once, untimed, because of ``--benchmark-disable``). 300,000 names
is about 100,000 households with three persons each. No assertion on time: speed is
reported by pytest-benchmark, never checked in tests.
"""

from __future__ import annotations

import random

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from relocation_desk.domain.names import search_keys

N_NAMES = 300_000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈单"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂小大建国海华玉红文志春梅金荣喆堃䶮"


def _names(count: int, seed: int = 20240601) -> list[str]:
    rng = random.Random(seed)
    return [
        rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        for _ in range(count)
    ]


@pytest.fixture(scope="module")
def names() -> list[str]:
    return _names(N_NAMES)


def test_search_keys_300k_names(benchmark: BenchmarkFixture, names: list[str]) -> None:
    def keys_for_all() -> list[tuple[str, str]]:
        return [search_keys(name) for name in names]

    keys = benchmark.pedantic(keys_for_all, rounds=1, iterations=1)
    assert len(keys) == N_NAMES
