"""协议 → 产权调换选房 driven through its widgets: the flat grid, the order and the draw,
recording a choice by clicking a flat, the confirmation sheet and the projector screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from relocation_desk.storage.db import Database
from relocation_desk.storage.models_resettlement import ResettlementChoice, ResettlementFlat

from ..services.resettlement_org import add_building, add_swap_household, make_swap_org

pytestmark = pytest.mark.gui


@pytest.fixture
def setup(qtbot, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch):
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.resettlement import window as win_mod

    make_app()
    org = make_swap_org(sqlite_db)
    for i in range(1, 6):
        add_swap_household(sqlite_db, org, f"T03-{i:04d}")
    add_building(sqlite_db, org)
    add_building(sqlite_db, org, "2")
    shown: list[tuple[Path, str]] = []
    errors: list[str] = []
    answers: list[str] = []
    monkeypatch.setattr(
        win_mod, "show_pdf", lambda parent, path, title: shown.append((path, title))
    )
    monkeypatch.setattr(win_mod, "ask_text", lambda parent, title, label: answers.pop(0))
    monkeypatch.setattr(win_mod.dialogs, "show_error", lambda p, t, text: errors.append(text))
    monkeypatch.setattr(win_mod.dialogs, "show_info", lambda p, t, text: None)
    w = win_mod.ResettlementWindow(sqlite_db, org.hq)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w, sqlite_db, shown, errors, answers


def _flat(db: Database, building: str, number: str):
    with db.session() as s:
        return s.scalar(
            select(ResettlementFlat.id).where(
                ResettlementFlat.building == building, ResettlementFlat.number == number
            )
        )


def _click(qtbot, w, text: str) -> None:
    from PySide6.QtWidgets import QPushButton

    button = next(b for b in w.findChildren(QPushButton) if b.text() == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_draw_choose_by_click_print_and_project(setup, qtbot) -> None:
    w, db, shown, errors, answers = setup
    assert "共 36 套，可选 36 套" in w.flats_summary.text()
    w.tabs.setCurrentIndex(1)
    answers[:] = ["12月10日现场摇出的6位数字", "731904"]
    _click(qtbot, w, "冻结摇号名单…")
    assert shown[-1][1] == "摇号名单" and "尚未摇号" in w.draw_label.text()
    _click(qtbot, w, "摇号…")
    assert w.order_model.rowCount() == 5 and "731904" in w.draw_label.text()
    first = w.order_model.rows[0]

    w.tabs.setCurrentIndex(2)
    assert first.code in w.household_label.text() and w.combos.count() > 0
    _click(qtbot, w, "登记选定所点房屋(&C)")
    assert errors[-1].startswith("请先在右侧房源图中点选")
    flat = _flat(db, "2", "0301")
    qtbot.mouseClick(w.choose_grid, Qt.MouseButton.LeftButton, pos=w.choose_grid.cell_centre(flat))
    assert w.choose_grid.selected() == flat
    _click(qtbot, w, "登记选定所点房屋(&C)")
    assert shown[-1][1] == f"选房确认单 {first.code}"
    assert shown[-1][0].read_bytes().startswith(b"%PDF")
    with db.session() as s:
        assert s.scalar(select(ResettlementChoice.flat_id)) == flat
    grid = w.flat_grid.grid()
    assert grid.statuses[grid.ids.index(flat)] == "chosen"
    assert "已选 幸福家园 2栋1单元0301" in w.household_label.text()
    assert "差价记入补充协议" in w.settlement_label.text()  # signed: one was opened

    screen = w.open_screen()
    qtbot.waitExposed(screen)
    assert first.head_name in screen.now_label.text()
    assert "剩余 30.00 ㎡" in screen.detail_label.text()
    assert screen.seconds_left() == 300
    _click(qtbot, w, "未到场，叫下一户")
    second = w.order_model.rows[1]
    assert second.head_name in screen.now_label.text()
    assert screen.seconds_left() == 300  # the countdown starts again for the next household
    qtbot.keyClick(screen, Qt.Key.Key_Escape)


def test_reserve_a_flat_from_the_grid(setup, qtbot) -> None:
    w, db, _shown, errors, _answers = setup
    flat = _flat(db, "1", "0101")
    qtbot.mouseClick(w.flat_grid, Qt.MouseButton.LeftButton, pos=w.flat_grid.cell_centre(flat))
    _click(qtbot, w, "保留/恢复可选")
    assert "可选 35 套" in w.flats_summary.text()
    _click(qtbot, w, "保留/恢复可选")
    assert "可选 36 套" in w.flats_summary.text() and not errors


def test_edit_a_flat_through_its_form(setup, qtbot, monkeypatch) -> None:
    from relocation_desk.gui.resettlement import window as win_mod
    from relocation_desk.gui.resettlement.flat_form import FlatForm

    w, db, _shown, errors, _answers = setup
    flat = _flat(db, "1", "0502")
    forms: list[FlatForm] = []

    def fill(parent, current):  # the real form, typed into and accepted
        form = FlatForm(current, parent)
        forms.append(form)
        form.area_edit.setText("abc")
        form.accept()
        assert "abc" in form.problem.text() and form.result_flat is None  # stays open
        form.area_edit.setText("91.25")
        form.coefficient_edit.setText("1.05")
        form.accept()
        return form.result_flat

    monkeypatch.setattr(win_mod, "ask_flat", fill)
    qtbot.mouseClick(w.flat_grid, Qt.MouseButton.LeftButton, pos=w.flat_grid.cell_centre(flat))
    _click(qtbot, w, "编辑房源(&E)…")
    assert not errors
    with db.session() as s:
        row = s.get(ResettlementFlat, flat)
        assert row is not None
        assert (row.built_area_dm2, row.coefficient_milli, row.unit_price_fen) == (
            9125,
            1050,
            420000,
        )


def test_hand_over_and_export_the_report(setup, qtbot, monkeypatch, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from relocation_desk.gui.resettlement import window as win_mod
    from relocation_desk.services.resettlement.choosing import ChoiceService, now_choosing

    w, db, _shown, errors, answers = setup
    infos: list[str] = []
    monkeypatch.setattr(win_mod.dialogs, "show_info", lambda p, t, text: infos.append(text))
    from relocation_desk.services.resettlement.ordering import OrderService

    OrderService(db, None).issue_signed()
    first, _next = now_choosing(db)
    assert first is not None
    flat = _flat(db, "1", "0102")  # 三室 120 ㎡ on floor 1: the whole entitlement
    ChoiceService(db, None).choose(first, flat)
    w.refresh()
    qtbot.mouseClick(w.flat_grid, Qt.MouseButton.LeftButton, pos=w.flat_grid.cell_centre(flat))
    # 0.5 ㎡ smaller: 0.5 × 1,800 less to pay, and 0.5 ㎡ of entitlement unused at 2,500
    answers[:] = ["119.5"]
    _click(qtbot, w, "交付登记…")
    assert infos[-1] == "多退少补：征收人应退付被征收人 2,150.00 元（人民币贰仟壹佰伍拾元整）", (
        errors
    )
    grid = w.flat_grid.grid()
    assert grid.statuses[grid.ids.index(flat)] == "handed_over"

    out = tmp_path / "选房.xlsx"
    monkeypatch.setattr(win_mod.dialogs, "ask_save_xlsx", lambda p, t, s: out)
    _click(qtbot, w, "导出选房报表…")
    book = load_workbook(out, read_only=True)
    assert [ws.title for ws in book.worksheets] == ["剩余房源", "每日选房", "未用完安置面积"]
    book.close()
