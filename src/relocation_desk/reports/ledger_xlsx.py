"""The ledger workbook for HQ (台账): one sheet per kind of record, full ID numbers as text.

Written with :class:`.xlsx_stream.StreamingWorkbook` (see there for why not openpyxl):
frozen, filtered headers, column widths, number formats for money, areas and dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from ..i18n import _
from ..services.clock import project_today
from ..services.ledger.export import LedgerRows
from ..services.progress_report import Progress, ensure
from .demo_mark import header_text
from .xlsx_stream import AREA, DATE, GENERAL, INTEGER, MONEY, TEXT, StreamingWorkbook

REPORT_EVERY = 5000  # rows between progress reports


def sheets() -> list[tuple[str, str, list[tuple[str, str, float]]]]:
    """(sheet name, LedgerRows method, columns). Sheet and column names are the ledger's own
    words, read back by the import (they stay Chinese in every interface language)."""
    return [
        ("户", "households", [
            ("户编号", TEXT, 11), ("村", TEXT, 10), ("村民小组", TEXT, 10),
            ("户主姓名", TEXT, 10), ("户主身份证号码", TEXT, 21), ("家庭人口", INTEGER, 9),
            ("登记人口", INTEGER, 9), ("合法面积", AREA, 11), ("无证面积", AREA, 11),
            ("台账补偿金额", MONEY, 15), ("核算补偿金额", MONEY, 15), ("状态", TEXT, 9),
            ("地址", TEXT, 20), ("开户银行", TEXT, 16), ("银行账号", TEXT, 22),
            ("搬迁期限", DATE, 11), ("备注", TEXT, 24), ("补偿方式", TEXT, 12),
        ]),
        ("家庭成员", "members", [
            ("户编号", TEXT, 11), ("成员序号", INTEGER, 9), ("姓名", TEXT, 10),
            ("身份证号码", TEXT, 21), ("与户主关系", TEXT, 10), ("性别", TEXT, 6),
            ("出生年月日", DATE, 11), ("联系电话", TEXT, 15), ("干部", TEXT, 6),
            ("干部亲属", TEXT, 8), ("特殊情况", TEXT, 20),
        ]),
        ("房屋", "structures", [
            ("户编号", TEXT, 11), ("序号", INTEGER, 6), ("名称", TEXT, 10), ("结构", TEXT, 8),
            ("合法面积", AREA, 11), ("无证面积", AREA, 11), ("层数", INTEGER, 6),
            ("建造年份", INTEGER, 9), ("装修等级", TEXT, 14), ("备注", TEXT, 20),
        ]),
        ("附属物", "attachments", [
            ("户编号", TEXT, 11), ("序号", INTEGER, 6), ("项目编码", TEXT, 12),
            ("附属物名称", TEXT, 14), ("单位", TEXT, 6), ("数量", GENERAL, 10),
            ("备注", TEXT, 20),
        ]),
        ("补偿", "calculation_lines", [
            ("户编号", TEXT, 11), ("核算版本", INTEGER, 8), ("核算状态", TEXT, 9),
            ("行号", INTEGER, 6), ("项目编码", TEXT, 12), ("项目名称", TEXT, 18),
            ("补偿类别", TEXT, 10), ("单位", TEXT, 6), ("数量", GENERAL, 10), ("单价", MONEY, 12),
            ("金额", MONEY, 14), ("说明", TEXT, 30),
        ]),
        ("协议与支付", "agreements", [
            ("户编号", TEXT, 11), ("协议或决定编号", TEXT, 24), ("类型", TEXT, 9),
            ("状态", TEXT, 8), ("签约或决定日期", DATE, 14), ("协议或决定金额", MONEY, 15),
            ("支付类型", TEXT, 8), ("支付金额", MONEY, 15), ("支付日期", DATE, 11),
            ("收款人", TEXT, 10), ("支付方式", TEXT, 8), ("凭证号", TEXT, 14),
        ]),
        ("待核实", "flags", [
            ("户编号", TEXT, 11), ("成员序号", INTEGER, 9), ("姓名", TEXT, 10),
            ("字段", TEXT, 14), ("原始内容", TEXT, 22), ("原因", TEXT, 50),
            ("来源", TEXT, 30), ("核实日期", DATE, 11),
        ]),
    ]  # fmt: skip


def write_ledger(
    path: str | Path,
    rows: LedgerRows,
    *,
    on: date | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write the workbook; returns the number of rows per sheet. Every sheet prints on A4
    landscape with all its columns fitted to the page width, the header row on every page,
    the project and sheet in the page header with the export date, and page numbers.
    ``progress`` counts the sheets (and the rows written of each); a cancel removes the
    unfinished file."""
    p = ensure(progress)
    counts: dict[str, int] = {}
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    title = rows.project_name() or _("征收补偿台账")
    day = (on or project_today()).isoformat()
    try:
        with StreamingWorkbook(partial, mark=header_text() if rows.demo() else "") as wb:
            all_sheets = sheets()
            for step, (name, method, columns) in enumerate(all_sheets):
                source = _reported(getattr(rows, method)(), p, step, len(all_sheets), name)
                counts[name] = wb.add_sheet(
                    name, columns, source, landscape=True,
                    page_header=_("{title}（{sheet}）", title=title, sheet=name) + "\t"
                    + _("导出日期：{day}", day=day),
                    footer=_("第 &P 页 共 &N 页"),
                )  # fmt: skip
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return counts


def _reported(
    source: Iterator[tuple[Any, ...]], p: Progress, step: int, steps: int, sheet: str
) -> Iterator[tuple[Any, ...]]:
    """``source``'s rows, saying every ``REPORT_EVERY`` rows how far the sheet is."""
    for n, row in enumerate(source):
        if n % REPORT_EVERY == 0:
            p.check()
            p(step, steps, _("正在写入“{sheet}”：已写 {n} 行", sheet=sheet, n=f"{n:,}"))
        yield row
    p.check()
    p(step + 1, steps, _("已写完“{sheet}”", sheet=sheet))


def summary(counts: dict[str, int]) -> str:
    return _("户 {households} 户，家庭成员 {persons} 人", households=counts.get("户", 0),
             persons=counts.get("家庭成员", 0))  # fmt: skip
