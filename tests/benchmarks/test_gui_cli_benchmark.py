"""Posting a notice round and recompute-all through the CLI function and through the GUI, on
the benchmark demo (figures: bench_gui_vs_cli.py). Run once in every test run: both paths
must do the same work — the same round with the same number of households, the same number
of changed households. The times and their ratio go to the benchmark's extra info."""

from __future__ import annotations

from pathlib import Path

import pytest

from .gui_cli_compare import compare

pytestmark = pytest.mark.gui


def test_gui_does_the_same_work_as_the_cli(benchmark, bench_db_path: Path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.gui.app import make_app

    make_app()
    timings = benchmark.pedantic(
        compare, args=(bench_db_path, tmp_path), kwargs={"rounds": 1}, rounds=1, iterations=1
    )
    by = {(t.what, t.path): t for t in timings}
    assert set(by) == {(w, p) for w in ("notice", "recompute") for p in ("cli", "gui")}
    # The CLI says "已发布第 n 轮公示", the GUI "已发布<村>第 n 轮…，共 k 户。": the same round.
    cli_round = by["notice", "cli"].detail.split("第 ")[1].split(" 轮")[0]
    gui_round = by["notice", "gui"].detail.split("第 ")[1].split(" 轮")[0]
    assert cli_round == gui_round
    cli_changed = by["recompute", "cli"].detail.split("变化 ")[1].split(" 户")[0]
    assert by["recompute", "gui"].detail == f"changed {int(cli_changed):,}"
    for what in ("notice", "recompute"):
        ratio = by[what, "gui"].seconds / by[what, "cli"].seconds
        benchmark.extra_info[f"{what}_gui_over_cli"] = round(ratio, 3)
