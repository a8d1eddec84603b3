"""协议: one household's agreement — status, number, what stops it from printing, preview and
print, signing, supplementary agreements and reprints — and the 先签户 list of cadre households.

Every action goes through :class:`~relocation_desk.services.agreements.service.AgreementService`; a
refusal shows the service's message (what is missing and where to fix it). The PDF is written
to a temporary file and shown in the preview (``pdf_preview.show_pdf_preview``); a print or a
"save as" from the preview is counted and audited (a signed agreement prints as 副本/重印).
Questions (signing date and witness, the reason of a supplementary agreement) go through
``ask_signing`` and ``ask_supplementary_reason``, module functions tests replace.
``changed(UUID)`` is emitted after every change to the household.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain import money
from ...i18n import _
from ...services.access import team_of_household
from ...services.agreements.service import (
    AgreementService,
    AgreementState,
    AgreementView,
    imported_not_printed,
)
from ...services.clock import project_today
from ...services.errors import UserError
from ...services.households.service import OperatorRef
from ...services.resettlement.ordering import OrderService
from ...storage.db import Database
from .. import dialogs
from ..access import Action, gate
from ..columns import fit_small_table
from ..screen import fit_to_screen

__all__ = ["AgreementDialog", "SignFirstDialog", "ask_signing", "ask_supplementary_reason"]


def ask_signing(parent: QWidget | None, witness: str, today: date) -> tuple[date, str] | None:
    """The signing date (up to ``today``, the project's) and witness; None if cancelled.
    Tests replace it."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(_("登记签约"))
    form = QFormLayout(dialog)
    day = QDateEdit(dialog)
    day.setCalendarPopup(True)
    day.setDisplayFormat("yyyy-MM-dd")
    day.setDate(QDate(today.year, today.month, today.day))
    day.setMaximumDate(QDate(today.year, today.month, today.day))
    who = QLineEdit(witness, dialog)
    who.setPlaceholderText(_("如：村委会、见证律师或工作人员姓名"))
    form.addRow(_("签约日期"), day)
    form.addRow(_("见证人"), who)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    q = day.date()
    return date(q.year(), q.month(), q.day()), who.text()


def ask_supplementary_reason(parent: QWidget | None) -> str | None:
    """Why a supplementary agreement is opened; None if cancelled. Tests replace it."""
    text, ok = QInputDialog.getText(
        parent, _("开立补充协议"), _("变更原因（如：复核发现漏登附属物）：")
    )
    return text if ok else None


def _yuan(fen: int) -> str:
    return _("{amount} 元", amount=money.format_fen(fen))


class AgreementDialog(QDialog):
    changed = Signal(object)  # the household's id

    def __init__(
        self,
        db: Database,
        operator: OperatorRef | None,
        household_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = AgreementService(db, operator)
        self.db = db
        self.household_id = household_id
        self.operator = operator
        self.team_id = team_of_household(db, household_id)  # for greying out what is refused
        self.state: AgreementState | None = None
        self.last_pdf: Path | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="rd-agreement-")
        self.setWindowTitle(_("补偿协议"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        self.heading.setObjectName("agreementHeading")
        layout.addWidget(self.heading)
        form = QFormLayout()
        self.number_label = QLabel(self)
        self.status_label = QLabel(self)
        self.total_label = QLabel(self)
        self.total_label.setWordWrap(True)
        self.prints_label = QLabel(self)
        self.bonus_label = QLabel(self)
        self.bonus_label.setWordWrap(True)
        self.supplementary_label = QLabel(self)
        self.supplementary_label.setWordWrap(True)
        for text, widget in (
            (_("协议编号"), self.number_label),
            (_("协议状态"), self.status_label),
            (_("补偿总额"), self.total_label),
            (_("打印"), self.prints_label),
            (_("签约奖励"), self.bonus_label),
            (_("补充协议"), self.supplementary_label),
        ):
            form.addRow(text, widget)
        layout.addLayout(form)
        self.problems_label = QLabel(self)
        self.problems_label.setObjectName("agreementProblems")
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.problems_label)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(_("打印预览…"), self)
        self.sign_button = QPushButton(_("签约…"), self)
        self.supplementary_button = QPushButton(_("补充协议…"), self)
        self.backdated_button = QPushButton(_("补登以前的签约…"), self)
        self.backdated_button.setObjectName("backdatedSigning")
        close = QPushButton(_("关闭"), self)
        for b in (self.print_button, self.sign_button, self.supplementary_button,
                  self.backdated_button, close):  # fmt: skip
            b.setAutoDefault(False)
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.print_button.clicked.connect(self.preview)
        self.sign_button.clicked.connect(self.sign)
        self.supplementary_button.clicked.connect(self.open_supplementary)
        self.backdated_button.clicked.connect(self.sign_backdated)
        close.clicked.connect(self.accept)
        self.finished.connect(lambda _r: self._tmp.cleanup())
        self.refresh()

    # --- showing ------------------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            st = self.state = self.service.state(self.household_id)
        except UserError as exc:
            dialogs.show_error(self, _("补偿协议"), exc.message)
            return
        self.heading.setText(
            _("{code}　{name}　（{status}）", code=st.household_code, name=st.head_name,
              status=st.status_label)
        )  # fmt: skip
        main = st.main
        if main is None:
            self.number_label.setText(_("（尚未出具：首次打印时编号）"))
            self.status_label.setText(_("未打印"))
            self.total_label.setText("—")
            self.prints_label.setText("—")
        else:
            self.number_label.setText(main.number)
            if main.signed and main.origin == "ledger":
                self.status_label.setText(
                    _("台账导入的历史协议，{day} 签订（需核实）",
                      day=main.signed_on.isoformat() if main.signed_on else _("日期未载"))
                )  # fmt: skip
            elif main.signed:
                self.status_label.setText(
                    _("已签订（{day}，见证人：{witness}）",
                      day=main.signed_on.isoformat() if main.signed_on else "",
                      witness=main.witnessed_by)
                )  # fmt: skip
            else:
                self.status_label.setText(_("草稿（第 {n} 稿），待签字", n=main.revision))
            self.total_label.setText(
                f"{_yuan(main.total_fen)}　{money.to_chinese_upper(main.total_fen)}"
            )
            self.prints_label.setText(
                _("已打印 {n} 次，其中重印 {r} 次", n=main.print_count, r=st.reprints)
            )
        if st.bonuses:
            self.bonus_label.setText(
                "；".join(
                    _("{name}：{window}，{rate}", name=b.item_name, window=b.window,
                      rate=_yuan(b.rate_fen))
                    if b.eligible
                    else _("{name}：不在奖励期内", name=b.item_name)
                    for b in st.bonuses
                )
            )  # fmt: skip
        else:
            self.bonus_label.setText(_("方案未设签约奖励"))
        if st.supplementaries:
            self.supplementary_label.setText(
                "\n".join(
                    f"{a.number}　"
                    + (_("已签订 {day}", day=a.signed_on.isoformat()) if a.signed_on
                       else _("未签订"))
                    + f"　{a.content.get('reason', '')}"
                    for a in st.supplementaries
                )
            )  # fmt: skip
        else:
            self.supplementary_label.setText(_("无"))
        # Signed before the desk arrived and imported from a ledger: never printed here.
        imported = main is not None and main.origin == "ledger" and st.open_supplementary is None
        if imported:
            self.problems_label.setText(imported_not_printed())
            self.problems_label.setStyleSheet("color: #a00;")
        elif st.problems:
            self.problems_label.setText(
                _("还不能打印或签约：") + "\n" + "\n".join(f"· {p}" for p in st.problems)
            )
            self.problems_label.setStyleSheet("color: #a00;")
        else:
            self.problems_label.setText(_("协议内容齐全，可以打印。"))
            self.problems_label.setStyleSheet("")
        signed = st.signed and st.open_supplementary is None
        self.print_button.setText(_("重印（副本）…") if signed else _("打印预览…"))
        op, team = self.operator, self.team_id
        gate(self.print_button, op, Action.PRINT_AGREEMENT, team,
             enabled=(signed or not st.problems) and not imported)  # fmt: skip
        draft = st.open_supplementary or (main if main is not None and not main.signed else None)
        ready = draft is not None and draft.print_count > 0 and not st.problems
        gate(self.sign_button, op, Action.SIGN_AGREEMENT, team, enabled=ready)
        gate(self.supplementary_button, op, Action.SIGN_AGREEMENT, team,
             enabled=st.signed and st.open_supplementary is None)  # fmt: skip
        # Signed on paper before the desk: judged on its own date, so today's problems
        # (a reward window that has closed since) do not grey it out.
        gate(self.backdated_button, op, Action.SIGN_AGREEMENT, team, enabled=not st.signed)
        self.adjustSize()  # the list of problems grows and shrinks

    # --- actions ------------------------------------------------------------------------------

    def preview(self) -> None:
        from ...reports.agreement_pdf import render_agreement
        from ..printing.preview import show_pdf_preview

        try:
            view = self.service.prepare(self.household_id)
        except UserError as exc:
            dialogs.show_error(self, _("不能打印协议"), exc.message)
            self.refresh()
            return
        name = view.number.replace("/", "-").replace("\\", "-")
        path = Path(self._tmp.name) / f"{name}.pdf"
        try:
            render_agreement(view, path)
        except OSError as exc:
            dialogs.show_error(self, _("不能打印协议"), _("无法写入临时文件：{error}", error=exc))
            return
        self.last_pdf = path
        self.changed.emit(self.household_id)  # a first preview issued a number
        title = (
            _("协议 {number} — 副本/重印（第 {n} 次）", number=view.number, n=view.reprint_no)
            if view.reprint_no
            else _("协议 {number}", number=view.number)
        )

        def printed(copies: int) -> None:
            self._record(view, copies)

        def save(target: Path) -> None:
            # The copy and its audit row together, or neither: it carries full ID numbers.
            self.service.save_file(view, target, lambda part: shutil.copyfile(path, part))

        show_pdf_preview(self, path, title, printed, save=save)
        self.refresh()

    def _record(self, view: AgreementView, copies: int) -> None:
        try:
            self.service.record_print(view, copies=max(1, copies))
        except UserError as exc:
            dialogs.show_error(self, _("补偿协议"), exc.message)

    def sign(self) -> None:
        st = self.state
        if st is None:
            return
        draft = st.open_supplementary or st.main
        if draft is None:
            return
        answer = ask_signing(self, "", project_today(self.db))
        if answer is None:
            return
        day, witness = answer
        text = _(
            "登记 {code} {name} 于 {day} 签订协议 {number}？\n\n补偿总额：{total}（{upper}）\n"
            "见证人：{witness}\n\n登记后协议锁定，不能再修改；以后的变更只能签订补充协议。",
            code=st.household_code, name=st.head_name, day=day.isoformat(), number=draft.number,
            total=_yuan(draft.total_fen), upper=money.to_chinese_upper(draft.total_fen),
            witness=witness.strip(),
        )  # fmt: skip
        if not dialogs.ask_confirm(self, _("确认签约"), text):
            return
        try:
            self.service.sign(self.household_id, day, witness)
        except UserError as exc:
            dialogs.show_error(self, _("不能登记签约"), exc.message)
            self.refresh()
            return
        # A property swap household gets its choosing-order number at the moment of signing.
        OrderService(self.db, self.operator).issue_at_signing(self.household_id)
        self.changed.emit(self.household_id)
        self.refresh()

    def sign_backdated(self) -> None:
        from .backdated import record_backdated_signing

        st = self.state
        if st is None:
            return
        label = f"{st.household_code} {st.head_name}"
        if record_backdated_signing(self, self.db, self.operator, self.household_id, label):
            self.changed.emit(self.household_id)
        self.refresh()

    def open_supplementary(self) -> None:
        st = self.state
        if st is None or st.main is None:
            return
        reason = ask_supplementary_reason(self)
        if reason is None:
            return
        text = _(
            "为协议 {number} 开立补充协议？\n\n原因：{reason}\n\n开立后即编号；该户的补偿数据可以修改，"
            "修改后须重新核算、复核并公示，再打印补充协议由农户签字。",
            number=st.main.number, reason=reason.strip(),
        )  # fmt: skip
        if not dialogs.ask_confirm(self, _("开立补充协议"), text):
            return
        try:
            self.service.supplementary(st.main.id, reason)
        except UserError as exc:
            dialogs.show_error(self, _("不能开立补充协议"), exc.message)
            return
        self.changed.emit(self.household_id)
        self.refresh()


class SignFirstDialog(QDialog):
    """先签户: cadre and cadre-relative households and whether (and when) they signed."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("先签户（干部及亲属）"))
        fit_to_screen(self, 1180, 560)
        rows = AgreementService(db, None).sign_first()
        layout = QVBoxLayout(self)
        signed = sum(1 for r in rows if r.signed_on is not None)
        self.summary = QLabel(
            _("干部及亲属户 {n} 户，已签约 {signed} 户", n=len(rows), signed=signed), self
        )
        layout.addWidget(self.summary)
        headers = [_("户号"), _("户主"), _("干部及亲属"), _("状态"), _("签约日期"), _("协议编号"),
                   _("截止日前签约")]  # fmt: skip
        table = self.table = QTableWidget(len(rows), len(headers), self)
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for i, r in enumerate(rows):
            before = (
                "" if r.before_deadline is None else (_("是") if r.before_deadline else _("否"))
            )
            values = [r.code, r.head_name, r.cadres, r.status_label,
                      r.signed_on.isoformat() if r.signed_on else "", r.number, before]  # fmt: skip
            for j, value in enumerate(values):
                table.setItem(i, j, QTableWidgetItem(value))
        fit_small_table(table)  # codes, dates and agreement numbers whole in either language
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(table)
        close = QPushButton(_("关闭"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        layout.addWidget(close, alignment=Qt.AlignmentFlag.AlignRight)
