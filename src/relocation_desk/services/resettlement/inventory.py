"""The flat inventory (安置房源): reading it as a compact grid, adding and editing flats, and
importing it from an xlsx workbook.

The import works like the ledger import: every row is checked first and reported (row number,
what is wrong, what to do); if any row is rejected nothing is written, otherwise all flats go
in in one transaction. Columns (header names as written in the first row, any order):
小区, 楼栋, 单元, 楼层, 房号, 户型, 建筑面积 (㎡), 基准价 (元/㎡), 楼层系数 (default 1),
单价 (元/㎡, optional: the flat's own price instead of 基准价 × 楼层系数), 备注.
"""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain.money import AmountError, parse_amount
from ...domain.resettlement import flat_unit_price
from ...domain.units import QuantityError, parse_area
from ...i18n import _
from ...storage import models as m
from ...storage.base import utcnow
from ...storage.db import Database
from ...storage.models_resettlement import ResettlementFlat
from ..errors import ResettlementError
from ..households.service import OperatorRef, project_id_of
from ..progress_report import Progress, ensure

FLAT_STATUSES = ("available", "reserved", "chosen", "handed_over")
STATUS_LABELS = {
    "available": "可选",
    "reserved": "保留",
    "chosen": "已选",
    "handed_over": "已交付",
}
COLUMNS = {
    "小区": "estate",
    "楼栋": "building",
    "单元": "unit",
    "楼层": "floor",
    "房号": "number",
    "户型": "layout",
    "建筑面积": "area",
    "基准价": "base_price",
    "楼层系数": "coefficient",
    "单价": "unit_price",
    "备注": "note",
}
REQUIRED = ("estate", "building", "floor", "number", "layout", "area")
MAX_ROWS = 50_000
REPORT_EVERY = 500  # rows (or flats) between progress reports
MAX_FILE_BYTES = 50_000_000


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


@dataclass(frozen=True)
class FlatInput:
    estate: str
    building: str
    unit: str
    floor: int
    number: str
    layout: str
    built_area_dm2: int
    base_price_fen: int
    coefficient_milli: int = 1000
    unit_price_fen: int | None = None  # None: base × coefficient
    note: str = ""

    @property
    def label(self) -> str:
        return flat_label(self.building, self.unit, self.number)


def flat_label(building: str, unit: str, number: str) -> str:
    """``1栋2单元0301``: how a flat is named on paper."""
    return f"{building}栋{unit + '单元' if unit else ''}{number}"


@dataclass(frozen=True)
class FlatGrid:
    """All flats of a project as parallel tuples (cheap to hold and to draw for 5,000+)."""

    ids: tuple[uuid.UUID, ...]
    estates: tuple[str, ...]
    buildings: tuple[str, ...]
    units: tuple[str, ...]
    floors: tuple[int, ...]
    numbers: tuple[str, ...]
    layouts: tuple[str, ...]
    areas_dm2: tuple[int, ...]
    unit_prices_fen: tuple[int, ...]
    statuses: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.ids)


def read_grid(db: Database) -> FlatGrid:
    """Every flat, ordered 小区 → 楼栋 → 单元 → 楼层 (top first) → 房号."""
    f = ResettlementFlat
    with db.session() as s:
        rows = s.execute(
            select(
                f.id, f.estate, f.building, f.unit, f.floor, f.number, f.layout,
                f.built_area_dm2, f.unit_price_fen, f.status,
            )
            .where(f.project_id == project_id_of(s))
            .order_by(f.estate, f.building, f.unit, f.floor.desc(), f.number)
        ).all()  # fmt: skip
    cols = list(zip(*rows, strict=True)) if rows else [()] * 10
    return FlatGrid(*(tuple(c) for c in cols))


def read_flat(db: Database, flat_id: uuid.UUID) -> FlatInput:
    """One flat's terms, as the edit form shows them."""
    with db.session() as s:
        row = s.get(ResettlementFlat, flat_id)
        if row is None:
            raise ResettlementError(_("找不到这套房源；请刷新后重试"))
        own = None if row.unit_price_fen == flat_unit_price(
            row.base_price_fen, row.coefficient_milli
        ) else row.unit_price_fen  # fmt: skip
        return FlatInput(
            row.estate, row.building, row.unit, row.floor, row.number, row.layout,
            row.built_area_dm2, row.base_price_fen, row.coefficient_milli, own, row.note,
        )  # fmt: skip


class InventoryService:
    def __init__(self, db: Database, operator: OperatorRef | None) -> None:
        self._db = db
        self._operator = operator

    def add_flats(self, flats: list[FlatInput], *, progress: Progress | None = None) -> int:
        """Add flats in one transaction; a duplicate 房号 refuses them all. ``progress``
        hears every ``REPORT_EVERY`` flats; a cancel before the commit writes none."""
        p = ensure(progress)
        with self._db.session(immediate=True) as s, s.begin():
            pid = project_id_of(s)
            existing = _existing_keys(s, pid)
            for k, flat in enumerate(flats):
                if k % REPORT_EVERY == 0:
                    p.check()
                    p(k, len(flats), _("正在写入房源：{done} / {total} 套", done=f"{k:,}",
                                       total=f"{len(flats):,}"))  # fmt: skip
                key = (flat.estate, flat.building, flat.unit, flat.number)
                if key in existing:
                    raise ResettlementError(
                        _("{estate}{label} 已在房源中；同一房号不能重复录入",
                          estate=flat.estate, label=flat.label)
                    )  # fmt: skip
                existing.add(key)
                s.add(_new_flat(pid, flat))
            self._audit(s, "import", {"flats": len(flats)})
            p.check()
            p.cannot_cancel(_("正在保存导入的房源，保存完成前不能取消。"))
            p(len(flats), len(flats), _("正在保存导入的房源…"))
        return len(flats)

    def update_flat(self, flat_id: uuid.UUID, flat: FlatInput) -> None:
        """Change a flat that nobody has chosen (a chosen flat's terms are on its 确认单)."""
        with self._db.session(immediate=True) as s, s.begin():
            row = s.get(ResettlementFlat, flat_id)
            if row is None:
                raise ResettlementError(_("找不到这套房源；请刷新后重试"))
            if row.status in ("chosen", "handed_over"):
                raise ResettlementError(
                    _("{label} 已被选定，不能修改其面积或价格；如有错误请先撤销选房",
                      label=flat_label(row.building, row.unit, row.number))
                )  # fmt: skip
            before = _flat_json(row)
            for key, value in vars(_new_flat(row.project_id, flat)).items():
                if key in {"estate", "building", "unit", "floor", "number", "layout",
                           "built_area_dm2", "base_price_fen", "coefficient_milli",
                           "unit_price_fen", "note"}:  # fmt: skip
                    setattr(row, key, value)
            self._audit(s, "update", _flat_json(row), before=before, entity_id=str(flat_id))

    def set_status(self, flat_id: uuid.UUID, status: str) -> None:
        """Reserve a flat (保留: not offered) or offer it again; choices set 已选 themselves."""
        if status not in ("available", "reserved"):
            raise ResettlementError(_("只能把房源设为可选或保留；已选由选房登记"))
        with self._db.session(immediate=True) as s, s.begin():
            row = s.get(ResettlementFlat, flat_id)
            if row is None or row.status not in ("available", "reserved"):
                raise ResettlementError(_("这套房源已被选定或已交付，不能改为可选或保留"))
            before = row.status
            row.status = status
            self._audit(s, "status", {"status": status}, before={"status": before},
                        entity_id=str(flat_id))  # fmt: skip

    def import_xlsx(self, path: Path, *, progress: Progress | None = None) -> ImportReport:
        """Check every row; write all flats (one transaction) only if none is rejected.
        ``progress`` hears of the rows read and the flats written; a cancel before the commit
        writes nothing."""
        report = read_inventory(path, progress=progress)
        if report.errors:
            return report
        with self._db.session() as s:
            existing = _existing_keys(s, project_id_of(s))
        for row_no, flat in report.flats:
            if (flat.estate, flat.building, flat.unit, flat.number) in existing:
                report.errors.append(
                    (row_no, _("{estate}{label} 已在房源中；请从表中删去这一行",
                               estate=flat.estate, label=flat.label))
                )  # fmt: skip
        if not report.errors:
            self.add_flats([f for _n, f in report.flats], progress=progress)
            report.imported = len(report.flats)
        return report

    def _audit(
        self, s: Session, action: str, after: Any, *, before: Any = None, entity_id: str = ""
    ) -> None:
        op = self._operator
        s.add(
            m.AuditLog(
                id=uuid.uuid4(), at=utcnow(), operator_id=op.id if op else None,
                operator_login=op.login if op else "", action=action,
                entity="resettlement_flat", entity_id=entity_id, before=before, after=after,
            )
        )  # fmt: skip


def _existing_keys(s: Session, pid: uuid.UUID) -> set[tuple[str, str, str, str]]:
    f = ResettlementFlat
    return {
        (e, b, u, n)
        for e, b, u, n in s.execute(
            select(f.estate, f.building, f.unit, f.number).where(f.project_id == pid)
        )
    }


def _new_flat(pid: uuid.UUID, flat: FlatInput) -> ResettlementFlat:
    price = flat.unit_price_fen
    if price is None:
        price = flat_unit_price(flat.base_price_fen, flat.coefficient_milli)
    return ResettlementFlat(
        id=uuid.uuid4(), project_id=pid, estate=flat.estate, building=flat.building,
        unit=flat.unit, floor=flat.floor, number=flat.number, layout=flat.layout,
        built_area_dm2=flat.built_area_dm2, base_price_fen=flat.base_price_fen,
        coefficient_milli=flat.coefficient_milli, unit_price_fen=price, status="available",
        note=flat.note,
    )  # fmt: skip


def _flat_json(row: ResettlementFlat) -> dict[str, Any]:
    return {
        "estate": row.estate, "building": row.building, "unit": row.unit, "floor": row.floor,
        "number": row.number, "layout": row.layout, "built_area_dm2": row.built_area_dm2,
        "unit_price_fen": row.unit_price_fen, "coefficient_milli": row.coefficient_milli,
    }  # fmt: skip


# --- xlsx -------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    flats: list[tuple[int, FlatInput]]
    errors: list[tuple[int, str]]  # (row number in the sheet, message)
    imported: int = 0


def read_inventory(path: Path, *, progress: Progress | None = None) -> ImportReport:
    """Every row of the first sheet checked. ``progress`` hears every ``REPORT_EVERY`` rows
    (of the sheet's stated size) and may stop the reading there."""
    from openpyxl import load_workbook

    p = ensure(progress)

    _check_file(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise ResettlementError(
            _(
                "文件 {name} 无法读取，可能已损坏；请用Excel/WPS打开检查后另存为.xlsx",
                name=path.name,
            )
        ) from exc
    try:
        sheet = wb.worksheets[0]
        total = max(int(sheet.max_row or 0), 1)
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        report = ImportReport([], [])
        columns = _header(header)
        missing = [name for name, key in COLUMNS.items() if key in REQUIRED and key not in columns]
        if missing:
            report.errors.append((1, _("第一行缺少列：{names}；请按房源模板填写表头",
                                       names="、".join(missing))))  # fmt: skip
            return report
        seen: dict[tuple[str, str, str, str], int] = {}
        for row_no, values in enumerate(rows, start=2):
            if row_no % REPORT_EVERY == 0:
                p.check()
                p(min(row_no, total), total, _("正在核对第 {row} 行", row=f"{row_no:,}"))
            if row_no > MAX_ROWS + 1:
                report.errors.append(
                    (row_no, _("房源表超过 {n} 行；请分成几个文件导入", n=MAX_ROWS))
                )
                break
            cells = {key: values[i] if i < len(values) else None for key, i in columns.items()}
            if all(v is None or str(v).strip() == "" for v in cells.values()):
                continue
            try:
                flat = _flat_from_cells(cells)
            except ResettlementError as exc:
                report.errors.append((row_no, exc.message))
                continue
            key = (flat.estate, flat.building, flat.unit, flat.number)
            if key in seen:
                report.errors.append((row_no, _("与第 {row} 行是同一套房；请删去重复的一行",
                                                row=seen[key])))  # fmt: skip
                continue
            seen[key] = row_no
            report.flats.append((row_no, flat))
        return report
    finally:
        wb.close()


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise ResettlementError(_("找不到文件：{path}", path=path))
    if path.stat().st_size > MAX_FILE_BYTES or not zipfile.is_zipfile(path):
        raise ResettlementError(
            _("文件 {name} 不是Excel工作簿（.xlsx），或文件已损坏；请用Excel/WPS打开检查后另存为.xlsx",
              name=path.name)
        )  # fmt: skip


def _header(header: tuple[Any, ...] | None) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(header or ()):
        text = str(cell or "").strip()
        for name, key in COLUMNS.items():
            if text.startswith(name) and key not in found:
                found[key] = i
    return found


def _text(cells: dict[str, Any], key: str) -> str:
    value = cells.get(key)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _flat_from_cells(cells: dict[str, Any]) -> FlatInput:
    for key in REQUIRED:
        if not _text(cells, key):
            name = next(n for n, k in COLUMNS.items() if k == key)
            raise ResettlementError(_("“{name}”为空；请填写", name=name))
    try:
        floor = int(_text(cells, "floor"))
    except ValueError:
        raise ResettlementError(_("楼层“{value}”不是整数；请填写如 3 或 -1",
                                  value=_text(cells, "floor"))) from None  # fmt: skip
    if not -5 <= floor <= 200:
        raise ResettlementError(_("楼层 {floor} 不在 -5 到 200 之间；请检查", floor=floor))
    try:
        area = parse_area(_text(cells, "area"))
    except QuantityError as exc:
        raise ResettlementError(_("建筑面积：{reason}", reason=exc.reason)) from exc
    if not 0 < area <= 100_000:
        raise ResettlementError(_("建筑面积应大于 0 且不超过 1000 ㎡；请检查"))
    base = _money(cells, "base_price", "基准价")
    own = _money(cells, "unit_price", "单价")
    if base is None and own is None:
        raise ResettlementError(_("基准价和单价都为空；请至少填写一项（元/㎡）"))
    coefficient = 1000
    if _text(cells, "coefficient"):
        try:
            coef = Decimal(_text(cells, "coefficient"))
        except InvalidOperation:
            coef = Decimal("NaN")
        if not coef.is_finite() or not Decimal("0.5") <= coef <= Decimal("2"):
            raise ResettlementError(_("楼层系数“{value}”应为 0.5 到 2 之间的数，如 1.02",
                                      value=_text(cells, "coefficient")))  # fmt: skip
        coefficient = int((coef * 1000).to_integral_value())
    limits = {"estate": 100, "building": 40, "unit": 40, "number": 40, "layout": 100}
    for key, limit in limits.items():
        if len(_text(cells, key)) > limit:
            name = next(n for n, k in COLUMNS.items() if k == key)
            raise ResettlementError(_("“{name}”超过 {n} 个字；请缩短", name=name, n=limit))
    fields = {k: _text(cells, k) for k in ("building", "unit", "number")}
    return FlatInput(
        estate=_text(cells, "estate"), floor=floor, layout=_text(cells, "layout"),
        built_area_dm2=area, base_price_fen=base if base is not None else own or 0,
        coefficient_milli=coefficient, unit_price_fen=own, note=_text(cells, "note"), **fields,
    )  # fmt: skip


def _money(cells: dict[str, Any], key: str, name: str) -> int | None:
    text = _text(cells, key)
    if not text:
        return None
    try:
        fen = parse_amount(text)
    except AmountError as exc:
        raise ResettlementError(_("{name}：{reason}", name=name, reason=exc.reason)) from exc
    if not 0 < fen <= 10**8:
        raise ResettlementError(_("{name}应大于 0 且不超过 100 万元/㎡；请检查", name=name))
    return fen
