"""Whatever a sheet holds, every row ends as exactly one of imported / skipped / rejected,
and is reported with its sheet and row."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from relocation_desk.services.ledger.importer import LedgerFileError, analyse, apply

from .ledger_books import pid

IMPORTED = {"household", "member", "detail"}
HEADER_WORDS = [
    "序号", "户主", "户主姓名", "姓名", "身份证号码", "与户主关系", "家庭人口", "登记人口",
    "合法面积", "无证面积", "结构", "补偿金额", "核算补偿金额", "附属物(元)", "村", "村民小组",
    "签约日期", "调查日期", "支付日期", "腾房日期", "已支付金额", "项目", "标准", "单位", "户数",
    "户编号", "备注", "填报单位：张庄村委会",
]  # fmt: skip
CELL = st.one_of(
    st.none(),
    st.sampled_from(HEADER_WORDS),
    st.sampled_from(
        [
            "王小明",
            "李 芳",
            "小计",
            "合计",
            "户主",
            "妻",
            "子",
            "10月底",
            "2026.9.31",
            "一组",
            "制表：张三",
            "",
            "  ",
            "砖混",
            "12.3万",
            "abc",
            "𠮷",
        ]
    ),
    st.sampled_from([pid(i) for i in range(1, 6)]),
    st.integers(min_value=-10, max_value=10**7),
    st.floats(min_value=-1e6, max_value=1e18, allow_nan=False),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 12, 31)),
    st.text(max_size=12),
)
ROW = st.lists(CELL, min_size=0, max_size=8)
SHEET = st.lists(ROW, min_size=0, max_size=14)
HEADER = st.lists(st.sampled_from(HEADER_WORDS), min_size=2, max_size=8)


def _clean(value: object) -> object:
    """What a workbook can hold (openpyxl refuses control characters in text)."""
    if isinstance(value, str):
        return "".join(c for c in value if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF)
    return value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=HEADER,
    above=st.lists(ROW, max_size=3),
    body=SHEET,
    other=SHEET,
    mark=st.booleans(),
)
def test_every_row_ends_as_exactly_one_outcome_and_is_reported(
    header: list[str], above: list[list[object]], body: list[list[object]],
    other: list[list[object]], mark: bool,
) -> None:  # fmt: skip
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    for row in [*above, header, *body]:
        ws.append([_clean(v) for v in row])
    second = wb.create_sheet("其他")
    for row in other:
        second.append([_clean(v) for v in row])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "l.xlsx"
        wb.save(path)
        try:
            analysis = analyse(path)
        except LedgerFileError as exc:  # the whole file refused, with its reason
            assert exc.message
            return
        report = apply(analysis, Path(tmp) / "p.sqlite", dry_run=True, mark_for_correction=mark)
    seen: dict[tuple[str, int], str] = {}
    for o in report.outcomes:
        assert (o.sheet, o.row) not in seen, (o.sheet, o.row)
        assert o.outcome in IMPORTED | {"skipped", "rejected"}
        seen[(o.sheet, o.row)] = o.outcome
    for s in analysis.sheets:
        assert {r for (sheet, r) in seen if sheet == s.name} == set(range(1, len(s.rows) + 1))
    rejected = {(x["sheet"], x["row"]) for x in report.rejected}
    skipped = {(x["sheet"], x["row"]) for x in report.skipped}
    assert rejected == {k for k, v in seen.items() if v == "rejected"}
    assert skipped == {k for k, v in seen.items() if v == "skipped"}
    for item in report.rejected + report.skipped:
        assert item["reason"]
