"""Workbooks of the kinds villages keep, for the ledger import tests: a notes sheet, a
summary (汇总) per 村民小组, a rate table (补偿标准), a household ledger with a 填报单位 line
above its header, amount columns in 元 beside name-like words, two counts and two amounts,
dates of every step already taken, formula cells with their cached results, and a member
list under each 户主."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from .ledger_books import pid

LEDGER = "张庄村台账"


def kinds_workbook(path: Path) -> dict[tuple[str, int], str]:
    """Write the workbook; returns (sheet, row) → expected outcome of the ledger sheet's rows."""
    wb = Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes.append(["填表说明"])
    notes.append(["1. 身份证号码请设为文本格式"])
    notes.append(["2. 金额单位为元"])

    summary = wb.create_sheet("汇总")
    summary.append(["张庄村征收补偿汇总表"])
    summary.append(["村民小组", "户数", "人口", "补偿金额（元）"])
    for i, group in enumerate(("一组", "二组", "三组", "四组"), 1):
        summary.append([group, 10 * i, 35 * i, 4_500_000 * i])
    summary.append(["合计", 100, 350, 45_000_000])

    rates = wb.create_sheet("补偿标准")
    rates.append(["项目", "标准", "单位"])
    for item, rate, unit in (
        ("砖混结构", 1200, "元/㎡"), ("砖木结构", 900, "元/㎡"), ("简易房", 300, "元/㎡"),
        ("压水井", 500, "元/口"), ("围墙", 60, "元/㎡"), ("水泥地坪", 40, "元/㎡"),
        ("搬迁补助", 2000, "元/户"),
    ):  # fmt: skip
        rates.append([item, rate, unit])

    ws = wb.create_sheet(LEDGER)
    expect: dict[tuple[str, int], str] = {}
    ws.append(["张庄村房屋征收补偿台账"])
    ws.append(["填报单位：张庄村委会", None, None, None, "填报日期：2026年10月8日"])
    ws.append([
        "序号", "户主", "与户主关系", "身份证号码", "家庭人口", "登记人口", "合法面积",
        "附属物(元)", "台账补偿金额", "核算补偿金额", "调查日期", "签约日期", "已支付金额",
        "支付日期", "腾房日期", "拆除日期", "备注",
    ])  # fmt: skip
    for r in (1, 2, 3):
        expect[(LEDGER, r)] = "skipped"
    rows: list[tuple[list[object], str]] = [
        # 4: signed, paid, vacated and demolished before the desk arrived; a member below
        ([1, "王大明", "户主", pid(11), 2, 2, 120.5, 3500, 500_000, 480_000,
          date(2026, 3, 5), "2026年10月1日", 250_000, "2026/10/15", datetime(2026, 11, 1),
          "2026.11.20", ""], "household"),
        ([None, "刘秀英", "妻", pid(12), None, None, None, None, None, None, None, None,
          None, None, None, None, None], "member"),
        # 6: a head with no ID number; dates that cannot be read
        ([2, "李二", "户主", None, 1, 1, 80, 1200, 200_000, None, "2026.9.31", "10月底",
          None, None, None, None, "外出务工"], "household"),
        # 7: neither name nor ID number
        ([3, None, None, None, 3, 3, 95, 800, 150_000, None, None, None, None, None, None,
          None, None], "rejected"),
        # 8, 9: a subtotal and a repeated header
        (["小计", None, None, None, 3, 3, 200.5, 4700, 700_000, None, None, None, None, None,
          None, None, None], "skipped"),
        (["序号", "户主", "与户主关系", "身份证号码", "家庭人口", "登记人口", "合法面积",
          "附属物(元)", "台账补偿金额", "核算补偿金额", "调查日期", "签约日期", "已支付金额",
          "支付日期", "腾房日期", "拆除日期", "备注"], "skipped"),
        # 10: an ID number only (the name is missing): imported, flagged
        ([4, None, "户主", pid(14), 1, 1, 60, None, 90_000, None, None, None, None, None,
          None, None, None], "household"),
    ]  # fmt: skip
    row = 3
    for values, outcome in rows:
        row += 1
        ws.append(values)
        expect[(LEDGER, row)] = outcome
    # 11: its amount is a formula cell with the result Excel saved
    ws.append([5, "赵五", "户主", pid(15), 1, 1, 70, 100, 0, None, None, None, None, None,
               None, None, None])  # fmt: skip
    expect[(LEDGER, row + 1)] = "household"
    wb.save(path)
    _formula(path, LEDGER, f"I{row + 1}", "G12*1000", 70_000)
    return expect


def _formula(path: Path, sheet_title: str, ref: str, formula: str, cached: int) -> None:
    """Make ``ref`` a formula cell with its cached result, as Excel saves one."""
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        book = zf.read("xl/workbook.xml").decode()
        titles = re.findall(r'<sheet [^>]*name="([^"]+)"', book)
        member = f"xl/worksheets/sheet{titles.index(sheet_title) + 1}.xml"
        parts = {n: zf.read(n) for n in names}
    xml = parts[member].decode()
    xml = re.sub(
        rf'<c r="{ref}"( [^>]*)?/>|<c r="{ref}"( [^>]*)?>.*?</c>',
        f'<c r="{ref}"><f>{formula}</f><v>{cached}</v></c>',
        xml,
        count=1,
    )
    if f'<c r="{ref}"><f>' not in xml:  # the cell was empty: add it to its row
        row = re.sub(r"\D", "", ref)
        xml = re.sub(
            rf'(<row r="{row}"[^>]*>)(.*?)(</row>)',
            lambda m: m.group(1) + m.group(2) + f'<c r="{ref}"><f>{formula}</f><v>{cached}</v></c>'
            + m.group(3),
            xml,
            count=1,
        )  # fmt: skip
    parts[member] = xml.encode()
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in names:
            zf.writestr(n, parts[n])
    shutil.move(tmp, path)


def dated_spellings() -> list[tuple[object, date]]:
    """Ten ways villages write 5 March 2026, and what each means."""
    day = date(2026, 3, 5)
    return [
        ("2026-03-05", day), ("2026/3/5", day), ("2026.3.5", day), ("2026年3月5日", day),
        ("2026年3月5号", day), ("20260305", day), ("２０２６－０３－０５", day),
        (datetime(2026, 3, 5), day), (46086, day), ("2026 年 3 月 5 日", day),
    ]  # fmt: skip
