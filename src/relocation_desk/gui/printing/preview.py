"""Preview, print and save a PDF the program wrote (notices, agreements, reports).

The pages are rendered with PDFium (``pdf_print.render_page``) only when they scroll into
view, one page per event-loop turn, and kept in a cache bounded in bytes, so a 2,000-page
notice opens at once and uses little memory. The view is a ``QAbstractScrollArea`` that lays
the pages out itself (no child widget as tall as the whole document: Qt widgets stop at
16,777,215 pixels). "打印…" goes through the system print dialog and ``pdf_print.print_pdf``;
"另存为 PDF…" copies the file byte for byte, so a saved notice is the notice that was posted.

Questions to the user (which printer, where to save) go through ``ask_printer`` and
``ask_save_pdf_path`` here, module functions tests replace; callers open the preview with
``show_pdf_preview``, which their tests replace in turn.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShortcut,
    QWheelEvent,
)
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ...services.errors import UserError
from ...storage.errors import StorageError
from .. import dialogs
from .printer import POINTS_PER_INCH, PageCache, page_layout, page_ranges, print_pdf, render_page

#: Rendered preview pages kept in memory (an A3 page at fit width is ~5 MB).
CACHE_BYTES = 96 * 1024 * 1024
PAGE_GAP = 12  # pixels around and between pages

# Zoom values > 0 are a factor of the page's real size on screen.
FIT_WIDTH = -1.0
FIT_PAGE = -2.0


def _zoom_choices() -> list[tuple[str, float]]:
    return [
        (_("适合宽度"), FIT_WIDTH),
        (_("整页"), FIT_PAGE),
        ("50%", 0.5),
        ("75%", 0.75),
        ("100%", 1.0),
        ("150%", 1.5),
        ("200%", 2.0),
    ]


# --- Questions (tests replace these) ----------------------------------------------------------


def ask_printer(parent: QWidget | None, printer: QPrinter, page_count: int) -> bool:
    """The system print dialog: the user's printer, pages and copies go into ``printer``."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("打印"))
    dialog.setMinMax(1, page_count)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCollateCopies, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, False)
    return dialog.exec() == QDialog.DialogCode.Accepted


def ask_save_pdf_path(parent: QWidget | None, suggested: str) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("另存为 PDF"), suggested, _("PDF 文件 (*.pdf)")
    )
    if not path:
        return None
    out = Path(path)
    return out if out.suffix.lower() == ".pdf" else out.with_name(out.name + ".pdf")


def show_pdf_preview(
    parent: QWidget | None,
    path: Path,
    title: str,
    on_printed: Callable[[int], None] | None = None,
    *,
    on_saved: Callable[[Path], None] | None = None,
    save: Callable[[Path], None] | None = None,
) -> None:
    """Show the preview of ``path`` (modal). ``on_printed(copies)`` runs after each print
    and ``on_saved(path)`` after each "save as", so the caller can log them. ``save(target)``,
    when given, writes the chosen file itself instead of a plain copy: for a PDF with full
    personal data, whose audit row must exist before the file does
    (``services.personal_exports``)."""
    dialog = PdfPreviewDialog(
        parent, path, title, on_printed=on_printed, on_saved=on_saved, save=save
    )
    try:
        dialog.exec()
    finally:
        dialog.close_document()
        dialog.deleteLater()


# --- The page view -----------------------------------------------------------------------------


class PageView(QAbstractScrollArea):
    """All pages one below the other. Painting draws what the cache holds; missing visible
    pages are rendered on later event-loop turns, one per turn, so scrolling never waits."""

    page_changed = Signal(int)  # 0-based page at the top of the view
    zoom_step = Signal(int)  # Ctrl+wheel: +1 / -1

    def __init__(self, doc: pdfium.PdfDocument) -> None:
        super().__init__()
        self._doc: pdfium.PdfDocument | None = doc
        self._sizes = [doc.get_page_size(i) for i in range(len(doc))]  # points
        self._zoom = FIT_WIDTH
        self._scale = 1.0  # logical pixels per point
        self._tops: list[int] = []
        self._content = QSize(0, 0)
        self._cache = PageCache(CACHE_BYTES)
        self._pending: list[int] = []
        self._target: tuple[int, int] | None = None  # (page gone to, scroll value then)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._render_next)
        self.viewport().setAutoFillBackground(False)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.relayout()

    @property
    def page_count(self) -> int:
        return len(self._sizes)

    @property
    def cache(self) -> PageCache:
        return self._cache

    # layout
    def set_zoom(self, zoom: float) -> None:
        current = self.current_page()
        self._zoom = zoom
        self.relayout()
        self.go_to_page(current)

    def _fit_scale(self) -> float:
        viewport = self.viewport().size()
        widest = max((w for w, _h in self._sizes), default=1.0)
        avail_w = max(50, viewport.width() - 2 * PAGE_GAP)
        if self._zoom == FIT_WIDTH:
            return avail_w / widest
        if self._zoom == FIT_PAGE:
            tallest = max((h for _w, h in self._sizes), default=1.0)
            avail_h = max(50, viewport.height() - 2 * PAGE_GAP)
            return min(avail_w / widest, avail_h / tallest)
        return self._zoom * self.logicalDpiX() / POINTS_PER_INCH

    def relayout(self) -> None:
        self._scale = self._fit_scale()
        top = PAGE_GAP
        self._tops = []
        width = 0
        for w, h in self._sizes:
            self._tops.append(top)
            top += round(h * self._scale) + PAGE_GAP
            width = max(width, round(w * self._scale))
        self._content = QSize(width + 2 * PAGE_GAP, top)
        viewport = self.viewport().size()
        vbar, hbar = self.verticalScrollBar(), self.horizontalScrollBar()
        vbar.setRange(0, max(0, self._content.height() - viewport.height()))
        vbar.setPageStep(viewport.height())
        vbar.setSingleStep(max(20, viewport.height() // 12))
        hbar.setRange(0, max(0, self._content.width() - viewport.width()))
        hbar.setPageStep(viewport.width())
        hbar.setSingleStep(max(20, viewport.width() // 12))
        self.viewport().update()

    def page_rect(self, index: int) -> QRect:
        """Where page ``index`` is in content coordinates."""
        w, h = self._sizes[index]
        pw, ph = round(w * self._scale), round(h * self._scale)
        x = max(PAGE_GAP, (max(self._content.width(), self.viewport().width()) - pw) // 2)
        return QRect(x, self._tops[index], pw, ph)

    def page_at(self, y: int) -> int:
        """The page at content height ``y`` (the one above when ``y`` is in a gap)."""
        lo, hi = 0, len(self._tops) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._tops[mid] <= y:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def _visible_rect(self) -> QRect:
        """The viewport in content coordinates."""
        return QRect(
            self.horizontalScrollBar().value(),
            self.verticalScrollBar().value(),
            self.viewport().width(),
            self.viewport().height(),
        )

    def visible_pages(self) -> range:
        if not self._tops:
            return range(0)
        rect = self._visible_rect()
        return range(self.page_at(rect.top()), self.page_at(rect.bottom()) + 1)

    # navigation
    def current_page(self) -> int:
        """0-based page at the top of the view (or the one last gone to, when the view could
        not scroll that far because the last pages all fit)."""
        if not self._sizes:
            return 0
        value = self.verticalScrollBar().value()
        if self._target is not None and value == self._target[1]:
            return self._target[0]
        return self.page_at(value + PAGE_GAP)

    def go_to_page(self, index: int) -> None:
        if not self._sizes:
            return
        index = max(0, min(self.page_count - 1, index))
        bar = self.verticalScrollBar()
        bar.setValue(self.page_rect(index).top() - PAGE_GAP)
        self._target = (index, bar.value())
        self.page_changed.emit(index)

    def _scrolled(self, _value: int) -> None:
        self.page_changed.emit(self.current_page())

    # painting
    def _key(self, index: int) -> tuple[int, int]:
        return (index, round(self.page_rect(index).width() * self.devicePixelRatioF()))

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        painter.fillRect(event.rect(), QColor(128, 128, 128))
        offset = self._visible_rect().topLeft()
        wanted: list[int] = []
        for index in self.visible_pages():
            rect = self.page_rect(index).translated(-offset)
            if not rect.intersects(event.rect()):
                continue
            image = self._cache.get(self._key(index))
            if image is not None:
                painter.drawImage(rect, image)
            elif self._doc is not None:
                painter.fillRect(rect, Qt.GlobalColor.white)
                painter.setPen(QColor(150, 150, 150))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, _("正在显示…"))
                wanted.append(index)
        painter.end()
        if wanted:
            self._pending = wanted
            self._timer.start()

    def _render(self, index: int) -> None:
        assert self._doc is not None
        key = self._key(index)
        image = render_page(self._doc, index, key[1] / self._sizes[index][0])
        image.setDevicePixelRatio(self.devicePixelRatioF())
        self._cache.put(key, image)

    def _render_next(self) -> None:
        if self._doc is None:
            return
        visible = self.visible_pages()
        while self._pending:
            index = self._pending.pop(0)
            if index in visible and self._cache.get(self._key(index)) is None:
                self._render(index)
                self.viewport().update()
                break
        if self._pending:
            self._timer.start()

    def render_visible_now(self) -> None:
        """Render every visible page at once (for tests and screenshots)."""
        if self._doc is None:
            return
        for index in self.visible_pages():
            if self._cache.get(self._key(index)) is None:
                self._render(index)
        self.viewport().update()

    def rendered_pages(self) -> list[int]:
        """Pages held rendered (for tests of the lazy rendering)."""
        return self._cache.pages()

    def detach(self) -> None:
        """The document is being closed: stop rendering from it."""
        self._timer.stop()
        self._pending = []
        self._cache.clear()
        self._doc = None

    # events
    def resizeEvent(self, event: QResizeEvent) -> None:
        current = self.current_page()
        super().resizeEvent(event)
        self.relayout()
        self.go_to_page(current)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_step.emit(1 if event.angleDelta().y() > 0 else -1)
            event.accept()
            return
        super().wheelEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(900, 700)


# --- The dialog --------------------------------------------------------------------------------


class PdfPreviewDialog(QDialog):
    """Pages of one PDF, with page navigation, zoom, print and save-as."""

    def __init__(
        self,
        parent: QWidget | None,
        pdf_path: Path,
        title: str,
        *,
        on_printed: Callable[[int], None] | None = None,
        on_saved: Callable[[Path], None] | None = None,
        save: Callable[[Path], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.pdf_path = Path(pdf_path)
        self.on_printed = on_printed
        self.on_saved = on_saved
        self.save = save
        self._doc: pdfium.PdfDocument | None = pdfium.PdfDocument(str(self.pdf_path))
        self.page_count = len(self._doc)
        self.view = PageView(self._doc)

        self.prev_button = QPushButton(_("上一页"))
        self.next_button = QPushButton(_("下一页"))
        self.page_box = QSpinBox()
        self.page_box.setRange(1, max(1, self.page_count))
        self.page_box.setKeyboardTracking(False)
        self.page_box.setPrefix(_("第 "))
        self.page_box.setSuffix(_(" 页"))
        digits = self.page_box.prefix() + "8" * len(str(self.page_count)) + self.page_box.suffix()
        self.page_box.setMinimumWidth(self.page_box.fontMetrics().horizontalAdvance(digits) + 56)
        self.page_total = QLabel(_("共 {n} 页", n=self.page_count))
        self.zoom_box = QComboBox()
        for label, value in _zoom_choices():
            self.zoom_box.addItem(label, value)
        self.print_button = QPushButton(_("打印…"))
        self.save_button = QPushButton(_("另存为 PDF…"))
        self.close_button = QPushButton(_("关闭"))
        for button in (
            self.prev_button,
            self.next_button,
            self.print_button,
            self.save_button,
            self.close_button,
        ):
            button.setAutoDefault(False)

        bar = QHBoxLayout()
        bar.addWidget(self.prev_button)
        bar.addWidget(self.page_box)
        bar.addWidget(self.page_total)
        bar.addWidget(self.next_button)
        bar.addSpacing(16)
        bar.addWidget(QLabel(_("缩放：")))
        bar.addWidget(self.zoom_box)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        self.prev_button.clicked.connect(lambda: self.go_to_page(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go_to_page(self.current_page() + 1))
        self.page_box.valueChanged.connect(lambda n: self.go_to_page(n - 1))
        self.zoom_box.currentIndexChanged.connect(
            lambda _i: self.view.set_zoom(float(self.zoom_box.currentData()))
        )
        self.view.zoom_step.connect(self._zoom_step)
        self.view.page_changed.connect(self._show_page)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self.print_document)
        QShortcut(QKeySequence(Qt.Key.Key_PageDown), self, self.next_button.click)
        QShortcut(QKeySequence(Qt.Key.Key_PageUp), self, self.prev_button.click)
        self.finished.connect(lambda _result: self.close_document())

        screen = self.screen() or QApplication.primaryScreen()
        avail = screen.availableGeometry().size() if screen else QSize(1280, 900)
        self.resize(min(1200, avail.width() * 9 // 10), min(900, avail.height() * 9 // 10))
        self._show_page(0)

    # pages
    def current_page(self) -> int:
        return self.view.current_page()

    def go_to_page(self, index: int) -> None:
        self.view.go_to_page(index)

    def _show_page(self, index: int) -> None:
        self.prev_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < self.page_count - 1)
        if self.page_box.value() != index + 1:
            self.page_box.blockSignals(True)
            self.page_box.setValue(index + 1)
            self.page_box.blockSignals(False)

    def _zoom_step(self, step: int) -> None:
        self.zoom_box.setCurrentIndex(
            max(0, min(self.zoom_box.count() - 1, self.zoom_box.currentIndex() + step))
        )

    # print / save
    def print_document(self) -> None:
        if self._doc is None or not self.page_count:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        offered = page_layout(*self._doc.get_page_size(0))
        printer.setPageLayout(offered)
        if ask_printer(self, printer, self.page_count):
            # Other paper chosen in the dialog (A4 for an A3 notice): shrink to fit it.
            chosen = printer.pageLayout().pageSize()
            self.print_to(printer, fit_to_paper=not chosen.isEquivalentTo(offered.pageSize()))

    def print_to(self, printer: QPrinter, *, fit_to_paper: bool = False) -> int:
        """Print onto a printer the print dialog has set up; returns the sheets sent and calls
        ``on_printed(copies)`` when the job was not cancelled. ``fit_to_paper``: keep the
        printer's paper and shrink the pages onto it (else each sheet is the PDF page's size)."""
        doc = self._doc
        if doc is None:
            return 0
        pages = page_ranges(printer, self.page_count)
        copies = max(1, printer.copyCount())
        progress = QProgressDialog(_("正在打印…"), _("取消"), 0, max(1, len(pages)), self)
        progress.setWindowTitle(_("打印"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)

        def step(done: int, total: int) -> bool:
            progress.setMaximum(max(1, total))
            progress.setValue(done)
            return not progress.wasCanceled()

        cancelled = False
        try:
            sent = print_pdf(doc, printer, pages=pages, progress=step, fit_to_paper=fit_to_paper)
            cancelled = progress.wasCanceled()  # (closing the progress dialog cancels it)
        except OSError as exc:
            progress.close()
            dialogs.show_error(
                self,
                _("打印失败"),
                _("打印没有完成：{error}\n请检查打印机后再试。", error=exc.strerror or exc),
            )
            return 0
        finally:
            progress.close()
        if sent and not cancelled and self.on_printed is not None:
            self.on_printed(copies)
        return sent

    def save_as(self) -> None:
        target = ask_save_pdf_path(self, self.pdf_path.name)
        if target is None:
            return
        try:
            if self.save is not None:
                self.save(target)
            elif not (target.exists() and target.samefile(self.pdf_path)):
                shutil.copyfile(self.pdf_path, target)
        except (UserError, StorageError) as exc:  # refused, or the database is busy: no file
            dialogs.show_error(self, _("保存失败"), exc.message)
            return
        except OSError as exc:
            dialogs.show_error(
                self,
                _("保存失败"),
                _(
                    "无法保存到 {path}：{error}\n请换一个文件夹或文件名再试。",
                    path=str(target),
                    error=exc.strerror or exc,
                ),
            )
            return
        if self.on_saved is not None:
            self.on_saved(target)
        dialogs.show_info(self, _("已保存"), _("已保存到 {path}", path=str(target)))

    def close_document(self) -> None:
        if self._doc is not None:
            self.view.detach()
            self._doc.close()
            self._doc = None
