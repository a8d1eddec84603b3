"""The exchange tests' shared split project (``demo --db HQ --laptops DIR``), made once per
run; a test copies it (``split.copy_split``) before changing anything."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

SPLIT_SEED = 5
SPLIT_TODAY = date(2026, 6, 15)
SPLIT_HOUSEHOLDS = 150


@pytest.fixture(scope="session")
def split_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with ``hq.sqlite`` and ``laptops/<team code>.sqlite`` (read-only by
    convention)."""
    from relocation_desk.services.exchange.demo_split import split_demo

    folder = tmp_path_factory.mktemp("split")
    split_demo(folder / "hq.sqlite", folder / "laptops", households=SPLIT_HOUSEHOLDS,
               seed=SPLIT_SEED, today=SPLIT_TODAY)  # fmt: skip
    return folder
