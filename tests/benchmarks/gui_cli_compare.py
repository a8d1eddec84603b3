"""The same long work through the CLI function and through the GUI, in one process.

Posting a notice round (compensation notice of the largest village, its PDF written) and
recompute-all, each on a fresh copy of the same demo project:

- **CLI**: ``relocation_desk.cli.main.main([...])`` — what ``relocation-desk notice`` /
  ``relocation-desk calc --all`` do after Python has started: open the database, sign in
  (one scrypt), the use case, the PDF.
- **GUI**: the main window open on the copy, settled (register index loaded, the opening
  backup written and flushed to disk), then the real menu action: 张榜公示 → 发布并预览 with its
  progress dialog and worker thread, the register refreshed, the PDF rendered (the preview
  window itself is not opened: it waits for a person); 全部重新计算 with its dialog until it
  reports the result and the register has the new figures.

Each copy is flushed to disk (``os.sync``) and read once before it is timed: a fresh 1.4 GB
copy otherwise makes the first commit's fsync wait for the copy's own dirty pages, and the
window's opening backup would otherwise give the GUI a warm page cache the CLI lacks. Rounds alternate which
path goes first. Used by ``bench_gui_vs_cli.py`` (figures) and ``test_gui_cli_benchmark.py``
(once, untimed, in the test suite).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select


class _Timings(list):  # type: ignore[type-arg]
    """The timings so far; each also handed to ``on_timing`` as it is taken."""

    def __init__(self, on_timing: Callable[[Timing], None] | None) -> None:
        super().__init__()
        self._on_timing = on_timing

    def append(self, timing: Timing) -> None:  # type: ignore[override]
        super().append(timing)
        if self._on_timing is not None:
            self._on_timing(timing)


@dataclass
class Timing:
    what: str
    path: str  # "cli" or "gui"
    seconds: float
    detail: str = ""


def fresh_copy(source: Path, folder: Path, name: str) -> Path:
    target = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    os.sync()
    with target.open("rb") as f:  # read once: both paths start with the file in the cache
        while f.read(1 << 24):
            pass
    return target


def largest_village(path: Path) -> str:
    from relocation_desk.storage import models as m
    from relocation_desk.storage.db import open_database

    db = open_database(path)
    try:
        with db.session() as s:
            return str(
                s.scalar(
                    select(m.Village.name)
                    .join(m.Household, m.Household.village_id == m.Village.id)
                    .group_by(m.Village.id)
                    .order_by(func.count().desc())
                    .limit(1)
                )
            )
    finally:
        db.close()


def cli_notice(path: Path, village: str, out: Path, login: str) -> Timing:
    from relocation_desk.cli.main import main

    argv = ["notice", "--db", str(path), "--village", village, "--kind", "compensation",
            "--out", str(out), "--operator", login]  # fmt: skip
    t = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as said:
        code = main(argv)
    seconds = time.perf_counter() - t
    assert code == 0, said.getvalue()
    return Timing("notice", "cli", seconds, said.getvalue().strip().splitlines()[0])


def cli_recompute(path: Path, login: str) -> Timing:
    from relocation_desk.cli.main import main

    argv = ["calc", "--db", str(path), "--all", "--operator", login]
    t = time.perf_counter()
    with (
        contextlib.redirect_stdout(io.StringIO()) as said,
        contextlib.redirect_stderr(io.StringIO()),
    ):
        code = main(argv)
    seconds = time.perf_counter() - t
    assert code == 0, said.getvalue()
    return Timing("recompute", "cli", seconds, said.getvalue().strip().splitlines()[0])


def open_window(path: Path, login: str, *, settle: bool = True) -> Any:
    """The main window on ``path`` signed in as ``login``; ``settle``: wait for the register
    index, the opening backup and its writing to disk (else only the window is shown, as when
    a person starts work at once)."""
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select as sql_select

    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.services.households.service import OperatorRef
    from relocation_desk.storage import models as m
    from relocation_desk.storage.db import open_database

    db = open_database(path)
    with db.session() as s:
        o = s.scalars(sql_select(m.Operator).where(m.Operator.login == login)).one()
        operator = OperatorRef(o.id, o.login, o.name, o.role, o.team_id)
    window = MainWindow(db, operator)
    window.show()
    QApplication.processEvents()
    if not settle:
        return window
    window.register.index._ready()  # the columns load on a thread; wait for them
    window.auto_backups.start_opening_backup()  # the backup made on opening, at once
    window.auto_backups.wait()
    QApplication.processEvents()
    os.sync()  # and its 1.4 GB on disk, not in the page cache's write queue
    return window


def close_window(window: Any) -> None:
    from PySide6.QtWidgets import QApplication

    db = window.db
    window.close()
    window.deleteLater()
    QApplication.processEvents()
    if db is not None:
        db.close()


def gui_notice(path: Path, village: str, login: str, *, settle: bool = True) -> Timing:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from relocation_desk.gui import dialogs
    from relocation_desk.gui.printing import preview as pdf_preview

    window = open_window(path, login, settle=settle)
    said: list[str] = []
    previewed: list[int] = []
    saved = dialogs.show_info, pdf_preview.show_pdf_preview
    dialogs.show_info = lambda parent, title, text: said.append(text)  # type: ignore[assignment]
    pdf_preview.show_pdf_preview = (  # type: ignore[assignment]
        lambda parent, pdf, title, on_printed=None, **kw: previewed.append(pdf.stat().st_size)
    )
    try:
        window.notice_feature.post_action.trigger()
        dialog = window.notice_feature.post_dialog
        dialog.village.setCurrentIndex(dialog.village.findText(village))
        dialog.kind.setCurrentIndex(dialog.kind.findData("compensation"))
        t = time.perf_counter()
        QTest.mouseClick(dialog.post_button, Qt.MouseButton.LeftButton)
        seconds = time.perf_counter() - t
    finally:
        dialogs.show_info, pdf_preview.show_pdf_preview = saved  # type: ignore[assignment]
        close_window(window)
    assert said and previewed, said
    return Timing("notice", "gui", seconds, said[0].splitlines()[0])


def gui_recompute(path: Path, login: str) -> Timing:
    from PySide6.QtCore import QEventLoop

    from relocation_desk.gui import dialogs

    window = open_window(path, login)
    saved = dialogs.ask_confirm
    dialogs.ask_confirm = lambda *a, **k: True  # type: ignore[assignment]
    try:
        feature = window.calc_feature
        loop = QEventLoop()
        t = time.perf_counter()
        feature.recompute_action.trigger()
        dialog = feature.recompute
        # ``done`` is connected to the register refresh first: it has run when this quits.
        dialog.done.connect(lambda *_a: loop.quit())
        loop.exec()
        seconds = time.perf_counter() - t
        summary = dialog.summary
        dialog.accept()
    finally:
        dialogs.ask_confirm = saved  # type: ignore[assignment]
        close_window(window)
    assert summary is not None
    return Timing("recompute", "gui", seconds, f"changed {summary.changed:,}")


def compare(source: Path, folder: Path, *, rounds: int = 3, login: str = "admin",
            recompute: bool = True, settle: bool = True,
            on_timing: Callable[[Timing], None] | None = None) -> list[Timing]:  # fmt: skip
    """Alternating CLI/GUI runs on fresh copies of ``source`` (``settle``: see
    :func:`open_window`; the notice only)."""
    os.environ.setdefault("RD_PASSWORD", "demo")
    village = largest_village(source)
    out = _Timings(on_timing)
    for r in range(rounds):
        order = ("cli", "gui") if r % 2 == 0 else ("gui", "cli")
        for which in order:
            path = fresh_copy(source, folder, f"{which}.sqlite")
            if which == "cli":
                out.append(cli_notice(path, village, folder / "cli.pdf", login))
            else:
                out.append(gui_notice(path, village, login, settle=settle))
        if recompute:
            for which in order:
                path = fresh_copy(source, folder, f"{which}.sqlite")
                out.append(cli_recompute(path, login) if which == "cli" else
                           gui_recompute(path, login))  # fmt: skip
    for name in ("cli", "gui"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(folder / f"{name}.sqlite") + suffix).unlink(missing_ok=True)
    return list(out)
