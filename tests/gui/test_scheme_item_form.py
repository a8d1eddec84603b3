"""The item form of the scheme editor, driven as a clerk would: pickers and fields per kind,
conditions added from pickers, percents that cannot be misread, and the line previewed live
on a sample household (the county example's items before the one edited)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from .typing import press_key, type_text

pytestmark = pytest.mark.gui

COUNTY = (
    Path(__file__).resolve().parents[2] / "resources" / "schemes" / "county-scheme-example.json"
)


@pytest.fixture
def form_parts(monkeypatch: pytest.MonkeyPatch):
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.schemes import item_preview
    from relocation_desk.services.schemes.content import ItemRow

    make_app()
    monkeypatch.setattr(item_preview, "preview_day", lambda: date(2026, 3, 10))
    data = json.loads(COUNTY.read_text(encoding="utf-8"))
    rows = [ItemRow(**it) for it in data["items"]]
    for row in rows:
        row.params = dict(row.params)
    scheme = {k: data[k] for k in ("name", "version_no", "effective_date", "params")}
    return rows, scheme


@pytest.fixture
def confirms(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    from relocation_desk.gui import dialogs

    seen: list[tuple[str, str]] = []

    def refuse(parent, title, text) -> bool:
        seen.append((title, text))
        return False

    monkeypatch.setattr(dialogs, "ask_confirm", refuse)
    monkeypatch.setattr(
        dialogs, "show_error", lambda parent, title, text: seen.append((title, text))
    )
    return seen


def _form(qtbot, row, earlier, scheme):
    from relocation_desk.gui.schemes.item_form import ItemForm

    form = ItemForm(row, earlier, scheme)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    return form


def _choose(box, code) -> None:
    box.setCurrentIndex(box.findData(code))


def test_a_percent_item_with_a_condition_previewed_live(qtbot, form_parts, confirms) -> None:
    from relocation_desk.services.schemes.content import ItemRow

    rows, scheme = form_parts
    earlier = rows[:9]  # the house, decoration … signing-bonus items
    form = _form(qtbot, ItemRow("", "", "个", 0, "per_item", "attachment", {}), earlier, scheme)
    type_text(qtbot, form.code, "VAC")
    type_text(qtbot, form.name, "按期腾房奖励")
    form.unit.clear()
    type_text(qtbot, form.unit, "%")
    _choose(form.kind, "percent")
    _choose(form.category, "bonus")
    pages = form.pages
    assert pages.percent.isVisible() and not pages.rate.isVisible()  # only what the kind takes
    type_text(qtbot, pages.percent, "0.05")
    basis = pages.basis
    house = next(i for i in range(basis.count()) if basis.item(i).text() == "类别：房屋补偿")
    basis.item(house).setCheckState(Qt.CheckState.Checked)
    # The sample household (100 ㎡ legal, 20 ㎡ unlicensed brick-concrete): 0.05 % shows as such.
    assert "× 0.05% =" in form.preview.text()
    # A milestone counted from the scheme's named date, from the pickers.
    conditions = form.conditions
    _choose(conditions.kind, "milestone")
    _choose(conditions.milestone, "vacated")
    type_text(qtbot, conditions.by, "签约期开始 + 20")
    qtbot.mouseClick(conditions.add_button, Qt.MouseButton.LeftButton)
    assert conditions.list.item(0).text() == "腾房日期不晚于 2026-03-21（签约期开始 + 20 天）"
    assert "适用条件：计算日期（尚未腾房） 2026-03-10 不晚于 2026-03-21" in form.preview.text()
    # 0.05 is asked about; refused, the form stays open.
    qtbot.mouseClick(form.buttons.button(form.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert confirms and "0.05 %" in confirms[-1][1] and form.isVisible()
    pages.percent.clear()
    type_text(qtbot, pages.percent, "5")
    # 100 ㎡ × 1,234.56 + 20 ㎡ × 493.82 = 133,332.40; × 5 % = 6,666.62
    assert "133,332.40元 × 5% = 6,666.62元" in form.preview.text()
    qtbot.mouseClick(form.buttons.button(form.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    row = form.result_row
    assert (row.code, row.kind, row.category, row.unit) == ("VAC", "percent", "bonus", "%")
    assert row.params["percent"] == "5"
    assert row.params["basis"] == {"categories": ["house"], "codes": []}
    assert row.params["when"] == [
        {"milestone": "vacated", "by": {"date": "签约期开始", "days": 20}}
    ]
    assert "methods" not in row.params  # every method: the default, shown as all ticked


def test_a_derived_rate_and_a_swap_without_price(qtbot, form_parts, confirms) -> None:
    from relocation_desk.services.schemes.content import ItemRow

    rows, scheme = form_parts
    form = _form(
        qtbot,
        ItemRow(
            "H-X",
            "砖混无证",
            "㎡",
            0,
            "per_area",
            "house",
            {"legality": "unlicensed", "structure_type": "brick_concrete"},
        ),
        rows[:2],
        scheme,
    )
    pages = form.pages
    qtbot.keyClick(pages.derived, Qt.Key.Key_Space)  # tick it from the keyboard
    assert pages.derived_item.isVisible() and not pages.rate.isVisible()
    _choose(pages.derived_item, "H-BC-L")
    type_text(qtbot, pages.derived_percent, "40")
    assert "20.00㎡ × 493.82元/㎡ = 9,876.40元" in form.preview.text()
    assert "四舍五入到分为 493.82元/㎡" in form.preview.text()
    _choose(pages.derived_rounding, "exact")
    assert "493.824元/㎡" in form.preview.text() and "9,876.48元" in form.preview.text()
    qtbot.mouseClick(form.buttons.button(form.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert form.result_row.params["rate_of"] == {"code": "H-BC-L", "percent": "40"}
    assert form.result_row.params["rate_rounding"] == "exact"

    swap = _form(
        qtbot, ItemRow("SW", "产权调换", "㎡", 0, "per_item", "resettlement", {}), rows[:2], scheme
    )
    _choose(swap.kind, "resettlement")
    assert not swap.methods["money"].isChecked()
    _choose(swap.pages.entitled, "legal_area")
    assert not swap.pages.area_per_person.isVisible()
    _choose(swap.sample.method, "swap")
    assert "应安置面积 按合法面积 100.00㎡ 等面积调换；不计价款" in swap.preview.text()
    qtbot.mouseClick(swap.buttons.button(swap.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert swap.result_row.params == {"entitled": "legal_area", "methods": ["swap", "mixed"]}
    assert swap.result_row.rate_fen == 0


def test_reward_windows_from_named_dates(qtbot, form_parts, confirms) -> None:

    rows, scheme = form_parts
    sign = next(r for r in rows if r.code == "SIGN")
    form = _form(qtbot, sign, rows[:8], scheme)
    pages = form.pages
    assert [pages.windows.item(0, c).text() for c in range(3)] == [
        "签约期开始",
        "签约期开始 + 15",
        "20000.00",
    ]
    assert "2026-03-10 在奖励期 2026-03-01 至 2026-03-16 内" in form.preview.text()
    pages.windows.item(0, 1).setText("下月")
    assert "第1个奖励期限的日期" in form.preview.text()
    pages.windows.item(0, 1).setText("签约期开始 + 5")
    assert "2026-03-10 不在奖励期" in form.preview.text()


def test_a_guarantee_must_choose_its_basis_and_villages_are_ticked(
    qtbot, form_parts, confirms
) -> None:
    from relocation_desk.gui.schemes.item_form import ItemForm
    from relocation_desk.services.schemes.content import ItemRow

    rows, scheme = form_parts
    row = ItemRow("FLOOR2", "最低保障", "户", 0, "minimum_guarantee", "guarantee", {})
    form = ItemForm(row, rows[:4], scheme, villages=["王庄村", "张庄村", "李庄村"])
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    pages = form.pages
    # No default: the basis is asked for, and the form says so.
    assert pages.per.currentData() == "" and pages.per.currentText().startswith("（请选择")
    assert "请选择按户还是按家庭人口" in form.preview.text()
    ok = form.buttons.button(form.buttons.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert "最低保障没有默认值" in confirms.pop()[1] and form.isVisible()
    _choose(pages.per, "household")
    pages.rate.clear()
    type_text(qtbot, pages.rate, "200000")
    # A village condition: the project's villages are ticked, not typed.
    conditions = form.conditions
    _choose(conditions.kind, "village")
    qtbot.mouseClick(conditions.add_button, Qt.MouseButton.LeftButton)
    assert conditions.note.text() == "请勾选至少一个村" and conditions.list.count() == 0
    villages = conditions.villages
    assert [villages.item(i).text() for i in range(villages.count())] == [
        "王庄村", "张庄村", "李庄村"
    ]  # fmt: skip
    villages.setFocus()
    for at in (0, 2):
        villages.setCurrentRow(at)
        press_key(villages, Qt.Key.Key_Space)
    qtbot.mouseClick(conditions.add_button, Qt.MouseButton.LeftButton)
    assert conditions.list.count() == 1
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert not form.isVisible()
    assert form.result_row.params["per"] == "household"
    assert form.result_row.params["when"] == [{"village": ["王庄村", "李庄村"]}]
