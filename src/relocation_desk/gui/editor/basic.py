"""The first page of the household editor: where the household is, who is responsible, notes
and the bank account. Each field has a message line under it for its problems.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from uuid import UUID

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain.household_form import HouseholdForm, Severity
from ...domain.status import COMPENSATION_METHOD_LABELS
from ...i18n import _
from .problems import severity_label

if TYPE_CHECKING:
    from ...services.households.service import EditorChoices

_TEXT_COLOURS = {
    Severity.ERROR: "#c5221f",
    Severity.CONFIRM: "#b06000",
    Severity.WARNING: "#8a6d00",
}
_FIELD_BACKGROUNDS = {
    Severity.ERROR: "#fbd5d5",
    Severity.CONFIRM: "#fde9c4",
    Severity.WARNING: "#fdf2c9",
}


class BasicPage(QWidget):
    """Village, group, responsible operator, address, notes and bank account of a household."""

    changed = Signal()

    def __init__(self, choices: EditorChoices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._choices = choices
        self._filling = 0
        self._shown: dict[str, tuple[str, str]] = {}  # field → (original text, as shown)
        self._messages: dict[str, QLabel] = {}
        self.fields: dict[str, QWidget] = {}

        self.code_edit = QLineEdit(self)
        self.code_edit.setReadOnly(True)
        self.code_edit.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.code_edit.setPlaceholderText(_("保存后自动编号"))
        self.village_combo = QComboBox(self)
        self.group_combo = QComboBox(self)
        self.responsible_combo = QComboBox(self)
        self.address_edit = QLineEdit(self)
        self.method_combo = QComboBox(self)
        self.method_combo.addItem(_("（未选定）"), None)
        for method, label in COMPENSATION_METHOD_LABELS.items():
            self.method_combo.addItem(_(label), method.value)
        self.method_combo.setToolTip(
            _("农户选定的补偿方式；签约前必须选定，签约后只能通过补充协议变更")
        )
        self.special_edit = _plain_edit(self, 3)
        self.remarks_edit = _plain_edit(self, 3)
        self.bank_name_edit = QLineEdit(self)
        self.bank_account_edit = QLineEdit(self)
        self.account_holder_edit = QLineEdit(self)
        self.bank_name_edit.setPlaceholderText(_("如：农村信用社××支行"))
        self.bank_account_edit.setPlaceholderText(_("存折或银行卡上的账号"))

        self.village_combo.addItem(_("（请选择）"), None)
        for v in choices.villages:
            self.village_combo.addItem(v.name, str(v.id))
        self.responsible_combo.addItem(_("（未指定）"), None)
        for op, _team in choices.operators:
            self.responsible_combo.addItem(op.name, str(op.id))

        household = QGroupBox(_("基本信息"), self)
        form = QFormLayout(household)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_("户编号"), self._field("code", self.code_edit))
        form.addRow(_("村"), self._field("village_id", self.village_combo))
        form.addRow(_("村民小组"), self._field("group_id", self.group_combo))
        form.addRow(_("责任人"), self._field("responsible_id", self.responsible_combo))
        form.addRow(_("地址"), self._field("address", self.address_edit))
        form.addRow(_("补偿方式"), self._field("compensation_method", self.method_combo))
        form.addRow(_("特殊情况"), self._field("special_situation", self.special_edit))
        form.addRow(_("备注"), self._field("remarks", self.remarks_edit))

        bank = QGroupBox(_("银行账户"), self)
        bank_form = QFormLayout(bank)
        bank_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        bank_form.addRow(_("开户行"), self._field("bank_name", self.bank_name_edit))
        bank_form.addRow(_("账号"), self._field("bank_account", self.bank_account_edit))
        bank_form.addRow(_("户名"), self._field("account_holder", self.account_holder_edit))

        columns = QHBoxLayout(self)
        left = QVBoxLayout()
        left.addWidget(household)
        left.addStretch(1)
        columns.addLayout(left, 3)
        right = QVBoxLayout()
        right.addWidget(bank)
        right.addStretch(1)
        columns.addLayout(right, 2)

        for edit in (self.address_edit, self.bank_name_edit, self.bank_account_edit):
            edit.textEdited.connect(self._edited)
        self.account_holder_edit.textEdited.connect(self._edited)
        for plain in (self.special_edit, self.remarks_edit):
            plain.textChanged.connect(self._edited)
        self.village_combo.currentIndexChanged.connect(self._village_changed)
        self.group_combo.currentIndexChanged.connect(self._edited)
        self.responsible_combo.currentIndexChanged.connect(self._edited)
        self.method_combo.currentIndexChanged.connect(self._edited)

    def _field(self, name: str, widget: QWidget) -> QWidget:
        box = QWidget(self)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(widget)
        message = QLabel(box)
        message.setWordWrap(True)
        message.hide()
        layout.addWidget(message)
        self._messages[name] = message
        self.fields[name] = widget
        return box

    # --- in and out -------------------------------------------------------------------------
    def fill(self, form: HouseholdForm) -> None:
        self._filling += 1
        try:
            self.code_edit.setText(form.code)
            _select(self.village_combo, form.village_id)
            self._fill_groups(form.village_id)
            _select(self.group_combo, form.group_id)
            _select(self.responsible_combo, form.responsible_id)
            index = self.method_combo.findData(form.compensation_method or None)
            self.method_combo.setCurrentIndex(max(index, 0))
            for name, widget in self._texts().items():
                text = getattr(form, name)
                if isinstance(widget, QPlainTextEdit):
                    widget.setPlainText(text)
                    shown = widget.toPlainText()
                else:
                    widget.setText(text)
                    shown = widget.text()
                # A widget may show text differently (\r\n → \n); keep the original unless edited.
                self._shown[name] = (text, shown)
        finally:
            self._filling -= 1

    def read_into(self, form: HouseholdForm) -> None:
        form.village_id = _selected(self.village_combo)
        form.group_id = _selected(self.group_combo)
        form.responsible_id = _selected(self.responsible_combo)
        form.compensation_method = self.method_combo.currentData() or ""
        for name, widget in self._texts().items():
            text = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
            original, shown = self._shown.get(name, (text, text))
            setattr(form, name, original if text == shown else text)

    def _texts(self) -> dict[str, QLineEdit | QPlainTextEdit]:
        return {
            "address": self.address_edit,
            "special_situation": self.special_edit,
            "remarks": self.remarks_edit,
            "bank_name": self.bank_name_edit,
            "bank_account": self.bank_account_edit,
            "account_holder": self.account_holder_edit,
        }

    def _fill_groups(self, village_id: UUID | None) -> None:
        keep = _selected(self.group_combo)
        self.group_combo.clear()
        self.group_combo.addItem(_("（不分组）"), None)
        groups = self._choices.groups.get(village_id, ()) if village_id else ()
        for g in groups:
            self.group_combo.addItem(g.name, str(g.id))
        _select(self.group_combo, keep, add_unknown=False)

    def _village_changed(self) -> None:
        self._filling += 1
        try:
            self._fill_groups(_selected(self.village_combo))
        finally:
            self._filling -= 1
        self._edited()

    def _edited(self) -> None:
        if not self._filling:
            self.changed.emit()

    # --- problems ---------------------------------------------------------------------------
    def mark(self, marks: Mapping[str, tuple[Severity, str]]) -> None:
        for name, label in self._messages.items():
            widget = self.fields[name]
            if name in marks:
                severity, message = marks[name]
                text = f"{severity_label(severity)}：{message}"
                if label.text() != text:
                    label.setText(text)
                    label.setStyleSheet(f"color: {_TEXT_COLOURS[severity]};")
                    if isinstance(widget, QLineEdit):
                        widget.setStyleSheet(
                            f"QLineEdit {{ background: {_FIELD_BACKGROUNDS[severity]}; }}"
                        )
                    widget.setToolTip(message)
                label.show()
            elif label.isVisibleTo(self) or label.text():
                label.clear()
                label.hide()
                widget.setStyleSheet("")
                widget.setToolTip("")

    def message_of(self, name: str) -> str:
        label = self._messages.get(name)
        return label.text() if label is not None else ""


def _plain_edit(parent: QWidget, lines: int) -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
    height = edit.fontMetrics().lineSpacing() * lines + 12
    edit.setFixedHeight(height)
    return edit


def _select(combo: QComboBox, value: UUID | None, *, add_unknown: bool = True) -> None:
    key = str(value) if value is not None else None
    i = combo.findData(key) if key is not None else 0
    if i < 0 and add_unknown and key is not None:
        # An id the lists no longer hold (a deleted village): keep it rather than lose it.
        combo.addItem(_("（已删除）"), key)
        i = combo.count() - 1
    combo.setCurrentIndex(max(i, 0))


def _selected(combo: QComboBox) -> UUID | None:
    data = combo.currentData()
    return UUID(data) if data else None
