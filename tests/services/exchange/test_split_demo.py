"""The split demo's acceptance: every laptop exported and merged at HQ gives HQ the sum of
the laptops, which is the same demo generated as one database (same seed, same day); HQ on
SQLite and on PostgreSQL."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from relocation_desk.services.demo.generator import generate_demo
from relocation_desk.services.exchange.hq_import import import_package as merge
from relocation_desk.services.exchange.team_export import export_package as team_export
from relocation_desk.services.integrity import check_database
from relocation_desk.storage.db import Database, open_database

from .conftest import SPLIT_HOUSEHOLDS, SPLIT_SEED, SPLIT_TODAY
from .people import operator
from .split import copy_split, copy_to_server, tables_digest, totals


@pytest.fixture(scope="module")
def one_database(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    path = tmp_path_factory.mktemp("whole") / "whole.sqlite"
    generate_demo(path, households=SPLIT_HOUSEHOLDS, seed=SPLIT_SEED, today=SPLIT_TODAY)
    db = open_database(path)
    try:
        return totals(db)
    finally:
        db.close()


def _merge_all(hq: Database, laptops: dict[str, Path], folder: Path) -> tuple[dict, list[Path]]:  # type: ignore[type-arg]
    summed: Counter[str] = Counter()
    packages = []
    for code, path in sorted(laptops.items()):
        laptop = open_database(path)
        try:
            summed.update(totals(laptop))
            out = folder / f"{code}.rdpkg"
            team_export(laptop, operator(laptop, "leader", code), out, full=True)
        finally:
            laptop.close()
        merge(hq, operator(hq, "hq"), out)
        packages.append(out)
    return dict(summed), packages


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_hq_holds_the_sum_of_the_laptops_which_is_the_one_database_demo(
    backend: str,
    split_source: Path,
    tmp_path: Path,
    one_database: dict[str, int],
    request: pytest.FixtureRequest,
) -> None:
    hq_file, laptops = copy_split(split_source, tmp_path / "project")
    if backend == "sqlite":
        hq = open_database(hq_file)
    else:
        hq = copy_to_server(hq_file, request.getfixturevalue("pg_url"))
    try:
        assert totals(hq)["households"] == 0
        summed, packages = _merge_all(hq, laptops, tmp_path)
        merged = totals(hq)
        assert merged["households"] == SPLIT_HOUSEHOLDS
        assert merged == summed == one_database
        assert merged["payments_fen"] > 0 and merged["total_fen"] > 0
        report = check_database(hq, files=False)
        assert report.ok, [(p.title, p.problems) for p in report.parts if not p.ok]
        # Importing the same packages again changes nothing.
        digest = tables_digest(hq)
        for package in packages:
            merge(hq, operator(hq, "hq"), package)
        assert tables_digest(hq) == digest
    finally:
        hq.close()


def test_demo_with_laptops_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from relocation_desk.cli.main import main

    hq, folder = tmp_path / "hq.sqlite", tmp_path / "laptops"
    args = ["demo", "--db", str(hq), "--households", "40", "--laptops", str(folder),
            "--today", "2026-06-15", "--quiet"]  # fmt: skip
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "指挥部的数据库" in printed and "指挥部密钥编号" in printed
    laptops = sorted(p.stem for p in folder.glob("*.sqlite"))
    assert laptops and all(code in printed for code in laptops)
    db = open_database(hq)
    try:
        assert totals(db)["households"] == 0
    finally:
        db.close()
    counted = 0
    for code in laptops:
        laptop = open_database(folder / f"{code}.sqlite")
        try:
            counted += totals(laptop)["households"]
        finally:
            laptop.close()
    assert counted == 40
    # A folder that already holds laptops is never written into; nothing is left behind.
    again = ["demo", "--db", str(tmp_path / "hq2.sqlite"), "--households", "40",
             "--laptops", str(folder), "--quiet"]  # fmt: skip
    assert main(again) == 1
    assert "空文件夹" in capsys.readouterr().err
    assert not (tmp_path / "hq2.sqlite").exists()


def test_demo_teams_chosen_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--teams`` sets the number of teams (a laptop each); a count the households cannot
    fill is refused with a message and writes nothing."""
    from relocation_desk.cli.main import main

    hq, folder = tmp_path / "hq.sqlite", tmp_path / "laptops"
    args = ["demo", "--db", str(hq), "--households", "50", "--teams", "7", "--laptops",
            str(folder), "--today", "2026-06-15", "--quiet"]  # fmt: skip
    assert main(args) == 0
    laptops = sorted(folder.glob("*.sqlite"))
    assert [p.stem for p in laptops] == [f"T{n:02d}" for n in range(1, 8)]
    counts = []
    for path in laptops:
        laptop = open_database(path)
        try:
            counts.append(totals(laptop)["households"])
        finally:
            laptop.close()
    assert sum(counts) == 50 and min(counts) > 0
    capsys.readouterr()
    for teams in ("0", "51"):
        target = tmp_path / f"teams{teams}.sqlite"
        refused = ["demo", "--db", str(target), "--households", "50", "--teams", teams, "--quiet"]
        assert main(refused) == 1
        assert "--teams" in capsys.readouterr().err
        assert not target.exists()
