"""Problems of a household form in words a clerk reads, and the list at the foot of the editor.

A problem's ``path`` ("persons.2.id_number") names the field; this module turns it into
"第3位成员（张三） 身份证号码" and keeps the problems of the last save attempt that only the
database could find (an ID number used in another household) until their field changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from ...domain.household_form import HouseholdForm, Problem, Severity
from ...i18n import _

SECTIONS = ("persons", "structures", "attachments")

_ICON_COLOURS = {
    Severity.ERROR: "#d93025",
    Severity.CONFIRM: "#e38b00",
    Severity.WARNING: "#c9a100",
}
_icons: dict[Severity, QIcon] = {}


def severity_icon(severity: Severity) -> QIcon:
    """A small filled circle in the severity's colour (made once)."""
    if severity not in _icons:
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor(_ICON_COLOURS[severity]))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        _icons[severity] = QIcon(pixmap)
    return _icons[severity]


def severity_label(severity: Severity) -> str:
    return {
        Severity.ERROR: _("错误"),
        Severity.CONFIRM: _("需确认"),
        Severity.WARNING: _("提示"),
    }[severity]


def field_labels() -> dict[str, str]:
    """Field name → label, for the fields problems can name."""
    return {
        "code": _("户编号"),
        "team_id": _("工作组"),
        "village_id": _("村"),
        "group_id": _("村民小组"),
        "responsible_id": _("责任人"),
        "address": _("地址"),
        "special_situation": _("特殊情况"),
        "remarks": _("备注"),
        "compensation_method": _("补偿方式"),
        "bank_name": _("开户行"),
        "bank_account": _("账号"),
        "account_holder": _("户名"),
        "persons": _("家庭成员"),
        "structures": _("房屋"),
        "attachments": _("附属物"),
        "name": _("姓名"),
        "id_number": _("身份证号码"),
        "relation": _("与户主关系"),
        "phone": _("电话"),
        "is_cadre": _("干部"),
        "is_cadre_relative": _("干部亲属"),
        "cadre_note": _("干部职务/亲属关系"),
        "is_dibao": _("低保"),
        "is_disabled": _("残疾"),
        "special_note": _("说明"),
        "label": _("名称"),
        "structure_type": _("结构"),
        "legal_area": _("合法面积"),
        "unlicensed_area": _("无证面积"),
        "floors": _("层数"),
        "build_year": _("建造年份"),
        "decoration": _("装修"),
        "item_code": _("项目"),
        "quantity": _("数量"),
        "unit": _("单位"),
    }


def split_path(path: str) -> tuple[str, int | None, str]:
    """ "persons.2.id_number" → ("persons", 2, "id_number"); "village_id" → ("village_id", None, "")."""
    parts = path.split(".")
    if len(parts) >= 2 and parts[0] in SECTIONS and parts[1].isdigit():
        return parts[0], int(parts[1]), ".".join(parts[2:])
    return parts[0], None, ".".join(parts[1:])


def where(path: str, form: HouseholdForm) -> str:
    """ "第3位成员（张三） 身份证号码" — where a problem is, as the clerk sees the form."""
    section, row, field = split_path(path)
    labels = field_labels()
    if row is None:
        return labels.get(section, section)
    if section == "persons":
        name = form.persons[row].name.strip() if row < len(form.persons) else ""
        place = (
            _("第{n}位成员（{name}）", n=row + 1, name=name)
            if name
            else _("第{n}位成员", n=row + 1)
        )
    elif section == "structures":
        label = form.structures[row].label.strip() if row < len(form.structures) else ""
        place = (
            _("第{n}处房屋（{label}）", n=row + 1, label=label)
            if label
            else _("第{n}处房屋", n=row + 1)
        )
    else:
        item = form.attachments[row].name.strip() if row < len(form.attachments) else ""
        place = (
            _("第{n}项附属物（{name}）", n=row + 1, name=item)
            if item
            else _("第{n}项附属物", n=row + 1)
        )
    return f"{place} {labels.get(field, field)}" if field else place


def describe(problem: Problem, form: HouseholdForm) -> str:
    """ "第3位成员（张三） 电话：…"; the field's name is left out when the message says it
    ("第3位成员（张三）：身份证号码校验位错误…")."""
    section, row, field = split_path(problem.path)
    label = field_labels().get(field or section, "")
    place = where(problem.path, form)
    if label and label in problem.message:
        place = where(f"{section}.{row}", form) if row is not None else ""
    if not place:
        return problem.message
    return _("{where}：{message}", where=place, message=problem.message)


def value_at(form: HouseholdForm, path: str) -> Any:
    """The value a problem's path names (None if the path does not fit the form)."""
    section, row, field = split_path(path)
    obj: Any = form
    if row is not None:
        rows = getattr(form, section, [])
        if row >= len(rows):
            return None
        obj = rows[row]
        if not field:
            return obj
    else:
        field = section
    return getattr(obj, field, None)


class KeptProblems:
    """Problems only the database can find, kept from a save attempt while their field is as it
    was then (live validation runs the pure checks only)."""

    def __init__(self) -> None:
        self._kept: list[tuple[Problem, Any]] = []

    def keep(
        self, problems: Iterable[Problem], form: HouseholdForm, live: Sequence[Problem]
    ) -> None:
        known = set(live)
        self._kept = [(p, value_at(form, p.path)) for p in problems if p not in known]

    def clear(self) -> None:
        self._kept = []

    def current(self, form: HouseholdForm) -> list[Problem]:
        self._kept = [(p, v) for p, v in self._kept if value_at(form, p.path) == v]
        return [p for p, _v in self._kept]


_PROBLEM_ROLE = Qt.ItemDataRole.UserRole


class ProblemsList(QListWidget):
    """Every problem of the form, errors first; activating one emits ``chosen(path)``."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemsList")
        self.setIconSize(QSize(12, 12))
        self.setUniformItemSizes(True)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.itemActivated.connect(self._emit)
        self.itemClicked.connect(self._emit)
        self._shown: list[tuple[str, str, str]] = []

    def show_problems(self, problems: Sequence[Problem], form: HouseholdForm) -> None:
        ordered = sorted(
            problems, key=lambda p: SEVERITY_ORDER[p.severity]
        )  # stable: field order kept
        shown = [(p.path, p.severity.value, describe(p, form)) for p in ordered]
        if shown == self._shown:
            return
        self._shown = shown
        self.clear()
        for path, severity, text in shown:
            item = QListWidgetItem(severity_icon(Severity(severity)), text)
            item.setData(_PROBLEM_ROLE, path)
            item.setToolTip(text)
            self.addItem(item)

    def path_at(self, row: int) -> str:
        return self._shown[row][0]

    def texts(self) -> list[str]:
        return [text for _path, _severity, text in self._shown]

    def _emit(self, item: QListWidgetItem) -> None:
        self.chosen.emit(item.data(_PROBLEM_ROLE))


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.CONFIRM: 1, Severity.WARNING: 2}
Mark = tuple[Severity, str]


@dataclass
class Placed:
    """Problems sorted by where they show: table cells, fields (and whole lists), pages."""

    cells: dict[str, dict[tuple[int, str], Mark]] = field(
        default_factory=lambda: {s: {} for s in SECTIONS}
    )
    fields: dict[str, Mark] = field(default_factory=dict)
    pages: dict[str, Severity] = field(default_factory=dict)  # "basic" or a section


def place(problems: Iterable[Problem]) -> Placed:
    """The worst problem of each place gives its colour; the messages are joined."""
    out = Placed()
    for p in problems:
        section, row, name = split_path(p.path)
        if section in SECTIONS and row is not None:
            _merge(out.cells[section], (row, name), p)
        else:
            _merge(out.fields, section, p)
        page = section if section in SECTIONS else "basic"
        worst = out.pages.get(page)
        if worst is None or SEVERITY_ORDER[p.severity] < SEVERITY_ORDER[worst]:
            out.pages[page] = p.severity
    return out


def _merge(into: dict[Any, Mark], key: Any, p: Problem) -> None:
    old = into.get(key)
    if old is None:
        into[key] = (p.severity, p.message)
        return
    worse = p.severity if SEVERITY_ORDER[p.severity] < SEVERITY_ORDER[old[0]] else old[0]
    into[key] = (worse, f"{old[1]}\n{p.message}")
