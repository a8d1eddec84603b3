"""Driving the program for ``make_screenshots.py``: the screen being drawn, windows opened
through menus and buttons, modal dialogs answered, people signing in.

Imported by ``make_screenshots.py`` after it chose the Qt platform (offscreen without a
display) and put the checkout's ``src`` and top folder on ``sys.path``.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt, QTimer, QtMsgType
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QDialog, QWidget

WIDTH, HEIGHT = 1366, 768
TITLE_BAR = 26


@dataclass
class Tour:
    """The running program: its database file, the register window and the PNGs made so far."""

    db_path: Path
    out: Path
    window: Any = None
    operator: Any = None
    said: list[tuple[str, str]] = field(default_factory=list)  # messages the program showed
    made: list[Path] = field(default_factory=list)
    households: int = 400  # size of the demo (and of the split project for the exchange)

    # --- the database, read as a person reads the register --------------------------------
    def one(self, sql: str, *args: Any) -> Any:
        with sqlite3.connect(self.db_path) as conn:
            row = conn.execute(sql, args).fetchone()
        if row is None:
            raise LookupError(f"nothing in the demo for: {sql} {args}")
        return row

    def household_code(self, status: str, team_of: str | None = None) -> str:
        if team_of is None:
            return str(
                self.one("select code from household where status=? order by code", status)[0]
            )
        return str(
            self.one(
                "select h.code from household h join operator o on o.team_id=h.team_id "
                "where h.status=? and o.login=? order by h.code",
                status,
                team_of,
            )[0]
        )

    # --- pictures --------------------------------------------------------------------------
    def shoot(
        self, name: str, *on_top: QWidget, popups: Sequence[tuple[QWidget, QPoint]] = ()
    ) -> Path:
        """Save the screen as it looks now: the register window with ``on_top`` over it and
        ``popups`` (an open menu) drawn without a title bar where they are."""
        settle()
        screen = QPixmap(WIDTH, HEIGHT)
        screen.fill(QColor("#3a4a5c"))
        painter = QPainter(screen)
        if self.window is not None and self.window.isVisible():
            draw_window(painter, self.window, QPoint(0, 0), full=True)
        for w in on_top:
            fit(w)
            x = max(0, (WIDTH - w.width()) // 2)
            y = max(TITLE_BAR, (HEIGHT - w.height() + TITLE_BAR) // 2)
            draw_window(painter, w, QPoint(x, y))
        for popup, at in popups:
            painter.drawPixmap(at, popup.grab())
        painter.end()
        path = self.out / f"{name}.png"
        screen.save(str(path), "PNG")
        small(path)
        self.made.append(path)
        print(
            f"  {path.relative_to(self.out.parent) if path.is_relative_to(self.out.parent) else path}"
        )
        return path


def small(path: Path) -> None:
    """Store the PNG with a 256-colour palette: screens have few colours, and the file shrinks
    to about 40 % with no visible change."""
    from PIL import Image

    with Image.open(path) as im:
        palette = im.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    palette.save(path, "PNG", optimize=True)


def quiet_qt(kind: QtMsgType, context: object, message: str) -> None:
    """Qt's notes that the offscreen screen cannot move or raise windows are left out."""
    if "This plugin does not support" not in message:
        print(message, file=sys.stderr)


def settle(rounds: int = 5) -> None:
    app = QApplication.instance()
    assert app is not None
    for _ in range(rounds):
        app.processEvents()


def wait_until(ready: Callable[[], bool], seconds: float = 30.0) -> None:
    """Let the program work (background threads report through the event loop) until
    ``ready()``; raises after ``seconds``."""
    import time

    end = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > end:
            raise TimeoutError(f"the window was not ready after {seconds:.0f} s")
        settle()
        time.sleep(0.05)
    settle()


def fit(w: QWidget) -> None:
    """Make a window fit the 1366×768 screen below a title bar, as a window manager would."""
    if w.width() > WIDTH or w.height() > HEIGHT - TITLE_BAR:
        w.resize(min(w.width(), WIDTH), min(w.height(), HEIGHT - TITLE_BAR))
        settle()


def draw_window(painter: QPainter, w: QWidget, at: QPoint, *, full: bool = False) -> None:
    """Paint ``w`` at ``at`` with a plain title bar above it (offscreen windows have none)."""
    if full:
        w.resize(WIDTH, HEIGHT - TITLE_BAR)
        settle()
    bar = QRect(at.x(), at.y() if full else at.y() - TITLE_BAR, w.width(), TITLE_BAR)
    painter.fillRect(bar, QColor("#2b5797"))
    painter.setPen(QColor("white"))
    font = QFont(w.font())
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(bar.adjusted(10, 0, -10, 0), Qt.AlignmentFlag.AlignVCenter, w.windowTitle())
    body = QPoint(at.x(), bar.bottom() + 1)
    painter.drawPixmap(body, w.grab())
    painter.setPen(QColor("#1e3f6e"))
    painter.drawRect(QRect(bar.topLeft(), QPoint(bar.right(), body.y() + w.height() - 1)))


# --- driving the program ----------------------------------------------------------------------


def new_windows(act: Callable[[], object]) -> list[QWidget]:
    """Do ``act`` and return the top-level windows it opened."""
    before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    act()
    settle()
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and id(w) not in before]


def while_modal(
    act: Callable[[], object], handle: Callable[[QWidget], None], kind: str = ""
) -> None:
    """Do ``act``, which opens a modal dialog (of class ``kind``, if given: progress boxes
    shown first are waited out); ``handle`` it (take its picture), then close it."""
    state: dict[str, Any] = {"error": None, "seen": False}

    def check() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or (kind and type(dialog).__name__ != kind):
            QTimer.singleShot(100, check)
            return
        state["seen"] = True
        try:
            handle(dialog)
        except BaseException as exc:  # re-raised after the dialog closed
            state["error"] = exc
        if isinstance(dialog, QDialog):
            dialog.reject()
        else:
            dialog.close()

    QTimer.singleShot(200, check)
    act()
    settle()
    if state["error"] is not None:
        raise state["error"]
    if not state["seen"]:
        raise RuntimeError("the expected dialog did not open")


def menu_action(window: Any, text: str) -> Any:
    """The menu entry whose (Chinese) text is ``text``, in the interface's language."""
    from relocation_desk.i18n import _

    text = _(text)
    for menu_action_ in window.menuBar().actions():
        menu = menu_action_.menu()
        if menu is None:
            continue
        for action in menu.actions():
            if action.text() == text:
                return action
    raise LookupError(f"no menu entry {text!r}")


def button(widget: QWidget, text: str) -> Any:
    from PySide6.QtWidgets import QAbstractButton

    from relocation_desk.i18n import _

    text = _(text).replace("&", "")
    for b in widget.findChildren(QAbstractButton):
        if b.text().replace("&", "") == text and b.isVisible():
            return b
    raise LookupError(f"no button {text!r} in {widget.windowTitle()!r}")


def type_into(widget: QWidget, text: str) -> None:
    from tests.gui.typing import type_text

    widget.setFocus()
    type_text(None, widget, text)


def select_household(tour: Tour, code: str) -> None:
    w = tour.window
    w.clear_filters()
    w.focus_filter()
    type_into(w.filters.text, code)
    settle()
    row = w.model.row_of(w.model.household_id(0)) if w.model.rowCount() else -1
    if row < 0:
        raise LookupError(f"household {code} is not in the register")
    w.table.selectRow(0)
    w.table.setFocus()


def close_all_but_register(tour: Tour) -> None:
    for w in QApplication.topLevelWidgets():
        if w is not tour.window and w.isVisible():
            w.close()
    settle()


def sign_in(tour: Tour, login: str, *, picture: str | None = None) -> Any:
    """Open the register window signed in as ``login`` through the real sign-in dialog."""
    from relocation_desk.gui.auth.flow import sign_in as flow_sign_in
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.services.demo.generator import DEMO_PASSWORD
    from relocation_desk.storage.db import open_database

    if tour.window is not None:
        close_all_but_register(tour)
        tour.window.close()
        tour.window.deleteLater()
        tour.window = None
        settle()
    db = open_database(tour.db_path)

    def answer(dialog: QWidget) -> None:
        dialog.login.clear()
        type_into(dialog.login, login)
        type_into(dialog.password, DEMO_PASSWORD)
        if picture:
            tour.shoot(picture, dialog)
        dialog.submit()

    state: dict[str, Any] = {}

    def check() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(100, check)
            return
        try:
            answer(dialog)
        except BaseException as exc:
            state["error"] = exc
            dialog.reject()

    QTimer.singleShot(200, check)
    operator = flow_sign_in(None, db)
    if "error" in state:
        raise state["error"]
    if operator is None:
        raise RuntimeError(f"signing in as {login} did not succeed")
    window = MainWindow(db, operator)
    window.resize(WIDTH, HEIGHT - TITLE_BAR)
    window.show()
    settle()
    tour.window, tour.operator = window, operator
    return window


@contextmanager
def answered_questions(tour: Tour) -> Iterator[list[tuple[str, str]]]:
    """Questions the tour answers itself: confirmations yes, messages noted and printed."""
    from relocation_desk.gui import dialogs

    said: list[tuple[str, str]] = []
    saved = {
        name: getattr(dialogs, name)
        for name in ("show_info", "show_error", "ask_confirm", "ask_restore_draft", "open_file")
    }
    dialogs.show_info = lambda _p, t, x: said.append((t, x))  # type: ignore[assignment]
    dialogs.show_error = lambda _p, t, x: said.append((t, x))  # type: ignore[assignment]
    dialogs.ask_confirm = lambda _p, t, x: True  # type: ignore[assignment]
    dialogs.ask_restore_draft = lambda _p: False  # type: ignore[assignment]
    dialogs.open_file = lambda p: True  # type: ignore[assignment]
    try:
        yield said
    finally:
        for name, f in saved.items():
            setattr(dialogs, name, f)
