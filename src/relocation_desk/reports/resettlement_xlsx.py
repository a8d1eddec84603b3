"""The property swap report as an xlsx workbook (openpyxl): flats left by building and 户型,
flats chosen per team and day, entitlement not yet used."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from ..domain.units import area_decimal
from ..i18n import _
from ..services.progress_report import Progress, ensure
from ..services.resettlement.summary import ResettlementSummary
from .demo_mark import mark_sheet
from .output_file import workbook_bytes, write_document

STEPS = 4  # three sheets, then the saving


def write_resettlement_report(
    path: str | Path, data: ResettlementSummary, *, progress: Progress | None = None
) -> None:
    """Write the workbook to ``path``. ``progress`` counts the sheets and the saving; a cancel
    before the saving leaves no file (the file appears whole or not at all)."""
    p = ensure(progress)

    def written(done: int, sheet: str) -> None:
        p.check()
        p(done, STEPS, _("已写完“{sheet}”", sheet=sheet))

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("剩余房源")
    _sheet(ws, [_("小区"), _("楼栋"), _("户型"), _("建筑面积（㎡）"), _("总套数"), _("可选"), _("已选")],
           [[r.estate, r.building, r.layout, area_decimal(r.area_dm2), r.total, r.available,
             r.chosen] for r in data.flats_left])  # fmt: skip
    written(1, ws.title)
    _sheet(wb.create_sheet(_("每日选房")), [_("日期"), _("工作组"), _("选定套数"), _("户数")],
           [[r.day, r.team, r.flats, r.households] for r in data.chosen_per_team_day])  # fmt: skip
    written(2, _("每日选房"))
    _sheet(wb.create_sheet(_("未用完安置面积")),
           [_("顺序号"), _("户编号"), _("户主"), _("工作组"), _("安置面积（㎡）"), _("已选面积（㎡）"),
            _("剩余（㎡）"), _("状态")],
           [[r.order_no, r.code, r.head_name, r.team, area_decimal(r.entitlement_dm2),
             area_decimal(r.chosen_dm2), area_decimal(r.entitlement_dm2 - r.chosen_dm2),
             _order_status(r.status)] for r in data.unused])  # fmt: skip
    written(3, _("未用完安置面积"))
    if data.demo:
        for sheet in wb.worksheets:
            mark_sheet(sheet, sheet.max_column)
    content = workbook_bytes(wb)
    p.check()
    p.cannot_cancel(_("报表已写完，正在保存文件，不能取消。"))
    p(STEPS, STEPS, _("正在保存文件…"))
    write_document(path, content)


def _order_status(status: str) -> str:
    return {"waiting": _("待选"), "absent": _("未到场"), "done": _("已选完")}.get(status, status)


def _sheet(ws: object, header: list[str], rows: list[list[object]]) -> None:
    ws.append(header)  # type: ignore[attr-defined]
    for cell in ws[1]:  # type: ignore[index]
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)  # type: ignore[attr-defined]
    ws.freeze_panes = "A2"  # type: ignore[attr-defined]
    for col, title in zip("ABCDEFGH", header, strict=False):
        ws.column_dimensions[col].width = max(10, len(title) * 2 + 2)  # type: ignore[attr-defined]
