"""``relocation-desk FILE`` (what a double-clicked file runs) opens the project, a join
package opens the wizard's join page, and a missing or foreign file never ends in an error
exit: the person is offered another file, a new project or 退出."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from relocation_desk.cli.main import main


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    from relocation_desk.gui import app

    calls: list[dict[str, Any]] = []

    def fake_run_gui(**kwargs: Any) -> int:
        calls.append(kwargs)
        return 0

    monkeypatch.setattr(app, "run_gui", fake_run_gui)
    return calls


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["项目.sqlite"], {"db_path": Path("项目.sqlite"), "demo": False, "smoke": False}),
        (
            ["--lang", "en", "p.sqlite"],
            {"db_path": Path("p.sqlite"), "demo": False, "smoke": False},
        ),
        (["--lang=zh_CN", "p.db"], {"db_path": Path("p.db"), "demo": False, "smoke": False}),
        (["gui", "p.sqlite"], {"db_path": Path("p.sqlite"), "demo": False, "smoke": False}),
        (["gui", "--db", "p.sqlite"], {"db_path": Path("p.sqlite"), "demo": False, "smoke": False}),
        (["袁岗村.rdpkg"], {"package": Path("袁岗村.rdpkg"), "smoke": False}),
        (["D:/下载/加入包.RDPKG"], {"package": Path("D:/下载/加入包.RDPKG"), "smoke": False}),
        ([], {"db_path": None, "demo": False, "smoke": False}),
    ],
)
def test_a_bare_file_opens_the_gui(
    opened: list[dict[str, Any]], argv: list[str], expected: dict[str, Any]
) -> None:
    assert main(argv) == 0
    assert opened == [expected]


def test_commands_keep_their_meaning(opened: list[dict[str, Any]], tmp_path: Path) -> None:
    # A sub-command's name is never taken for a file, and two files are refused.
    assert main(["info", "--db", str(tmp_path / "none.sqlite")]) == 1
    assert main(["gui", "--db", "a.sqlite", "b.sqlite"]) == 1
    assert opened == []


def test_a_missing_file_offers_another_instead_of_failing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relocation_desk.gui import dialogs

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs its own
    told: list[str] = []

    def problem(parent: Any, text: str) -> str:
        told.append(text)
        return "quit"

    monkeypatch.setattr(dialogs, "ask_project_problem", problem)
    missing = tmp_path / "missing.sqlite"
    assert main([str(missing)]) == 0
    assert main(["gui", "--db", str(missing)]) == 0
    assert len(told) == 2 and all(str(missing) in t for t in told)
    assert not missing.exists()
    foreign = tmp_path / "表格.sqlite"
    foreign.write_bytes(b"PK\x03\x04" + b"\0" * 300)
    assert main([str(foreign)]) == 0
    assert str(foreign) in told[-1] and foreign.read_bytes().startswith(b"PK")
