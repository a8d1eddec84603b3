"""One error path: user errors exit 1 with one line, a bug exits 2 naming the log file."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from relocation_desk.cli import cmd_info
from relocation_desk.cli.main import main
from relocation_desk.logfile import log_path

EXE = Path(sys.executable).parent / "relocation-desk"


def _stderr_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


def test_a_bug_prints_one_line_with_the_log_file_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def broken(args: argparse.Namespace) -> int:
        raise RuntimeError("the marker of an unexpected failure")

    monkeypatch.setattr(cmd_info, "run", broken)
    assert main(["info", "--db", str(tmp_path / "x.sqlite")]) == 2
    [line] = _stderr_lines(capsys)
    assert "info" in line and "RuntimeError" in line and str(log_path()) in line
    assert "Traceback" not in line
    logged = log_path().read_text(encoding="utf-8")
    assert "the marker of an unexpected failure" in logged and "Traceback" in logged


def test_recursion_and_memory_errors_take_the_same_path(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for error in (RecursionError("deep"), MemoryError()):

        def broken(args: argparse.Namespace, error: BaseException = error) -> int:
            raise error

        monkeypatch.setattr(cmd_info, "run", broken)
        assert main(["info", "--db", str(tmp_path / "x.sqlite")]) == 2
        [line] = _stderr_lines(capsys)
        assert type(error).__name__ in line


def test_user_errors_and_usage_errors_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["info", "--db", "foo://bar"]) == 1
    [line] = _stderr_lines(capsys)
    assert "foo://bar" in line
    with pytest.raises(SystemExit) as info:
        main(["info"])  # --db missing: argparse's usage error
    assert info.value.code == 1
    assert main(["pay", "--db", "x", "--household", "A", "--amount=--", "--date", "2026-01-01",
                 "--operator", "a"]) == 1  # fmt: skip
    [line] = _stderr_lines(capsys)[-1:]
    assert "--amount" in line and "--" in line


# Command lines (split on spaces) and what the one message must name.
HOSTILE = [
    ("info --db {tmp}/notes.txt/x.sqlite", "notes.txt"),
    ("info --db {tmp}", "文件夹"),
    ("info --db /dev/zero", "/dev/zero"),
    ("demo --db {tmp}/notes.txt/x.sqlite --households 5", "notes.txt"),
    ("export-ledger --db {tmp}/x.sqlite --out {tmp}/missing/x.xlsx --operator a", "/missing"),
    ("scheme import --db {tmp}/x.sqlite --file /dev/zero --operator a", "/dev/zero"),
    ("import-ledger /dev/urandom --db {tmp}/x.sqlite", "/dev/urandom"),
    ("pay --db x --household A --amount 1 --date 2026-W49-1 --operator a", "YYYY-MM-DD"),
    ("daily-report --db x --date 0001-01-01 --out {tmp}/d.xlsx", "1900-01-01"),
    ("notice --db x --kind survey --village v --from 9999-12-31 --out {tmp}/n.pdf", "2100-12-31"),
]


@pytest.mark.parametrize(("command", "needle"), HOSTILE)
def test_hostile_paths_and_dates_end_in_a_message(
    command: str, needle: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("a note", encoding="utf-8")
    argv = command.replace("{tmp}", str(tmp_path)).split()
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refused the argument
        code = exc.code
    assert code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert needle in err
    assert ".partial" not in err


def test_a_bug_in_a_real_process_shows_no_traceback(tmp_path: Path) -> None:
    """The installed command, a real process: the bug path is one line on stderr, exit 2."""
    home = tmp_path / "home"
    code = (
        "import sys\n"
        "from relocation_desk.cli import cmd_info, main\n"
        "def broken(args):\n"
        "    raise KeyError('marker')\n"
        "cmd_info.run = broken\n"
        "sys.exit(main.main(['info', '--db', 'x.sqlite']))\n"
    )
    env = {**os.environ, "RELOCATION_DESK_HOME": str(home)}
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
        cwd=tmp_path,
    )  # fmt: skip
    assert r.returncode == 2, r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "KeyError" in lines[0] and str(home) in lines[0], r.stderr
    assert "marker" in (home / "logs" / "relocation-desk.log").read_text(encoding="utf-8")


def test_the_command_itself_refuses_a_device_as_database() -> None:
    r = subprocess.run(
        [str(EXE), "info", "--db", "/dev/zero"], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr and "/dev/zero" in r.stderr
