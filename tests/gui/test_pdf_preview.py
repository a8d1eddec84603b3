"""The PDF preview: lazy page rendering, navigation, printing to a PDF-file printer, save-as."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

pytestmark = pytest.mark.gui

A3 = (841.89, 1190.55)  # points, portrait
A4 = (595.28, 841.89)


def _pdf(path: Path, sizes: list[tuple[float, float]]) -> Path:
    """A PDF with one numbered page per size (width, height in points)."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=sizes[0])
    for n, size in enumerate(sizes, start=1):
        c.setPageSize(size)
        c.setFont("Helvetica", 48)
        c.drawString(72, size[1] - 144, f"PAGE {n}")
        c.showPage()
    c.save()
    return path


def _pdfinfo(path: Path, *, each_page: bool = False) -> dict[str, str]:
    args = ["-f", "1", "-l", "9999"] if each_page else []
    out = subprocess.run(["pdfinfo", *args, str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return dict(
        (k.strip(), v.strip())
        for k, v in (line.split(":", 1) for line in out.stdout.splitlines() if ":" in line)
    )


@pytest.fixture
def preview(qtbot, tmp_path: Path):
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.printing.preview import PdfPreviewDialog

    make_app()
    landscape = (A3[1], A3[0])
    path = _pdf(tmp_path / "notice.pdf", [landscape] * 40)
    printed: list[int] = []
    dialog = PdfPreviewDialog(None, path, "公示预览", on_printed=printed.append)
    dialog.printed = printed  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    dialog.resize(900, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    yield dialog
    dialog.close_document()


def test_renders_only_the_pages_in_view(preview, qtbot) -> None:
    assert preview.page_count == 40
    assert preview.page_total.text() == "共 40 页"
    qtbot.waitUntil(lambda: 0 in preview.view.rendered_pages())
    qtbot.wait(50)
    assert set(preview.view.rendered_pages()) <= {0, 1, 2}
    preview.go_to_page(30)
    qtbot.waitUntil(lambda: 30 in preview.view.rendered_pages())
    assert preview.page_box.value() == 31
    assert set(preview.view.rendered_pages()) <= {0, 1, 2, 29, 30, 31, 32}


def test_page_buttons_and_box_move_through_the_pages(preview, qtbot) -> None:
    assert not preview.prev_button.isEnabled()
    qtbot.mouseClick(preview.next_button, Qt.MouseButton.LeftButton)
    assert preview.current_page() == 1 and preview.page_box.value() == 2
    assert preview.prev_button.isEnabled()
    preview.page_box.setValue(40)
    assert preview.current_page() == 39
    assert not preview.next_button.isEnabled()
    qtbot.mouseClick(preview.prev_button, Qt.MouseButton.LeftButton)
    assert preview.current_page() == 38


def test_zoom_keeps_the_page_and_changes_the_size(preview, qtbot) -> None:
    preview.go_to_page(5)
    fit_width = preview.view.page_rect(5).width()
    preview.zoom_box.setCurrentIndex(preview.zoom_box.findText("50%"))
    assert preview.current_page() == 5
    half = preview.view.page_rect(5).width()
    preview.zoom_box.setCurrentIndex(preview.zoom_box.findText("100%"))
    assert preview.view.page_rect(5).width() == pytest.approx(2 * half, abs=2)
    assert half != fit_width
    preview.zoom_box.setCurrentIndex(0)  # fit width
    assert preview.view.page_rect(5).width() == fit_width


def _file_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_print_all_pages_through_the_print_dialog(preview, monkeypatch, tmp_path: Path) -> None:
    from relocation_desk.gui.printing import preview as pdf_preview

    out = tmp_path / "printed.pdf"
    asked: list[int] = []

    def ask(parent, printer: QPrinter, pages: int) -> bool:
        asked.append(pages)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(72)  # small images: the test is about pages, not sharpness
        return True

    monkeypatch.setattr(pdf_preview, "ask_printer", ask)
    preview.print_button.click()
    assert asked == [40]
    info = _pdfinfo(out)
    assert info["Pages"] == "40"
    assert "A3" in info["Page size"]
    w, h = re.findall(r"[\d.]+", info["Page size"])[:2]
    assert float(w) > float(h)  # landscape, as the PDF is
    assert preview.printed == [1]


def test_other_paper_chosen_in_the_dialog_shrinks_the_pages_onto_it(
    preview, monkeypatch, tmp_path: Path
) -> None:
    from PySide6.QtGui import QPageSize

    from relocation_desk.gui.printing import preview as pdf_preview

    out = tmp_path / "a4.pdf"

    def ask(parent, printer: QPrinter, pages: int) -> bool:
        assert printer.pageLayout().pageSize().id() == QPageSize.PageSizeId.A3  # offered
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(72)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))  # the office printer's paper
        printer.setFromTo(2, 3)
        return True

    monkeypatch.setattr(pdf_preview, "ask_printer", ask)
    preview.print_button.click()
    info = _pdfinfo(out)
    assert info["Pages"] == "2" and "A4" in info["Page size"]
    assert preview.printed == [1]


def test_print_range_and_copies(preview, tmp_path: Path) -> None:
    out = tmp_path / "range.pdf"
    printer = _file_printer(out)
    printer.setResolution(72)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(3, 5)
    printer.setCopyCount(2)
    assert preview.print_to(printer) == 6
    # A PDF "printer" makes no copies itself, so they are made here: 3 pages x 2.
    assert _pdfinfo(out)["Pages"] == "6"
    assert preview.printed == [2]


def test_cancelled_print_is_not_logged(preview, monkeypatch) -> None:
    from relocation_desk.gui.printing import preview as pdf_preview

    monkeypatch.setattr(pdf_preview, "ask_printer", lambda parent, printer, pages: False)
    preview.print_button.click()
    assert preview.printed == []


def test_mixed_paper_sizes_print_on_their_own_paper(qtbot, tmp_path: Path) -> None:
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.printing.preview import PdfPreviewDialog

    make_app()
    path = _pdf(tmp_path / "mixed.pdf", [A4, A3, A4])
    dialog = PdfPreviewDialog(None, path, "mixed")
    qtbot.addWidget(dialog)
    out = tmp_path / "mixed-out.pdf"
    printer = _file_printer(out)
    printer.setResolution(72)
    assert dialog.print_to(printer) == 3
    dialog.close_document()
    sizes = [
        v for k, v in _pdfinfo(out, each_page=True).items() if k.startswith("Page") and "size" in k
    ]
    assert ["A4" in s for s in sizes] == [True, False, True]
    assert "A3" in sizes[1]


def test_save_as_copies_the_exact_file(preview, monkeypatch, tmp_path: Path) -> None:
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.printing import preview as pdf_preview

    target = tmp_path / "out" / "copy.pdf"
    target.parent.mkdir()
    infos: list[str] = []
    monkeypatch.setattr(pdf_preview, "ask_save_pdf_path", lambda parent, name: target)
    monkeypatch.setattr(dialogs, "show_info", lambda parent, title, text: infos.append(text))
    saved: list[Path] = []
    preview.on_saved = saved.append
    preview.save_button.click()
    assert target.read_bytes() == preview.pdf_path.read_bytes()
    assert infos and str(target) in infos[0]
    assert saved == [target]


def test_save_as_into_a_missing_folder_says_so(preview, monkeypatch, tmp_path: Path) -> None:
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.printing import preview as pdf_preview

    errors: list[str] = []
    target = tmp_path / "no-such-folder" / "copy.pdf"
    monkeypatch.setattr(pdf_preview, "ask_save_pdf_path", lambda parent, name: target)
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, text: errors.append(text))
    preview.save_button.click()
    assert not target.exists()
    assert errors and "请换一个文件夹" in errors[0]


def test_page_cache_stays_within_its_bytes() -> None:
    from PySide6.QtGui import QImage

    from relocation_desk.gui.printing.printer import PageCache

    cache = PageCache(limit_bytes=3 * 100 * 100 * 4)
    for i in range(10):
        cache.put((i, 100), QImage(100, 100, QImage.Format.Format_RGBX8888))
        assert cache.size_bytes <= 3 * 100 * 100 * 4
    assert cache.pages() == [7, 8, 9]
    assert cache.get((9, 100)) is not None and cache.get((0, 100)) is None


def test_save_as_through_the_callers_writer_and_its_refusal(
    preview, monkeypatch, tmp_path: Path
) -> None:
    """A PDF with full personal data is saved by the caller's writer (file and audit row
    together); when the writer refuses, nothing is written and the reason is shown."""
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.printing import preview as pdf_preview
    from relocation_desk.services.errors import PermissionDenied

    target = tmp_path / "out" / "协议.pdf"
    target.parent.mkdir()
    errors: list[str] = []
    monkeypatch.setattr(pdf_preview, "ask_save_pdf_path", lambda parent, name: target)
    monkeypatch.setattr(dialogs, "show_info", lambda parent, title, text: None)
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, text: errors.append(text))
    written: list[Path] = []
    preview.save = lambda path: (written.append(path), path.write_bytes(b"%PDF-"))
    preview.save_button.click()
    assert written == [target] and target.read_bytes() == b"%PDF-"

    target.unlink()

    def refuse(path: Path) -> None:
        raise PermissionDenied("工作组成员只能为本工作组的户打印协议", "print_agreement")

    preview.save = refuse
    preview.save_button.click()
    assert not target.exists() and errors == ["工作组成员只能为本工作组的户打印协议"]
