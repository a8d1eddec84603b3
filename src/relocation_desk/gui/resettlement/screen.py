"""The 选房 day screen for a second monitor or a projector: large text, the household now
choosing with its entitlement and a countdown, the buildings as a grid of flats coloured by
status, and the next households. It only shows; the clerk records choices in the
resettlement window, which calls :meth:`SessionScreen.show_state` after each change."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from ...domain.units import format_area
from ...i18n import _
from ...services.resettlement.inventory import FlatGrid
from .grid import FlatGridView


@dataclass(frozen=True)
class ScreenState:
    order_no: int | None
    code: str
    head_name: str
    entitlement_dm2: int
    remaining_dm2: int
    chosen: tuple[str, ...]  # labels of flats already chosen
    upcoming: tuple[tuple[int, str], ...]  # (order no, name)
    grid: FlatGrid
    offered: frozenset[tuple[str, str, int]]


def _big(px: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(px)
    font.setBold(bold)
    return font


class SessionScreen(QWidget):
    def __init__(self, seconds: int = 300) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle(_("选房现场"))
        self.setObjectName("resettlementScreen")
        self.setStyleSheet("background: white;")
        self._seconds = seconds
        self._left = seconds
        self.now_label = QLabel()
        self.now_label.setFont(_big(44, True))
        self.now_label.setWordWrap(True)
        self.detail_label = QLabel()
        self.detail_label.setFont(_big(28))
        self.countdown_label = QLabel()
        self.countdown_label.setFont(_big(56, True))
        self.countdown_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.next_label = QLabel()
        self.next_label.setFont(_big(26))
        self.next_label.setWordWrap(True)
        self.grid = FlatGridView(self, cell=56, font_px=16)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid)
        top = QHBoxLayout()
        heading = QVBoxLayout()
        heading.addWidget(self.now_label)
        heading.addWidget(self.detail_label)
        top.addLayout(heading, 3)
        top.addWidget(self.countdown_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        legend = QLabel(_("绿：可选　灰：保留　红：已选　蓝：已交付　橙色框：当前户可选的户型"))
        legend.setFont(_big(20))
        layout.addWidget(legend)
        layout.addWidget(self.next_label)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)

    def show_on_second_screen(self) -> None:
        """Full screen on the second monitor (the projector) if there is one."""
        screens = QGuiApplication.screens()
        if len(screens) > 1:
            self.setGeometry(screens[1].geometry())
        self.showFullScreen()

    def show_state(self, state: ScreenState | None, *, restart: bool) -> None:
        if state is None:
            self.now_label.setText(_("选房已全部完成"))
            self.detail_label.setText("")
            self.next_label.setText("")
            self.countdown_label.setText("")
            self._timer.stop()
            return
        self.now_label.setText(
            _("请第 {no} 号 {name}（{code}）选房", no=state.order_no or "", name=state.head_name,
              code=state.code)
        )  # fmt: skip
        chosen = "、".join(state.chosen) or _("无")
        self.detail_label.setText(
            _("安置面积 {ent} ㎡，已选 {chosen}，剩余 {rest} ㎡",
              ent=format_area(state.entitlement_dm2), chosen=chosen,
              rest=format_area(max(state.remaining_dm2, 0)))
        )  # fmt: skip
        upcoming = "    ".join(f"{no} {name}" for no, name in state.upcoming)
        self.next_label.setText(_("后续：{list}", list=upcoming or _("无")))
        self.grid.set_grid(state.grid)
        self.grid.set_offered(set(state.offered))
        if restart:
            self._left = self._seconds
            self._show_countdown()
            self._timer.start()

    def seconds_left(self) -> int:
        return self._left

    def _tick(self) -> None:
        self._left = max(self._left - 1, 0)
        self._show_countdown()
        if self._left == 0:
            self._timer.stop()

    def _show_countdown(self) -> None:
        minutes, seconds = divmod(self._left, 60)
        self.countdown_label.setText(f"{minutes:02d}:{seconds:02d}")
        colour = "#c0392b" if self._left <= 30 else "#222222"
        self.countdown_label.setStyleSheet(f"color: {colour};")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)
