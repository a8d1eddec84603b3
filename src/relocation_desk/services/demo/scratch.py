"""Scratch folders of the demo generator, and worker processes that end with their parent.

A run builds the new database (``<name>.partial``) and its worker shards in a hidden folder
next to the target (``.<name>.<random>``).
The folder holds an owner file with the pid (and, where the system tells it, the start time)
of the process that made it. A run that was killed leaves its folder behind; the next run
in the same place removes every such folder whose owner is gone. Folders without our owner
file, or with files we did not put there, are left alone.

Workers watch their parent: when it ends, whatever the way (even SIGKILL, which gives it no
chance to stop them), the worker deletes its own scratch file and exits at once.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

OWNER_FILE = "relocation-desk-demo.owner"
_OUR_FILES = ("shard", OWNER_FILE)  # names start with these


def make_work_dir(target: Path) -> Path:
    """A new scratch folder next to ``target`` (same disk), owned by this process."""
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    (folder / OWNER_FILE).write_text(_identity(os.getpid()), encoding="ascii")
    return folder


def remove_stale_work_dirs(parent: Path) -> list[Path]:
    """Remove the scratch folders in ``parent`` left by demo runs that no longer run."""
    removed = []
    try:
        candidates = [p for p in parent.iterdir() if p.name.startswith(".") and p.is_dir()]
    except OSError:
        return removed
    for folder in candidates:
        owner = folder / OWNER_FILE
        try:
            recorded = owner.read_text(encoding="ascii")
            names = [p.name for p in folder.iterdir()]
        except (OSError, UnicodeDecodeError):
            continue
        if not all(n.startswith(_OUR_FILES) or ".sqlite.partial" in n for n in names):
            continue  # someone else's files: not ours to delete
        pid_text = recorded.split(" ", 1)[0]
        if not pid_text.isdigit() or _identity(int(pid_text)) == recorded:
            continue  # its run is still going
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _identity(pid: int) -> str:
    """ "<pid> <start time>" of a running process, or "" when it does not run. The start
    time tells a reused pid from the original one (Linux; elsewhere the pid alone)."""
    if not _alive(pid):
        return ""
    started = ""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
        started = stat.rsplit(")", 1)[1].split()[19]  # field 22: start time in clock ticks
    except (OSError, IndexError, UnicodeDecodeError):
        pass
    return f"{pid} {started}".strip()


def _alive(pid: int) -> bool:
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
        handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
        if not handle:
            return False
        try:
            return bool(kernel32.WaitForSingleObject(handle, 0) == 0x00000102)  # TIMEOUT
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def end_with_parent(cleanup: Callable[[], None]) -> None:
    """In a worker process: when the parent process ends, call ``cleanup`` and exit.

    The parent's sentinel (a pipe on POSIX, a process handle on Windows) becomes ready the
    moment the parent is gone, however it ended.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    sentinel = parent.sentinel

    def watch() -> None:
        multiprocessing.connection.wait([sentinel])
        try:
            cleanup()
        finally:
            os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()
