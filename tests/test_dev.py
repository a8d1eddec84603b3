"""dev.py, the README's two commands: what a person sees when the machine is not ready."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import threading
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev_under_test", ROOT / "dev.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_screen_is_said_before_anything_is_installed() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["PATH"] = "/nonexistent"  # apt-get, sudo, ldconfig: nothing could be installed
    r = subprocess.run(
        [sys.executable, str(ROOT / "dev.py"), "run"], env=env, capture_output=True, text=True
    )
    assert r.returncode == 1
    assert r.stdout == ""  # not even "installing …"
    assert "no screen found" in r.stderr and "QT_QPA_PLATFORM=offscreen" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def _locked_in_another_process(path: Path) -> subprocess.Popen[bytes]:
    # fcntl record locks belong to a process: the holder must be another one, as apt is.
    code = (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(path)!r}, os.O_RDWR | os.O_CREAT)\n"
        "fcntl.lockf(fd, fcntl.LOCK_EX)\n"
        "print('held', flush=True)\n"
        "sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert holder.stdout and holder.stdout.readline().strip() == b"held"
    return holder


def test_a_held_package_lock_is_waited_for_then_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dev = _dev()
    lock = tmp_path / "lock-frontend"
    holder = _locked_in_another_process(lock)
    try:
        assert dev.apt_lock_holder((str(lock),)) == str(lock)
        with pytest.raises(SystemExit) as stop:
            dev.wait_for_apt(wait=0.3, locks=(str(lock),), poll=0.05)
        assert stop.value.code == 1
        out, err = capsys.readouterr()
        assert "waiting up to 0 s" in out
        assert "still busy" in err and str(lock) in err and len(err.strip().splitlines()) == 1
    finally:
        holder.stdin.close()  # type: ignore[union-attr]
        holder.wait(5)


def test_the_wait_ends_when_the_other_program_finishes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dev = _dev()
    lock = tmp_path / "lock-frontend"
    holder = _locked_in_another_process(lock)
    threading.Timer(0.3, holder.stdin.close).start()  # type: ignore[union-attr]
    dev.wait_for_apt(wait=10, locks=(str(lock),), poll=0.05)
    holder.wait(5)
    assert "waiting up to 10 s" in capsys.readouterr().out
    assert dev.apt_lock_holder((str(lock),)) is None


def test_a_free_lock_is_not_mentioned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dev = _dev()
    lock = tmp_path / "lock"
    lock.write_text("")
    dev.wait_for_apt(wait=1, locks=(str(lock),))
    assert capsys.readouterr().out == ""
