"""Find text a person cannot read whole: labels, buttons, check boxes, the choice shown in a
drop-down list, group titles, tabs and table headers whose text is wider than the room the
widget gives it.

``clipped_texts(window)`` walks a window's visible widgets and measures each text with the
widget's own font (``fontMetrics().horizontalAdvance``, line by line for multi-line text)
against the space the style leaves for it. A word-wrapped label counts as clipped when its
wrapped text needs more height than it has, or when one word is wider than the label. Dashboard
tiles are made of labels, so they are measured as labels.

``window_fits_laptop(window)`` says whether a window (with its title bar) fits the work area of
a 1366×768 laptop screen once the taskbar has taken its 40 pixels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6 import QtGui
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionGroupBox,
    QTabBar,
    QTableView,
    QTreeView,
    QWidget,
)

LAPTOP = QSize(1366, 768)
TASKBAR = 40
TITLE_BAR = 32
LONG_TEXT = 20  # longer cell texts (reasons, notes) may be cut: their details show them whole
_MNEMONIC = re.compile(r"&(?=[^&])")


@dataclass(frozen=True)
class Clipped:
    window: str
    kind: str
    text: str
    needed: int
    available: int

    def __str__(self) -> str:
        return f"[{self.window}] {self.kind} {self.text!r}: needs {self.needed}px, has {self.available}px"


def _plain(text: str) -> str:
    return _MNEMONIC.sub("", text).replace("&&", "&")


def _widest_line(widget: QWidget, text: str) -> int:
    fm = widget.fontMetrics()
    return max((fm.horizontalAdvance(line) for line in text.split("\n")), default=0)


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0 and widget.height() > 0


def _window_name(widget: QWidget) -> str:
    top = widget.window()
    return top.windowTitle() or type(top).__name__


def _label(label: QLabel) -> tuple[int, int] | None:
    if not label.text() or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    text = label.text()
    if label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)
    ):
        doc = QTextDocument()
        doc.setHtml(text)
        text = doc.toPlainText()
    room = label.contentsRect().width() - 2 * label.margin() - max(label.indent(), 0)
    if label.wordWrap():
        # Wrapped text must have the height it needs, and no single word may be wider.
        words = [w for w in re.split(r"\s+", text) if w and not _has_cjk(w)]
        widest = max((label.fontMetrics().horizontalAdvance(w) for w in words), default=0)
        if widest > room:
            return widest, room
        need = label.heightForWidth(label.width())
        if need > label.height():
            return need, label.height()  # heights, for a wrapped label
        return None
    return _widest_line(label, text), room


def _has_cjk(word: str) -> bool:
    return any("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" for ch in word)


def _button(button: QAbstractButton) -> tuple[int, int] | None:
    text = _plain(button.text())
    if not text:
        return None
    style = button.style()
    opt = QStyleOptionButton()
    opt.initFrom(button)
    opt.text = button.text()
    opt.icon = button.icon()
    opt.iconSize = button.iconSize()
    need = _widest_line(button, text)
    if isinstance(button, QCheckBox):
        room = style.subElementRect(QStyle.SubElement.SE_CheckBoxContents, opt, button).width()
    elif isinstance(button, QRadioButton):
        room = style.subElementRect(QStyle.SubElement.SE_RadioButtonContents, opt, button).width()
    else:
        room = style.subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, button).width()
        if not button.icon().isNull():
            need += button.iconSize().width() + 4
    return need, room


def _group_box(box: QGroupBox) -> tuple[int, int] | None:
    text = _plain(box.title())
    if not text:
        return None
    opt = QStyleOptionGroupBox()
    box.initStyleOption(opt)
    rect = box.style().subControlRect(
        QStyle.ComplexControl.CC_GroupBox, opt, QStyle.SubControl.SC_GroupBoxLabel, box
    )
    # The style measures the title's ink, not its advance: the room is the box's width from
    # where the title starts.
    room = box.width() - max(rect.left(), 0)
    return box.fontMetrics().horizontalAdvance(text), room


def _combo(combo: QComboBox) -> tuple[int, int] | None:
    text = combo.currentText()
    if not text or combo.isEditable():
        return None
    opt = QStyleOptionComboBox()
    combo.initStyleOption(opt)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, opt, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    need = combo.fontMetrics().horizontalAdvance(text)
    if not combo.itemIcon(combo.currentIndex()).isNull():
        need += combo.iconSize().width() + 4
    return need, field.width()


def _tabs(bar: QTabBar) -> list[tuple[str, int, int]]:
    found = []
    space = bar.style().pixelMetric(QStyle.PixelMetric.PM_TabBarTabHSpace, None, bar)
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        text = _plain(bar.tabText(i))
        need = bar.fontMetrics().horizontalAdvance(text) + space
        if not bar.tabIcon(i).isNull():
            need += bar.iconSize().width() + 4
        rect = bar.tabRect(i)
        room = rect.width() if rect.right() < bar.width() + 1 else max(0, bar.width() - rect.left())
        if need > room:
            found.append((text, need, room))
    return found


def _headers(view: QTableView | QTreeView) -> list[tuple[str, int, int]]:
    header: QHeaderView = view.horizontalHeader() if isinstance(view, QTableView) else view.header()
    model = view.model()
    if model is None or header.isHidden():
        return []
    found = []
    style = header.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    mark = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    for logical in range(header.count()):
        if header.isSectionHidden(logical):
            continue
        text = model.headerData(logical, Qt.Orientation.Horizontal)
        if not text:
            continue
        need = _widest_line(header, str(text)) + 2 * margin
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == logical:
            need += mark + margin
        room = header.sectionSize(logical)
        if need > room:
            found.append((str(text), need, room))
    return found


def _cells(view: QTableView | QTreeView) -> list[tuple[str, int, int]]:
    """Cells of the rows on screen whose short text (a status, name, amount, date) is cut
    (``…``): one line of it is wider than its column."""
    model = view.model()
    if model is None:
        return []
    header = view.horizontalHeader() if isinstance(view, QTableView) else view.header()
    viewport = view.viewport().rect()
    margin = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)
    fm = view.fontMetrics()
    found = []
    top = view.indexAt(viewport.topLeft()).row()
    for row in range(max(top, 0), model.rowCount()):
        index0 = model.index(row, 0)
        if view.visualRect(index0).top() > viewport.bottom():
            break
        for column in range(model.columnCount()):
            if header.isSectionHidden(column):
                continue
            index = model.index(row, column)
            text = index.data()
            if text is None or text == "" or len(str(text)) > LONG_TEXT:
                continue
            need = max(fm.horizontalAdvance(line) for line in str(text).split("\n")) + margin
            if isinstance(view, QTreeView) and column == 0:
                need += view.indentation()
            if index.data(Qt.ItemDataRole.DecorationRole) is not None:
                need += view.iconSize().width() if view.iconSize().isValid() else 16
            room = view.visualRect(index).width()
            if need > room:
                found.append((str(text), need, room))
    return found


def clipped_texts(window: QWidget, *, cells: bool = True) -> list[Clipped]:
    """Every visible text in ``window`` (and its child widgets) that does not fit its room."""
    for _round in range(3):  # a text set by a queued signal lays its window out a round later
        QApplication.processEvents()
    found: list[Clipped] = []
    for widget in [window, *window.findChildren(QWidget)]:
        if not _shown(widget):
            continue
        name = _window_name(widget)
        result: tuple[int, int] | None = None
        kind = type(widget).__name__
        if isinstance(widget, QLabel):
            result, text = _label(widget), widget.text()
        elif isinstance(widget, QPushButton | QCheckBox | QRadioButton):
            result, text = _button(widget), _plain(widget.text())
        elif isinstance(widget, QComboBox):
            result, text = _combo(widget), widget.currentText()
        elif isinstance(widget, QGroupBox):
            result, text = _group_box(widget), widget.title()
        elif isinstance(widget, QTabBar):
            for text, need, room in _tabs(widget):
                found.append(Clipped(name, "tab", text, need, room))
        elif isinstance(widget, QTableView | QTreeView):
            for text, need, room in _headers(widget):
                found.append(
                    Clipped(name, f"header of {widget.objectName() or kind}", text, need, room)
                )
            if cells:
                for text, need, room in _cells(widget):
                    found.append(
                        Clipped(name, f"cell of {widget.objectName() or kind}", text, need, room)
                    )
        if result is not None and result[0] > result[1]:
            found.append(Clipped(name, kind, text, *result))
    return found


def window_fits_laptop(window: QWidget) -> bool:
    """The window with its title bar fits a 1366×768 screen above a 40-pixel taskbar."""
    size = window.frameGeometry().size() if window.isWindow() else window.size()
    return size.width() <= LAPTOP.width() and size.height() + TITLE_BAR <= LAPTOP.height() - TASKBAR
