"""Fuzz tests: writes the run's statistics when ``RD_FUZZ_REPORT`` is set."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .corpus import write_report


@pytest.fixture(scope="session", autouse=True)
def _fuzz_report() -> Iterator[None]:
    yield
    write_report()
