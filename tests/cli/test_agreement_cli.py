"""``relocation-desk agreement`` and ``sign-first`` on a copy of the demo project."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest

from .test_cli import assert_one_line_error, cli, login_of


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    if args[0] != "agreement":
        return cli(*args)
    db = Path(args[args.index("--db") + 1])
    return cli(*args, "--operator", login_of(db, "hq"))


@pytest.fixture
def demo(tmp_path: Path, demo_db_path: Path) -> Path:
    target = tmp_path / "demo.sqlite"
    shutil.copy(demo_db_path, target)
    return target


def _codes(db: Path, sql: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute(sql)]


def test_print_sign_reprint(demo: Path, tmp_path: Path) -> None:
    from relocation_desk.services.agreements.service import AgreementService
    from relocation_desk.storage.db import open_database

    with open_database(demo) as db:
        svc = AgreementService(db, None)
        code = next(
            c
            for c in _codes(demo, "select code from household where status='noticed' order by code")
            if not svc.readiness(svc.household_id(c))
        )
    out = tmp_path / "a.pdf"
    done = _run("agreement", "--db", str(demo), "--household", code, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "第 1 稿" in done.stdout and out.stat().st_size > 0
    number = done.stdout.split("协议 ")[1].split("（")[0]
    assert number.startswith("CD征〔")
    today = date.today().isoformat()
    signed = _run("agreement", "--db", str(demo), "--household", code, "--sign", today,
                  "--witness", "村委会")  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    assert f"已登记签约：协议 {number}" in signed.stdout
    again = _run("agreement", "--db", str(demo), "--household", code, "--out", str(out))
    assert again.returncode == 0 and "副本/重印（第 1 次）" in again.stdout
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "副本/重印" in text and number in text


def test_refusal_lists_the_problems(demo: Path, tmp_path: Path) -> None:
    code = _codes(demo, "select code from household where status='checked' order by code")[0]
    out = tmp_path / "x.pdf"
    done = _run("agreement", "--db", str(demo), "--household", code, "--out", str(out))
    assert_one_line_error(done, "协议还不能打印", "1. ", "公示")
    assert not out.exists()
    missing = _run("agreement", "--db", str(demo), "--household", "X-404", "--out", str(out))
    assert_one_line_error(missing, "X-404")
    signed = _run("agreement", "--db", str(demo), "--household", code, "--sign", "2026-01-01")
    assert_one_line_error(signed, "见证人")


def test_sign_first(demo: Path) -> None:
    done = _run("sign-first", "--db", str(demo))
    assert done.returncode == 0, done.stderr
    assert "干部及亲属户" in done.stdout
    assert len(done.stdout.strip().splitlines()) > 1
