"""Messy ledgers for the import tests, built with openpyxl the way villages type them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from relocation_desk.domain.idnumber import make


def pid(seq: int, year: int = 1970) -> str:
    return make("410102", date(year, 1 + seq % 12, 1 + seq % 28), seq % 1000)


def messy_ledger(path: Path) -> dict[tuple[str, int], str]:
    """A two-sheet ledger with every trap; returns (sheet, row) → expected outcome."""
    wb = Workbook()
    ws = wb.active
    ws.title = "张庄村一组"
    expect: dict[tuple[str, int], str] = {}
    ws.append(["城东新区张庄村房屋征收补偿台账"])
    ws.merge_cells("A1:J1")
    ws.append(["制表日期：2026年3月5日"])
    ws.append(["单位：元、平方米"])
    ws.append(
        [
            "序号",
            "户主姓名",
            "与户主关系",
            "身份证号码",
            "家庭人口",
            "房屋情况",
            None,
            None,
            "补偿金额",
            "联系电话",
            "调查日期",
        ]
    )
    ws.append([None, None, None, None, None, "结构", "合法面积", "无证面积", None, None, None])
    ws.merge_cells("F4:H4")
    for c in ("A", "B", "C", "D", "E", "I", "J", "K"):
        ws.merge_cells(f"{c}4:{c}5")
    for r in range(1, 6):
        expect[("张庄村一组", r)] = "skipped"
    rows = [
        # 6: household with 2 members, declared 3 → count flag
        (
            [
                1,
                "王 小明",
                "户主",
                pid(1),
                3,
                "砖混",
                "120.5㎡",
                30,
                "1,234,567.89",
                "138-1234-5678",
                date(2026, 3, 5),
            ],
            "household",
        ),
        (
            [
                None,
                "李  芳",
                "妻",
                pid(2).lower().replace("X", "x"),
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            "member",
        ),
        (
            [
                None,
                "王𠮷",
                "子",
                "４１０１０２" + pid(3)[6:],
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            "member",
        ),
        # 9: ID stored as a number → float lost (flag), amount in 万
        (
            [
                2,
                "赵四",
                "户主",
                4.10102198001011e17,
                1,
                "框架",
                "95.5平方",
                None,
                "12.3万",
                "0371-65432100",
                "2026.3.5",
            ],
            "household",
        ),
        # 10: wrong check digit
        (
            [
                3,
                "钱五",
                "户主",
                pid(5)[:17] + ("0" if pid(5)[17] != "0" else "1"),
                1,
                "砖木",
                80,
                10,
                50000,
                None,
                "2026/03/05",
            ],
            "household",
        ),
        # 11: 15-digit ID as number, unparseable amount, impossible date
        (
            [
                4,
                "孙六",
                "户主",
                410102700101123,
                1,
                "砖混",
                "abc",
                None,
                "壹万元",
                None,
                "2026年2月30日",
            ],
            "household",
        ),
        # 12: missing name
        ([5, None, "户主", pid(7), 1, "砖混", 60, None, 1000, None, None], "household"),
        # 13: blank row
        ([None] * 11, "skipped"),
        # 14: subtotal
        ([None, "小计", None, None, 6, None, 356, 40, "=SUM(I6:I12)", None, None], "skipped"),
        # 15-16: exact duplicate of household 10
        (
            [
                3,
                "钱五",
                "户主",
                pid(5)[:17] + ("0" if pid(5)[17] != "0" else "1"),
                1,
                "砖木",
                80,
                10,
                50000,
                None,
                "2026/03/05",
            ],
            "rejected",
        ),
        # 16: same ID as household 6's head, different data → rejected, first flagged
        ([6, "王晓明", "户主", pid(1), 2, "砖混", 100, None, 2000, None, None], "rejected"),
        # 17: only head listed but declared 4
        ([7, "周八", "户主", pid(8), 4, "简易", 20, None, 3000, None, None], "household"),
        # 18: only a sequence number
        ([8] + [None] * 10, "skipped"),
        # 19: footer
        (["制表人：张三", None, None, "审核：李四"], "skipped"),
    ]
    for i, (row, outcome) in enumerate(rows):
        ws.append(row)
        expect[("张庄村一组", 6 + i)] = outcome
    ws.column_dimensions["K"].hidden = True
    # second sheet: one row per household, other column names
    ws2 = wb.create_sheet("二组")
    ws2.append(["张庄村二组征收台账"])
    ws2.append(
        ["序号", "户主", "证件号码", "人口", "有证面积", "无证面积", "补偿款（万元）", "备注"]
    )
    ws2.append([1, "吴九", pid(9) + " ", 2, 88.8, 0, 1.5, "一户一宅"])
    ws2.append([2, "郑十", f" {pid(10)[:9]} {pid(10)[9:]}", "3人", "-5", None, None, None])
    ws2.append(["合  计", None, None, 5, 88.8, 0, 1.5, None])
    for r, o in (
        (1, "skipped"),
        (2, "skipped"),
        (3, "household"),
        (4, "household"),
        (5, "skipped"),
    ):
        expect[("二组", r)] = o
    wb.save(path)
    return expect


def big_ledger(path: Path, households: int, *, history: bool = False) -> int:
    """A realistic ledger of head + member rows, 1,500 households per group sheet, with a
    title, a units line and a 合计 row per sheet; returns the number of persons. ``history``:
    every household has also signed, been paid and vacated (签约日期, 协议金额, 已支付金额,
    支付日期, 腾房日期)."""
    wb = Workbook(write_only=True)
    persons = 0
    per_sheet = 1500
    past = ["签约日期", "协议金额", "已支付金额", "支付日期", "腾房日期"] if history else []
    for start in range(0, households, per_sheet):
        ws = wb.create_sheet(f"{start // per_sheet + 1}组")
        ws.append(["某村房屋征收补偿台账"])
        ws.append(["单位：元、平方米"])
        ws.append(["序号", "户主姓名", "与户主关系", "身份证号码", "家庭人口", "结构", "合法面积",
                   "无证面积", "补偿金额", "联系电话", "调查日期", *past])  # fmt: skip
        for n in range(start, min(households, start + per_sheet)):
            members = 1 + (n * 7) % 4  # 1–4 more than the head: ~2.8 persons per household
            done = (
                [datetime(2026, 9, 1), 100000 + n, 100000 + n, datetime(2026, 9, 10),
                 datetime(2026, 9, 20)] if history else []
            )  # fmt: skip
            ws.append([n + 1, big_name(n), "户主", big_id(n, 0), members + 1, "砖混",
                       100 + n % 50 + 0.5, n % 20, f"{100000 + n:,}.50", f"138{n:08d}",
                       datetime(2026, 3, 5), *done])  # fmt: skip
            persons += 1
            for k in range(1, members + 1):
                ws.append([None, big_name(n * 5 + k), "子" if k % 2 else "配偶", big_id(n, k), None,
                           None, None, None, None, None, None, *([None] * len(past))])  # fmt: skip
                persons += 1
        ws.append([None, "合计"])
    wb.save(path)
    return persons


_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国"


def big_name(n: int) -> str:
    g = len(_GIVEN)
    return _SURNAMES[n % 20] + _GIVEN[(n // 20) % g] + _GIVEN[(n // (20 * g)) % g]


def big_id(n: int, k: int) -> str:
    """A valid ID number unique per household ``n`` and member ``k``."""
    return make("410102", date.fromordinal(date(1940, 1, 1).toordinal() + n), 2 * k + 1)
