"""What reading a ledger workbook found: its sheets, each sheet's header, village and group,
its rows and a preview of their outcomes. :func:`.importer.analyse` makes it; the wizard shows
it and :func:`.write.write_plan` records its file name and title."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ...i18n import _
from ..errors import UserError
from .detect import IMPORTED_KINDS, SHEET_KINDS, SheetHeader, kind_label
from .rows import RowOutcome


@dataclass
class SheetAnalysis:
    name: str
    header: SheetHeader | None
    village: str
    group: str
    rows: list[tuple[Any, ...]] = field(repr=False, default_factory=list)
    preview: list[RowOutcome] = field(default_factory=list)
    # A sheet without a header: notes or unknown, and why (see detect.kind_without_header).
    bare_kind: tuple[str, str] = ("unknown", "")

    @property
    def kind(self) -> str:
        return self.header.kind if self.header is not None else self.bare_kind[0]

    @property
    def kind_reason(self) -> str:
        return self.header.kind_reason if self.header is not None else self.bare_kind[1]

    @property
    def imported(self) -> bool:
        return self.kind in IMPORTED_KINDS

    def describe(self) -> str:
        """ "汇总表（没有户主姓名或身份证号码列…），不导入" — for the wizard, CLI and report."""
        if self.imported:
            return _("{kind}（{why}），导入", kind=kind_label(self.kind), why=self.kind_reason)
        return _("{kind}（{why}），不导入", kind=kind_label(self.kind), why=self.kind_reason)


@dataclass
class LedgerAnalysis:
    path: Path
    title: str
    sheets: list[SheetAnalysis]
    today: date
    # sheet → row → columns of formula cells saved without their result (see .formulas)
    formulas: dict[str, dict[int, set[int]]] = field(default_factory=dict)

    def classify(self, sheet: str, kind: str) -> None:
        """The user's classification of a sheet (the wizard's correction)."""
        found = next((s for s in self.sheets if s.name == sheet), None)
        if found is None:
            raise UserError(_("台账中没有名为“{sheet}”的工作表", sheet=sheet))
        if kind not in SHEET_KINDS:
            raise UserError(_("未知的工作表类别“{kind}”", kind=kind))
        if found.header is None:
            if kind in IMPORTED_KINDS:
                raise UserError(
                    _("工作表“{sheet}”找不到表头，不能作为{kind}导入；请在Excel中补上表头行后重新导入",
                      sheet=sheet, kind=kind_label(kind))
                )  # fmt: skip
            found.bare_kind = (kind, _("由用户指定"))
            return
        found.header.kind, found.header.kind_reason = kind, _("由用户指定")

    def mapping(self) -> dict[str, dict[str, str]]:
        """sheet → field → column letter, for showing the user."""
        return {
            s.name: {f: c.letter for c in s.header.columns for f in [c.field] if f}
            for s in self.sheets
            if s.header is not None
        }
