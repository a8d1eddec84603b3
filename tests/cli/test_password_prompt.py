"""Without RD_PASSWORD the password is typed at a terminal prompt (getpass), never echoed."""

from __future__ import annotations

import getpass
import shutil
import sys
from pathlib import Path

import pytest

from relocation_desk.cli import common
from relocation_desk.cli.main import main

from .test_cli import login_of


class Terminal:
    def isatty(self) -> bool:
        return True


def test_prompt_on_a_terminal(
    demo_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    db = tmp_path / "d.sqlite"
    shutil.copyfile(demo_db_path, db)
    hq = login_of(db, "hq")
    monkeypatch.delenv("RD_PASSWORD", raising=False)
    prompts: list[str] = []
    answers = iter(["wrong-pw", "demo"])

    def typed(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(getpass, "getpass", typed)
    out = tmp_path / "台账.xlsx"
    args = ["export-ledger", "--db", str(db), "--out", str(out), "--operator", hq]
    assert main(args) == 1
    assert "登录名或密码不对" in capsys.readouterr().err and not out.exists()
    assert main(args) == 0 and out.exists()
    assert prompts == [f"{hq} 的密码："] * 2


def test_no_terminal_and_no_variable_is_one_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RD_PASSWORD", raising=False)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": pytest.fail("prompted"))

    class Pipe:
        def isatty(self) -> bool:
            return False

    monkeypatch.setattr(sys, "stdin", Pipe())
    with pytest.raises(common.CliError, match="RD_PASSWORD"):
        common.read_password("zhangwei")
