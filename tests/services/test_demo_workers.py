"""A killed demo run leaves no worker running, and the next run removes its scratch folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from relocation_desk.services.demo.generator import generate_demo
from relocation_desk.services.demo.scratch import OWNER_FILE, make_work_dir, remove_stale_work_dirs


def children_of(pid: int) -> set[int]:
    """Live (not zombie) processes whose parent is ``pid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid and stat[0] != "Z":
                found.add(int(entry.name))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_stale_folders_are_told_from_live_and_foreign_ones(tmp_path: Path) -> None:
    target = tmp_path / "demo.sqlite"
    live = make_work_dir(target)  # this process: still running
    stale = tmp_path / ".demo.sqlite.old"
    stale.mkdir()
    (stale / OWNER_FILE).write_text(f"{dead_pid()} 1", encoding="ascii")
    (stale / "shard1.sqlite").write_bytes(b"x")
    reused = tmp_path / ".demo.sqlite.reused"  # our pid, but another start time: stale too
    reused.mkdir()
    (reused / OWNER_FILE).write_text(f"{os.getpid()} 1", encoding="ascii")
    foreign = tmp_path / ".demo.sqlite.foreign"  # same owner file, but a file of someone else
    foreign.mkdir()
    (foreign / OWNER_FILE).write_text(f"{dead_pid()} 1", encoding="ascii")
    (foreign / "notes.txt").write_text("别删", encoding="utf-8")
    plain = tmp_path / ".config"
    plain.mkdir()
    removed = remove_stale_work_dirs(tmp_path)
    expected = {stale} | ({reused} if Path("/proc/self/stat").exists() else set())
    assert set(removed) == expected
    assert live.is_dir() and foreign.is_dir() and plain.is_dir()


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to find workers")
def test_killed_demo_leaves_no_worker_and_next_run_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "demo.sqlite"
    demo = subprocess.Popen(
        [sys.executable, "-m", "relocation_desk.cli.main", "demo", "--db", str(target),
         "--households", "8000", "--today", "2026-05-20"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert demo.stderr is not None
    try:
        # Wait for the worker to be busy (its households count in the progress line).
        workers: set[int] = set()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            chunk = demo.stderr.read(16)
            assert chunk, "demo ended before it could be killed"
            workers |= children_of(demo.pid)
            scratch = [p for p in tmp_path.iterdir() if p.name.startswith(".demo.sqlite.")]
            if workers and scratch and any((d / "shard1.sqlite").exists() for d in scratch):
                break
        time.sleep(1.0)
        workers |= children_of(demo.pid)
        assert workers
        demo.send_signal(signal.SIGKILL)
        demo.wait(timeout=10)
    finally:
        if demo.poll() is None:
            demo.kill()
    deadline = time.monotonic() + 5
    while any(running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    still = [w for w in workers if running(w)]
    for w in still:
        os.kill(w, signal.SIGKILL)
    assert not still, "worker processes outlived the killed demo"
    (left,) = [p for p in tmp_path.iterdir() if p.name.startswith(".demo.sqlite.")]
    assert not (left / "shard1.sqlite").exists()  # the worker deleted its own shard

    # The next run in the same folder removes it, and the killed run's .partial file.
    generate_demo(target, households=20, seed=1, today=date(2026, 5, 20))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.sqlite"]
