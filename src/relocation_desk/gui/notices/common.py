"""Shared pieces of the notice windows: the questions they ask (module functions tests
replace, like ``gui.dialogs``), labels, and showing a round's PDF in the preview with every
print and saved copy logged on the round."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QWidget,
)

from ...domain.status import NoticeKind
from ...i18n import _
from ...services.errors import UserError
from .. import dialogs
from ..columns import fit_columns
from ..combos import index_of
from ..printing import preview as pdf_preview
from ..progress_dialog import Cancelled, run_with_progress

if TYPE_CHECKING:
    from ...services.households.choices import Choice
    from ...services.households.service import OperatorRef
    from ...services.notices.service import RoundView
    from ...storage.db import Database

PAPERS = ("A3", "A4")
IMAGE_FILTER = "*.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff *.webp *.heic"


def kind_labels() -> dict[NoticeKind, str]:
    from ...services.notices.service import KIND_TITLES

    return {k: _(KIND_TITLES[k]) for k in NoticeKind}


def village_combo(
    parent: QWidget, villages: tuple[Choice, ...], village_id: uuid.UUID | None
) -> QComboBox:
    """The villages to choose from, ``village_id`` chosen when it is one of them."""
    combo = QComboBox(parent)
    for v in villages:
        combo.addItem(v.name, v.id)
    if (i := index_of(combo, village_id)) >= 0:
        combo.setCurrentIndex(i)
    return combo


def list_table(parent: QWidget, headers: list[str], widths: tuple[int, ...]) -> QTableWidget:
    """A read-only table of whole-row choices (rounds, objections)."""
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    fit_columns(table, widths)  # the widths, or more where a header needs it
    return table


def date_edit(value: date, parent: QWidget | None = None) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, value.day), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def qdate_value(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


# --- Questions (tests replace these) ----------------------------------------------------------


@dataclass(frozen=True)
class PhotoAnswer:
    path: Path
    taken_on: date


def ask_notice_photo(parent: QWidget | None, posted_from: date, today: date) -> PhotoAnswer | None:
    """A photo of the posted sheet and the day it was taken (default: first day posted, or
    ``today``, the project's, when that is later)."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(_("添加公示张贴照片"))
    path_edit = QLineEdit(dialog)
    path_edit.setReadOnly(True)
    browse = QPushButton(_("选择照片…"), dialog)
    # Usually photographed on the day it was posted, or today when that is later.
    taken = date_edit(max(posted_from, today), dialog)

    def choose() -> None:
        path, _filter = QFileDialog.getOpenFileName(
            dialog,
            _("选择公示张贴照片"),
            "",
            _("图片 ({patterns});;所有文件 (*)", patterns=IMAGE_FILTER),
        )
        if path:
            path_edit.setText(path)

    browse.clicked.connect(choose)
    row = QHBoxLayout()
    row.addWidget(path_edit, 1)
    row.addWidget(browse)
    form = QFormLayout(dialog)
    form.addRow(_("照片："), row)
    form.addRow(_("拍摄日期："), taken)
    form.addRow(QLabel(_("照片作为已张贴公示的凭证，请拍下整张公示和张贴地点。"), dialog))
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    dialog.resize(520, dialog.sizeHint().height())
    choose()
    if not path_edit.text() or dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return PhotoAnswer(Path(path_edit.text()), qdate_value(taken))


def ask_attachment_files(parent: QWidget | None) -> list[Path]:
    """Files handed in with an objection (photos, scans, PDFs)."""
    paths, _filter = QFileDialog.getOpenFileNames(
        parent,
        _("添加异议材料"),
        "",
        _("图片和文档 ({patterns} *.pdf);;所有文件 (*)", patterns=IMAGE_FILTER),
    )
    return [Path(p) for p in paths]


def ask_decision_reason(parent: QWidget | None, upheld: bool, summary: str) -> str | None:
    """The reason for a decision (required to reject); None if the user cancelled."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(_("异议成立") if upheld else _("驳回异议"))
    text = QPlainTextEdit(dialog)
    text.setPlaceholderText(
        _("处理意见（可不填）") if upheld else _("驳回理由（必填，将告知异议人）")
    )
    form = QFormLayout(dialog)
    form.addRow(QLabel(summary, dialog))
    form.addRow(_("成立意见：") if upheld else _("驳回理由："), text)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    dialog.resize(480, 260)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return text.toPlainText()


# --- Showing a round ----------------------------------------------------------------------------


def round_file_name(view: RoundView, *, changes: bool = False) -> str:
    scope = view.village_name + view.group_name
    what = _("变动情况") if changes else view.title_kind
    name = _("{scope}-{kind}-第{n}轮", scope=scope, kind=what, n=view.round_no)
    return "".join(ch for ch in name if ch not in '\\/:*?"<>|') + ".pdf"


def preview_round(
    parent: QWidget | None,
    db: Database,
    operator: OperatorRef | None,
    view: RoundView,
    paper: str,
    *,
    changes: bool = False,
    on_logged: Callable[[], None] | None = None,
) -> None:
    """Render the round (or its changes sheet) and show it; prints and saved copies are
    counted on the round (``record_print``), the same sheet every time (DOMAIN rule 3)."""
    from ...reports.notice_pdf import render_changes, render_round
    from ...services.notices.service import NoticeService

    render = render_changes if changes else render_round
    service = NoticeService(db, operator)
    round_id: uuid.UUID = view.id
    with tempfile.TemporaryDirectory(prefix="rd-notice-") as tmp:
        path = Path(tmp) / round_file_name(view, changes=changes)
        try:
            run_with_progress(
                parent,
                _("生成公示 PDF"),
                lambda progress: render(view, path, paper=paper, progress=progress),
                text=_("正在生成公示 PDF…"),
            )
        except Cancelled:
            dialogs.show_info(
                parent,
                _("生成公示 PDF"),
                _("已取消生成 PDF。公示本身不受影响，可在“公示轮次与照片”中随时重印。"),
            )
            return
        except OSError as exc:
            dialogs.show_error(
                parent,
                _("无法生成 PDF"),
                _("公示 PDF 没有生成：{error}\n请检查磁盘空间后再试。", error=exc.strerror or exc),
            )
            return
        what = _("变动情况表") if changes else _("公示")

        def log(note: str, copies: int = 1) -> None:
            try:
                service.record_print(round_id, copies=copies, note=note)
            except UserError as exc:
                dialogs.show_error(parent, _("无法记录打印"), exc.message)
                return
            if on_logged is not None:
                on_logged()

        pdf_preview.show_pdf_preview(
            parent,
            path,
            _("{title}（第 {n} 轮，{paper}）", title=view.title_kind, n=view.round_no, paper=paper)
            if not changes
            else _("{title} 变动情况（第 {n} 轮）", title=view.title_kind, n=view.round_no),
            lambda copies: log(
                _("打印{what} {copies} 份（{paper}）", what=what, copies=copies, paper=paper),
                copies,
            ),
            on_saved=lambda target: log(_("另存{what} PDF：{name}", what=what, name=target.name)),
        )
