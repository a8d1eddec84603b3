"""Teams, villages and groups of a new project read from an xlsx file.

The file has two sheets (the shipped ``resources/templates/新项目村组模板.xlsx`` is one):

- ``工作组``: columns 组号 | 名称, one team per row;
- ``村组``: columns 村 | 村民小组 | 工作组组号, one group per row (the village repeated on
  each of its rows; a village with no groups has one row with 村民小组 empty); 工作组组号 is
  optional (empty: the first team).

The header row is found by its names, so a title row above it is allowed. Rows that are empty
are skipped. Unreadable files, missing sheets or columns get a message naming them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...i18n import _
from ..input_files import regular_file_problem
from .plan import NewProjectRejected, TeamPlan, VillagePlan

__all__ = ["GROUP_COLUMNS", "TEAM_COLUMNS", "read_layout"]

TEAM_SHEET, VILLAGE_SHEET = "工作组", "村组"
TEAM_COLUMNS = ("组号", "名称")
GROUP_COLUMNS = ("村", "村民小组", "工作组组号")
_MAX_BYTES = 20 * 1024 * 1024
_MAX_ROWS = 20_000  # a county has a few hundred villages; more is the wrong file
_HEADER_SEARCH = 10


def read_layout(path: Path) -> tuple[tuple[TeamPlan, ...], tuple[VillagePlan, ...]]:
    """The teams and villages in ``path``; :class:`NewProjectRejected` (page "teams") if the
    file cannot be read or lacks a sheet or column."""
    if problem := regular_file_problem(path, _MAX_BYTES):
        raise NewProjectRejected(problem, "teams")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip, XML and openpyxl's own errors: not an xlsx we can read
        raise NewProjectRejected(
            _("无法读取 {file}：它不是有效的 xlsx 文件（{reason}）；请用 Excel 或 WPS 另存为 "
              ".xlsx 后再选择。", file=path.name, reason=type(exc).__name__),
            "teams",
        ) from None  # fmt: skip
    try:
        teams = tuple(
            TeamPlan(_text(r[0]), _text(r[1])) for r in _rows(wb, path, TEAM_SHEET, TEAM_COLUMNS)
        )
        villages: dict[str, tuple[list[str], str]] = {}
        for village, group, team in _rows(wb, path, VILLAGE_SHEET, GROUP_COLUMNS):
            name = _text(village)
            if not name:
                raise NewProjectRejected(
                    _("{file} 的“村组”表有一行村名是空的；请在每一行填写村名。", file=path.name),
                    "teams",
                )
            groups = villages.setdefault(name, ([], _text(team)))[0]
            if _text(group):
                groups.append(_text(group))
    finally:
        wb.close()
    return teams, tuple(
        VillagePlan(name, tuple(groups), team) for name, (groups, team) in villages.items()
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(wb: Any, path: Path, sheet: str, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    if sheet not in wb.sheetnames:
        raise NewProjectRejected(
            _("{file} 里没有名为“{sheet}”的工作表；请按模板准备文件（工作表：工作组、村组）。",
              file=path.name, sheet=sheet),
            "teams",
        )  # fmt: skip
    rows = wb[sheet].iter_rows(values_only=True, max_row=_MAX_ROWS + _HEADER_SEARCH)
    index: list[int] | None = None
    out: list[tuple[Any, ...]] = []
    for n, row in enumerate(rows):
        cells = [_text(c) for c in row]
        if index is None:
            if all(c in cells for c in columns[:2]):
                index = [cells.index(c) if c in cells else -1 for c in columns]
            elif n >= _HEADER_SEARCH:
                break
            continue
        picked = tuple(row[i] if 0 <= i < len(row) else None for i in index)
        if any(_text(c) for c in picked):
            out.append(picked)
    if index is None:
        raise NewProjectRejected(
            _("“{sheet}”工作表前 {n} 行里找不到表头（{columns}）；请按模板填写表头。",
              sheet=sheet, n=_HEADER_SEARCH, columns="、".join(columns)),
            "teams",
        )  # fmt: skip
    return out
