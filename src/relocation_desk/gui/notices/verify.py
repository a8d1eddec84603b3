"""核验公示…: type or paste a notice's verification code, or scan its QR code (a scanner types
``RDN:…`` and Enter); the dialog says whether the round exists, whether the stored snapshot is
the one posted, and lists the households whose current figures differ from the posted ones."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ..background import run_busy
from ..columns import fit_columns

if TYPE_CHECKING:
    from ...services.notices.service import VerifyDifference, VerifyResult
    from ...storage.db import Database

GOOD, WARN, BAD = "#1b7f3b", "#a15c00", "#b3261e"


def difference_cells(d: VerifyDifference) -> tuple[str, str, str]:
    """(what, posted, current) as a person reads them."""
    from ...reports.notice_pdf import field_label, field_value

    if d.field == "listed":
        return (
            _("公示名单"),
            _("在名单上"),
            _("现在不应列入（工作进度或核算已变）"),
        )
    return field_label(d.field), field_value(d.field, d.posted), field_value(d.field, d.current)


def _numeric(field: str) -> bool:
    return field.startswith("amounts.") or field in (
        "legal_area_dm2",
        "unlicensed_area_dm2",
        "total_fen",
        "member_count",
    )


class VerifyNoticeDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.result: VerifyResult | None = None
        self.setWindowTitle(_("核验公示"))
        self.code = QLineEdit(self)
        self.code.setPlaceholderText(
            _("输入公示上的验证码（如 7BW8-05R0-VE5Z-D76M），或用扫码枪扫描二维码")
        )
        self.code.setClearButtonEnabled(True)
        self.verify_button = QPushButton(_("核验"), self)
        self.verify_button.setDefault(True)
        self.status = QLabel(self)
        self.status.setObjectName("verifyStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(
            [_("户编号"), _("户主"), _("项目"), _("公示值"), _("当前值")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        fit_columns(self.table, (100, 90, 110, 160))
        self.table.hide()
        close = QPushButton(_("关闭"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(QLabel(_("验证码："), self))
        row.addWidget(self.code, 1)
        row.addWidget(self.verify_button)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.details)
        layout.addWidget(self.table, 1)
        layout.addStretch(1)  # takes the room while there is no table (see _show)
        layout.addLayout(bottom)
        self._layout = layout
        self.code.returnPressed.connect(self.verify)
        self.verify_button.clicked.connect(self.verify)
        self.resize(720, 300)

    def verify(self) -> None:
        from ...domain.notice import normalise_code
        from ...services.notices.service import NoticeService

        text = self.code.text().strip()
        if not text:
            self._show(BAD, _("请输入验证码，或扫描公示上的二维码。"), "")
            return
        if normalise_code(text) is None:
            self._show(
                BAD,
                _("“{code}”不是验证码。", code=text),
                _(
                    "验证码是公示每页右下角的 16 位字母和数字（如 7BW8-05R0-VE5Z-D76M），"
                    "也可以粘贴扫描二维码得到的 RDN:… 文字。"
                ),
            )
            return
        service = NoticeService(self.db, None)
        result = run_busy(self, _("正在核验…"), lambda: service.verify(text))
        self.show_result(result)

    def show_result(self, result: VerifyResult) -> None:
        self.result = result
        r = result.round
        if not result.found or r is None:
            self._show(
                BAD,
                _("验证码 {code} 不存在", code=result.code),
                _(
                    "这份公示不是由本数据库发布的：请核对验证码是否抄错，"
                    "或在发布该公示的电脑（数据库）上核验。"
                ),
            )
            return
        scope = r.village_name + r.group_name
        info = _(
            "{scope} {kind} 第 {n} 轮；公示期 {start} 至 {end}；发布单位 {team}；"
            "已打印 {prints} 次。",
            scope=scope,
            kind=r.title_kind,
            n=r.round_no,
            start=r.posted_from.isoformat(),
            end=r.posted_to.isoformat(),
            team=r.issuing_team or "—",
            prints=r.print_count,
        )
        if result.latest_round_no and result.latest_round_no > r.round_no:
            info += "\n" + _(
                "注意：此后已发布第 {n} 轮，现在张贴的应是第 {n} 轮。", n=result.latest_round_no
            )
        if not result.hash_ok:
            self._show(
                BAD,
                _("不一致：数据库中保存的这一轮公示内容与发布时不符"),
                info + "\n" + _("公示内容可能在发布后被改动过，请报告指挥部核查。"),
            )
            return
        if not result.differences:
            self._show(
                GOOD,
                _("一致：这是本项目发布的第 {n} 轮公示，各户当前数据与公示相同。", n=r.round_no),
                info,
            )
            return
        households = {d.household_id for d in result.differences}
        self._show(
            WARN,
            _(
                "公示属实（第 {n} 轮），但有 {h} 户的当前数据与公示不同（{k} 项）：",
                n=r.round_no,
                h=len(households),
                k=len(result.differences),
            ),
            info
            + "\n"
            + (
                _("这些户需要在下一轮公示中重新公示。")
                if not result.latest_round_no or result.latest_round_no <= r.round_no
                else _("请核对第 {n} 轮是否已公示这些变动。", n=result.latest_round_no)
            ),
            result.differences,
        )

    def _show(
        self, colour: str, headline: str, details: str, differences: list[Any] | None = None
    ) -> None:
        self.status.setText(headline)
        self.status.setStyleSheet(f"color: {colour}; font-weight: bold; font-size: 115%;")
        self.details.setText(details)
        self.table.setRowCount(0)
        spacer = self._layout.count() - 2
        if not differences:
            self.table.hide()
            self._layout.setStretch(spacer, 1)
            return
        self._layout.setStretch(spacer, 0)
        self.table.setRowCount(len(differences))
        changed = QColor("#fff4d6")
        for i, d in enumerate(differences):
            what, posted, current = difference_cells(d)
            for col, text in enumerate((d.code, d.head_name, what, posted, current)):
                item = QTableWidgetItem(text)
                if col >= 3 and _numeric(d.field):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if col == 4:
                    item.setBackground(changed)
                self.table.setItem(i, col, item)
        self.table.show()
        if self.height() < 480:
            self.resize(self.width(), 480)
