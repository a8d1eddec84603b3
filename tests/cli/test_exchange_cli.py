"""``export-package`` and ``import-package`` as a user runs them, on a split demo project:
a laptop's package encrypted for a chat app, merged at HQ with ``--report``, imported again,
and the mistakes a clerk makes (no password, HQ without ``--team``, a damaged file)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from relocation_desk.services.exchange.demo_split import split_demo

from .test_cli import assert_one_line_error, cli, login_of


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-split")
    split_demo(
        folder / "hq.sqlite", folder / "laptops", households=60, seed=7, today=date(2026, 11, 23)
    )
    return folder


def _team_login(laptop: Path) -> str:
    with sqlite3.connect(laptop) as conn:
        (login,) = conn.execute(
            "SELECT o.login FROM operator o JOIN exchange_identity i ON i.team_id = o.team_id"
            " ORDER BY o.login LIMIT 1"
        ).fetchone()
    return str(login)


def _households(laptop: Path) -> int:
    with sqlite3.connect(laptop) as conn:
        (n,) = conn.execute("SELECT count(*) FROM household").fetchone()
    return int(n)


def test_export_merge_report_and_again(split: Path, tmp_path: Path) -> None:
    laptop = split / "laptops" / "T01.sqlite"
    hq = split / "hq.sqlite"
    package = tmp_path / "T01-1.rdpkg"
    secret = {"PKG_PW": "东风 2026"}

    r = cli("export-package", "--db", str(laptop), "--out", str(package),
            "--password-env", "PKG_PW", "--operator", _team_login(laptop), env=secret)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "已生成报送指挥部的数据包（第 1 号" in r.stdout
    assert f"{_households(laptop)} 户" in r.stdout

    hq_login = login_of(hq, "hq")
    r = cli("import-package", str(package), "--db", str(hq), "--operator", hq_login)
    assert_one_line_error(r, "已加密", "密码")

    report = tmp_path / "merge.json"
    r = cli("import-package", str(package), "--db", str(hq), "--report", str(report),
            "--password-env", "PKG_PW", "--operator", hq_login, env=secret)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert f"新增 {_households(laptop)} 户" in r.stdout and str(report) in r.stdout
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["team"] == "T01" and data["sequence"] == 1
    assert data["counts"]["inserted"] == _households(laptop)
    assert data["conflicts"] == []

    r = cli("import-package", str(package), "--db", str(hq), "--password-env", "PKG_PW",
            "--operator", hq_login, env=secret)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "以前已经导入过" in r.stdout

    damaged = tmp_path / "damaged.rdpkg"
    plain = tmp_path / "T01-2.rdpkg"
    r = cli("export-package", "--db", str(laptop), "--out", str(plain),
            "--operator", _team_login(laptop))  # fmt: skip
    assert r.returncode == 0, r.stderr
    data_bytes = bytearray(plain.read_bytes())
    data_bytes[100] ^= 0xFF
    damaged.write_bytes(bytes(data_bytes))
    r = cli("import-package", str(damaged), "--db", str(hq), "--operator", hq_login)
    assert_one_line_error(r, "已损坏或被改动", "未导入任何内容")


def test_hq_needs_a_team_and_a_laptop_only_sends_its_own(split: Path, tmp_path: Path) -> None:
    hq = split / "hq.sqlite"
    out = tmp_path / "x.rdpkg"
    r = cli("export-package", "--db", str(hq), "--out", str(out),
            "--operator", login_of(hq, "hq"))  # fmt: skip
    assert_one_line_error(r, "--team")
    assert not out.exists()

    laptop = split / "laptops" / "T02.sqlite"
    r = cli("export-package", "--db", str(laptop), "--out", str(out), "--team", "T01",
            "--operator", _team_login(laptop))  # fmt: skip
    assert_one_line_error(r, "只能报送本组的数据")
    assert not out.exists()

    r = cli("export-package", "--db", str(laptop), "--out", str(out), "--password-env",
            "RD_NO_SUCH_VARIABLE", "--operator", _team_login(laptop))  # fmt: skip
    assert_one_line_error(r, "RD_NO_SUCH_VARIABLE")


def test_a_laptops_package_is_refused_on_another_laptop(split: Path, tmp_path: Path) -> None:
    t03 = split / "laptops" / "T03.sqlite"
    package = tmp_path / "T03.rdpkg"
    r = cli("export-package", "--db", str(t03), "--out", str(package), "--full",
            "--operator", _team_login(t03))  # fmt: skip
    assert r.returncode == 0, r.stderr
    other = split / "laptops" / "T02.sqlite"
    r = cli("import-package", str(package), "--db", str(other), "--operator", _team_login(other))
    assert r.returncode == 1
    assert r.stderr.strip() and "Traceback" not in r.stderr
