"""Render PDF pages with PDFium (pypdfium2) to QImages, and print a PDF onto a QPrinter.

Printing paints each page as an image at the printer's resolution (at most ``PRINT_DPI_MAX``:
text stays sharp, an A3 page stays ~50 MB while it is drawn) on paper of the PDF page's own
size and orientation, with the page range and copies the print dialog set. PDFium is not
thread-safe, so everything here runs on the GUI thread, one page at a time.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

import pypdfium2 as pdfium
from PySide6.QtCore import QMarginsF, QRect, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from ...i18n import _

#: Pages are printed as images: 300 dpi is sharp for text and keeps an A3 page at ~50 MB.
PRINT_DPI_MAX = 300
POINTS_PER_INCH = 72.0


def render_page(doc: pdfium.PdfDocument, index: int, scale: float) -> QImage:
    """Page ``index`` as an RGB image, ``scale`` pixels per PDF point (a deep copy)."""
    page = doc[index]
    try:
        bitmap = page.render(scale=scale, rev_byteorder=True, prefer_bgrx=True)
        try:
            image = QImage(
                bitmap.buffer,
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGBX8888,
            )
            return image.copy()  # the bitmap's buffer goes away with it
        finally:
            bitmap.close()
    finally:
        page.close()


def page_ranges(printer: QPrinter, page_count: int) -> list[int]:
    """0-based page numbers the print dialog asked for, in order."""
    ranges = printer.pageRanges()
    if not ranges.isEmpty():
        pages = [
            p - 1
            for r in ranges.toRangeList()
            for p in range(r.from_, r.to + 1)
            if 1 <= p <= page_count
        ]
        if pages:
            return pages
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(1, printer.fromPage())
        last = min(page_count, printer.toPage() or page_count)
        return list(range(first - 1, last))
    return list(range(page_count))


def page_layout(width_pt: float, height_pt: float) -> QPageLayout:
    """Paper of the PDF page's size (A3/A4 are recognised as such), no margins."""
    landscape = width_pt > height_pt
    portrait = QSizeF(min(width_pt, height_pt), max(width_pt, height_pt))
    size = QPageSize(portrait, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = (
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0))


def print_pdf(
    doc: pdfium.PdfDocument,
    printer: QPrinter,
    *,
    pages: list[int] | None = None,
    progress: Callable[[int, int], bool] | None = None,
    fit_to_paper: bool = False,
) -> int:
    """Paint ``pages`` (0-based; default: what the printer's range says) of ``doc`` onto
    ``printer``, with copies and collation done here when the printer cannot do them.

    Each sheet gets the paper size and orientation of its PDF page, unless ``fit_to_paper``
    (the user chose other paper, say A4 for an A3 notice): then every page is scaled down
    to fit the chosen paper, centred, keeping its proportions.

    ``progress(done, total)`` returns False to cancel. Returns the number of sheets sent
    (0 when cancelled before anything was printed)."""
    count = len(doc)
    if pages is None:
        pages = page_ranges(printer, count)
    if not pages:
        return 0
    copies = max(1, printer.copyCount())
    if printer.supportsMultipleCopies():
        doc_copies = page_copies = 1  # the printer driver makes the copies
    elif printer.collateCopies():
        doc_copies, page_copies = copies, 1
    else:
        doc_copies, page_copies = 1, copies
    sequence = [p for _c in range(doc_copies) for p in pages for _k in range(page_copies)]
    printer.setFullPage(True)
    if not fit_to_paper:
        printer.setPageLayout(page_layout(*doc.get_page_size(sequence[0])))
    dpi = min(printer.resolution(), PRINT_DPI_MAX)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError(_("无法开始打印：打印机不可用"))
    sent = 0
    previous_size = doc.get_page_size(sequence[0])
    try:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        for i, index in enumerate(sequence):
            if progress is not None and not progress(i, len(sequence)):
                printer.abort()
                break
            size = doc.get_page_size(index)
            if i > 0:
                if size != previous_size and not fit_to_paper:
                    printer.setPageLayout(page_layout(*size))  # each sheet its own paper
                printer.newPage()
            previous_size = size
            sheet = painter.viewport()  # the whole sheet, in device pixels
            w_pt, h_pt = size
            # Device pixels per point on this sheet (exactly resolution/72 unless fitting).
            fit = min(sheet.width() / w_pt, sheet.height() / h_pt)
            target = QRect(0, 0, round(w_pt * fit), round(h_pt * fit))
            target.moveCenter(sheet.center())
            scale = min(fit, dpi / POINTS_PER_INCH)
            image = render_page(doc, index, scale)
            painter.drawImage(target, image)
            del image
            sent += 1
    finally:
        painter.end()
    if progress is not None:
        progress(len(sequence), len(sequence))
    return sent


class PageCache:
    """Rendered pages by (index, width in device pixels), least recently used out first."""

    def __init__(self, limit_bytes: int) -> None:
        self._limit = limit_bytes
        self._images: OrderedDict[tuple[int, int], QImage] = OrderedDict()
        self._bytes = 0

    def get(self, key: tuple[int, int]) -> QImage | None:
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
        return image

    def put(self, key: tuple[int, int], image: QImage) -> None:
        old = self._images.pop(key, None)
        if old is not None:
            self._bytes -= old.sizeInBytes()
        self._images[key] = image
        self._bytes += image.sizeInBytes()
        while self._bytes > self._limit and len(self._images) > 1:
            _key, dropped = self._images.popitem(last=False)
            self._bytes -= dropped.sizeInBytes()

    def clear(self) -> None:
        self._images.clear()
        self._bytes = 0

    def pages(self) -> list[int]:
        return sorted({index for index, _width in self._images})

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._images)
