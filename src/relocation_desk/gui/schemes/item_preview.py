"""The item form's sample household and the live preview of the item's line on it.

:func:`preview_line` parses the scheme up to the item and computes the sample household's
line with the real engine, so the preview says exactly what a calculation will say.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from ...domain import money
from ...domain.engine import EngineError, compute
from ...domain.household_input import AttachmentInput, HouseholdInput, StructureInput
from ...domain.scheme import SchemeError
from ...domain.scheme_parse import parse_scheme
from ...domain.status import (
    COMPENSATION_METHOD_LABELS,
    STRUCTURE_LABELS,
    CompensationMethod,
    StructureType,
)
from ...i18n import _
from ...services.clock import project_today
from ...services.schemes.service import ItemRow

__all__ = ["SampleBox", "preview_day", "preview_line"]


def preview_day() -> date:
    """The day the preview computes for: today in the default project zone (tests replace
    it)."""
    return project_today()


# --- the sample household ---------------------------------------------------------------------


class SampleBox(QWidget):
    """A household to preview the line on: method, persons, one building, flags, place."""

    changed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.method = QComboBox(self)
        self.method.setObjectName("sampleMethod")
        for m in CompensationMethod:
            self.method.addItem(_(COMPENSATION_METHOD_LABELS[m]), m.value)
        self.persons = QSpinBox(self)
        self.persons.setRange(1, 20)
        self.persons.setValue(3)
        self.structure = QComboBox(self)
        for t in StructureType:
            self.structure.addItem(_(STRUCTURE_LABELS[t]), t.value)
        self.structure.setCurrentIndex(self.structure.findData(StructureType.BRICK_CONCRETE.value))
        self.legal = QLineEdit("100.00", self)
        self.legal.setObjectName("sampleLegal")
        self.unlicensed = QLineEdit("20.00", self)
        self.village = QLineEdit(self)
        self.village.setObjectName("sampleVillage")
        self.village.setPlaceholderText(_("村名"))
        self.dibao = QCheckBox(_("低保"), self)
        self.dibao.setObjectName("sampleDibao")
        self.disabled = QCheckBox(_("残疾"), self)
        self.cadre = QCheckBox(_("干部或亲属"), self)
        self.signed = QLineEdit(self)
        self.signed.setPlaceholderText(_("签约日期（空=未签）"))
        self.vacated = QLineEdit(self)
        self.vacated.setPlaceholderText(_("腾房日期（空=未腾）"))
        for edit in (self.signed, self.vacated):
            edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("2026-03-21") + 16)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label, widget in (
            (_("方式"), self.method), (_("人口"), self.persons), (_("结构"), self.structure),
            (_("合法㎡"), self.legal), (_("无证㎡"), self.unlicensed), ("", self.village),
            ("", self.dibao), ("", self.disabled), ("", self.cadre), ("", self.signed),
            ("", self.vacated),
        ):  # fmt: skip
            if label:
                layout.addWidget(QLabel(label, self))
            layout.addWidget(widget)
        for box in (self.method, self.structure):
            box.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.persons.valueChanged.connect(lambda _v: self.changed.emit())
        for edit in (self.legal, self.unlicensed, self.village, self.signed, self.vacated):
            edit.textEdited.connect(lambda _t: self.changed.emit())
        for check in (self.dibao, self.disabled, self.cadre):
            check.toggled.connect(lambda _c: self.changed.emit())

    def prefer(self, row: ItemRow) -> None:
        """Start from a household the item applies to: its structure type and method."""
        structure = row.params.get("structure_type")
        if structure:
            self.structure.setCurrentIndex(max(0, self.structure.findData(structure)))
        methods = row.params.get("methods")
        if methods:
            self.method.setCurrentIndex(max(0, self.method.findData(methods[0])))

    def household(self, row: ItemRow) -> HouseholdInput:
        def dm2(edit: QLineEdit) -> int:
            try:
                return max(0, money.parse_amount(edit.text() or "0"))  # 0.01 ㎡ = 1 dm²
            except money.AmountError:
                return 0

        def day(edit: QLineEdit) -> date | None:
            try:
                return date.fromisoformat(edit.text().strip())
            except ValueError:
                return None

        decoration = row.code if row.kind == "decoration" else ""
        attachments = (AttachmentInput(row.code, 1000),) if row.kind == "per_item" else ()
        dibao, disabled = self.dibao.isChecked(), self.disabled.isChecked()
        return HouseholdInput(
            "样本户", self.persons.value(),
            (StructureInput(StructureType(self.structure.currentData()), dm2(self.legal),
                            dm2(self.unlicensed), decoration),),
            attachments, vulnerable=dibao or disabled,
            compensation_method=CompensationMethod(self.method.currentData()),
            signed_on=day(self.signed), vacated_on=day(self.vacated), dibao=dibao,
            disabled=disabled, cadre=self.cadre.isChecked(), village=self.village.text().strip(),
        )  # fmt: skip


# --- the preview ------------------------------------------------------------------------------


def preview_line(
    scheme: Mapping[str, Any], earlier: list[ItemRow], row: ItemRow, household: HouseholdInput
) -> tuple[str, bool]:
    """The sample household's line of ``row`` in the scheme up to it, and whether it could be
    computed (``False``: the text says what is wrong)."""
    data = {
        "name": scheme.get("name") or _("草稿"),
        "version_no": int(scheme.get("version_no") or 1),
        "effective_date": str(scheme.get("effective_date") or "2000-01-01"),
        "params": dict(scheme.get("params") or {}),
        "items": [it.to_dict() for it in [*earlier, row]],
    }
    try:
        parsed = parse_scheme(data)
    except SchemeError as exc:
        mine = [p for p in exc.problems if f"（{row.code}）" in p] or list(exc.problems)
        return "；".join(mine[:3]), False
    priced = {
        (it.structure_type, it.legality) for it in parsed.items if it.kind.value == "per_area"
    }
    structures = []
    for s in household.structures:  # areas the scheme has no rate for count as 0 here
        legal = s.legal_area_dm2 if {(None, "legal"), (s.structure_type, "legal")} & priced else 0
        unlicensed = (
            s.unlicensed_area_dm2
            if {(None, "unlicensed"), (s.structure_type, "unlicensed")} & priced
            else 0
        )
        structures.append(StructureInput(s.structure_type, legal, unlicensed, s.decoration))
    sample = HouseholdInput(**{**household.__dict__, "structures": tuple(structures)})
    try:
        result = compute(sample, parsed, as_of=preview_day())
    except EngineError as exc:
        return exc.reason, False
    for line in result.lines:
        if line.item_code == row.code:
            return (
                _(
                    "{name}：{explanation}（本行 {amount} 元）",
                    name=line.item_name,
                    explanation=line.explanation,
                    amount=money.format_fen(line.amount_fen),
                ),
                True,
            )
    return _("样本户没有这一行：不适用于所选补偿方式、不满足适用条件，或数量为 0"), True
