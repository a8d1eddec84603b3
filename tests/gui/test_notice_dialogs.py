"""The notice menu driven as a clerk would, on a copy of the demo: post a round, preview and
print it, reprint, verify codes, attach a photo of the posted sheet, record and decide
objections."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
import sqlite3
import subprocess
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtPrintSupport import QPrinter

from .typing import type_text

pytestmark = pytest.mark.gui

VILLAGE = "吴湾村"  # has a compensation round 1 (posted in October) in the demo


def pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.M).group(1))  # type: ignore[union-attr]


@dataclass
class Shown:
    """What the replaced message boxes and preview were given."""

    infos: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    previews: list[dict[str, Any]] = field(default_factory=list)
    print_copies: int = 0  # the fake preview "prints" this many copies (0: it does not print)


@pytest.fixture
def db_file(tmp_path: Path, demo_db_path: Path) -> Path:
    target = tmp_path / "w.sqlite"
    shutil.copy(demo_db_path, target)
    return target


@pytest.fixture
def shown(monkeypatch, tmp_path: Path) -> Shown:
    from relocation_desk.gui import dialogs
    from relocation_desk.gui.printing import preview as pdf_preview

    seen = Shown()
    monkeypatch.setattr(dialogs, "show_info", lambda parent, title, text: seen.infos.append(text))
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, text: seen.errors.append(text))

    def preview(parent, path: Path, title: str, on_printed=None, *, on_saved=None) -> None:
        # The real preview window on the real file, printed to a PDF "printer".
        dialog = pdf_preview.PdfPreviewDialog(parent, path, title, on_printed=on_printed)
        record: dict[str, Any] = {
            "title": title,
            "name": path.name,
            "pages": pdf_pages(path),
            "shown_pages": dialog.page_count,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "size": subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)
            .stdout.split("Page size:")[1]
            .splitlines()[0],
        }
        if seen.print_copies:
            out = tmp_path / f"printed-{len(seen.previews)}.pdf"
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(out))
            printer.setResolution(72)  # the test counts pages; sharpness does not matter
            printer.setCopyCount(seen.print_copies)
            dialog.print_to(printer)
            record["printed_pages"] = pdf_pages(out)
        dialog.close_document()
        dialog.deleteLater()
        seen.previews.append(record)

    monkeypatch.setattr(pdf_preview, "show_pdf_preview", preview)
    return seen


@pytest.fixture
def window(qtbot, db_file: Path):
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.services.households.service import operators
    from relocation_desk.storage.db import open_database

    make_app()
    db = open_database(db_file)
    clerk = next(o for o in operators(db) if o.role == "member")
    w = MainWindow(db, clerk)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _select_household(window, code: str) -> None:
    model = window.table.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == code)
    window.table.setCurrentIndex(model.index(row, 0))


def _post(window, qtbot, *, village: str = VILLAGE, paper: str = "A3"):  # type: ignore[no-untyped-def]
    from relocation_desk.domain.status import NoticeKind

    window.notice_feature.post_action.trigger()
    dialog = window.notice_feature.post_dialog
    dialog.village.setCurrentIndex(dialog.village.findText(village))
    dialog.kind.setCurrentIndex(dialog.kind.findData(NoticeKind.COMPENSATION.value))
    dialog.paper.setCurrentIndex(dialog.paper.findData(paper))
    assert "户" in dialog.summary.text()
    qtbot.mouseClick(dialog.post_button, Qt.MouseButton.LeftButton)
    return dialog.result_view


def test_post_a_round_preview_print_and_reprint(window, qtbot, shown: Shown, db_file) -> None:
    shown.print_copies = 2
    view = _post(window, qtbot, paper="A4")
    assert view is not None and not view.reprint
    assert not shown.errors
    assert f"已发布{VILLAGE}第 2 轮补偿结果公示" in shown.infos[-1]
    assert view.verification_code in shown.infos[-1]
    with sqlite3.connect(db_file) as conn:
        stored = conn.execute(
            "SELECT r.round_no, r.print_count, (SELECT count(*) FROM notice_row WHERE round_id = r.id)"
            " FROM notice_round r JOIN village v ON v.id = r.village_id"
            " WHERE v.name = ? AND r.verification_code = ?",
            (VILLAGE, view.verification_code),
        ).fetchone()
        logged = conn.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'print' AND entity_id = ?",
            (str(view.id),),
        ).fetchone()[0]
    assert stored is not None and stored[0] == 2 and stored[2] == len(view.rows)
    # The preview showed the round's PDF, every page, on A4; printing it sent 2 copies.
    (shown_pdf,) = shown.previews
    assert shown_pdf["pages"] == shown_pdf["shown_pages"] >= 2
    assert "A4" in shown_pdf["size"]
    assert shown_pdf["name"] == f"{VILLAGE}-补偿结果公示-第2轮.pdf"
    assert shown_pdf["printed_pages"] == 2 * shown_pdf["pages"]
    assert stored[1] == 2 and logged == 1

    # Nothing changed since: the same round again, said so, no round 3.
    shown.print_copies = 0
    again = _post(window, qtbot, paper="A4")
    assert again.reprint and again.id == view.id
    assert "重印第 2 轮" in shown.infos[-1] and view.verification_code in shown.infos[-1]
    assert shown.previews[-1]["sha256"] == shown_pdf["sha256"]  # the reprint is identical
    with sqlite3.connect(db_file) as conn:
        rounds = conn.execute(
            "SELECT max(round_no) FROM notice_round r JOIN village v ON v.id = r.village_id"
            " WHERE v.name = ?",
            (VILLAGE,),
        ).fetchone()[0]
    assert rounds == 2


def test_posting_nothing_says_why(window, qtbot, shown: Shown, db_file) -> None:
    from relocation_desk.domain.status import NoticeKind

    # One group whose households are all calculated but not yet checked.
    with sqlite3.connect(db_file) as conn:
        village, group, group_id = conn.execute(
            "SELECT v.name, g.name, g.id FROM village_group g JOIN village v ON v.id = g.village_id"
            " WHERE v.name = ? ORDER BY g.name LIMIT 1",
            (VILLAGE,),
        ).fetchone()
        n = conn.execute(
            "UPDATE household SET status = 'calculated' WHERE group_id = ?", (group_id,)
        ).rowcount
    window.notice_feature.post_action.trigger()
    dialog = window.notice_feature.post_dialog
    dialog.village.setCurrentIndex(dialog.village.findText(village))
    dialog.group.setCurrentIndex(dialog.group.findText(group))
    dialog.kind.setCurrentIndex(dialog.kind.findData(NoticeKind.COMPENSATION.value))
    assert f"共 {n} 户，已到这一阶段的 0 户" in dialog.summary.text()
    assert f"已核算 {n} 户" in dialog.summary.text()
    qtbot.mouseClick(dialog.post_button, Qt.MouseButton.LeftButton)
    (error,) = shown.errors
    assert "没有可以公示的户" in error and f"已核算 {n} 户" in error
    assert "补偿结果公示只列入核算已经复核的户" in error
    assert dialog.result_view is None and not shown.previews
    assert dialog.isVisible()  # the clerk can change the choice


def _edit_area(window, household_id: uuid.UUID, add_m2: str) -> None:
    from relocation_desk.services.households.service import HouseholdService

    service = HouseholdService(window.db, window.operator)
    form = service.load(household_id)
    first = form.structures[0]
    area = Decimal(first.legal_area or "0") + Decimal(add_m2)
    form.structures[0] = dataclasses.replace(first, legal_area=str(area))
    service.save(form, confirmed=True)


def test_verify_dialog(window, qtbot, shown: Shown) -> None:
    from relocation_desk.gui.notices import verify as notice_verify

    view = _post(window, qtbot)
    window.notice_feature.verify_action.trigger()
    dialog = window.notice_feature.verify_dialog
    code = view.verification_code

    type_text(qtbot, dialog.code, code.lower().replace("-", " "))
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.status.text().startswith("一致")
    assert notice_verify.GOOD in dialog.status.styleSheet()
    assert dialog.table.isHidden()

    # A household on the round is re-measured: 10 ㎡ more legal area.
    listed = next(r for r in view.rows if r.change_mark != "removed")
    _edit_area(window, listed.household_id, "10")
    dialog.code.setText(f"RDN:{code}")  # what the QR code holds, as a scanner types it
    qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    assert "1 户的当前数据与公示不同" in dialog.status.text()
    assert notice_verify.WARN in dialog.status.styleSheet()
    assert not dialog.table.isHidden()
    rows = [
        [dialog.table.item(r, c).text() for c in range(5)] for r in range(dialog.table.rowCount())
    ]
    assert {r[0] for r in rows} == {listed.data["code"]}
    area = next(r for r in rows if r[2] == "合法面积")
    posted = Decimal(area[3].replace(",", ""))
    assert Decimal(area[4].replace(",", "")) == posted + 10

    dialog.code.setText("ABCD-EFGH-JKMN-PQRS")
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert "不存在" in dialog.status.text() and notice_verify.BAD in dialog.status.styleSheet()
    assert dialog.table.isHidden()
    dialog.code.setText("公示")
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert "不是验证码" in dialog.status.text()


def _png(path: Path) -> Path:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366aa"))
    assert image.save(str(path))
    return path


def test_attach_a_photo_of_the_posted_sheet(
    window, qtbot, shown: Shown, monkeypatch, tmp_path
) -> None:
    from relocation_desk.gui.notices import common as notice_common

    view = _post(window, qtbot)
    photo = _png(tmp_path / "posted.png")
    monkeypatch.setattr(
        notice_common,
        "ask_notice_photo",
        lambda parent, start, today: notice_common.PhotoAnswer(photo, view.posted_from),
    )
    window.notice_feature.rounds_action.trigger()
    dialog = window.notice_feature.rounds_dialog
    dialog.village.setCurrentIndex(dialog.village.findText(VILLAGE))
    assert [r.round_no for r in dialog.rounds] == [2, 1]
    assert dialog.selected().id == view.id
    assert dialog.table.item(0, 8).text() == "0"
    qtbot.mouseClick(dialog.photo_button, Qt.MouseButton.LeftButton)
    assert not shown.errors
    assert dialog.table.item(0, 8).text() == "1"
    assert dialog.photos.count() == 1
    item = dialog.photos.item(0)
    assert view.posted_from.isoformat() in item.text() and "posted.png" in item.text()
    stored = Path(item.data(Qt.ItemDataRole.UserRole))
    assert stored.read_bytes() == photo.read_bytes()

    # A photo "taken" before the notice was posted is refused with the reason.
    monkeypatch.setattr(
        notice_common,
        "ask_notice_photo",
        lambda parent, start, today: notice_common.PhotoAnswer(photo, date(2020, 1, 1)),
    )
    qtbot.mouseClick(dialog.photo_button, Qt.MouseButton.LeftButton)
    assert shown.errors and "早于公示开始日期" in shown.errors[-1]

    # Reprinting from the list shows the same round's sheet.
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    assert shown.previews[-1]["name"] == shown.previews[0]["name"]
    assert shown.previews[-1]["sha256"] == shown.previews[0]["sha256"]  # byte for byte


def test_record_and_decide_objections(
    window, qtbot, shown: Shown, monkeypatch, tmp_path, db_file
) -> None:
    from relocation_desk.gui.notices import common as notice_common
    from relocation_desk.services.notices.service import NoticeService

    view = _post(window, qtbot)
    first, second = [r for r in view.rows if r.change_mark != "removed"][:2]
    scan = _png(tmp_path / "deed.png")
    monkeypatch.setattr(notice_common, "ask_attachment_files", lambda parent: [scan])

    def record(row, subject_text: str, text: str):  # type: ignore[no-untyped-def]
        _select_household(window, row.data["code"])
        window.notice_feature.record_action.trigger()
        dialog = window.notice_feature.record_dialog
        assert dialog.selected_round().id == view.id  # the newest round the household is on
        assert "在异议受理期内" in dialog.deadline.text()
        dialog.subject.setCurrentText(subject_text)
        type_text(qtbot, dialog.text, text)
        qtbot.mouseClick(dialog.add_files_button, Qt.MouseButton.LeftButton)
        assert dialog.file_list.count() == 1
        dialog.buttons.accepted.emit()
        assert not shown.errors, shown.errors
        return dialog.result_view

    o1 = record(first, "合法面积", "东厢房少量了 12 平方米")
    o2 = record(second, "附属物", "水井没有计入")
    with sqlite3.connect(db_file) as conn:
        rows = conn.execute(
            "SELECT o.subject, o.text, o.status, o.deadline,"
            " (SELECT count(*) FROM stored_file f WHERE f.objection_id = o.id)"
            " FROM objection o WHERE o.id IN (?, ?) ORDER BY o.subject",
            (o1.id.hex, o2.id.hex),
        ).fetchall()
    reply_by = (o1.received_on + timedelta(days=15)).isoformat()  # 15 days to answer
    assert rows == [
        ("合法面积", "东厢房少量了 12 平方米", "open", reply_by, 1),
        ("附属物", "水井没有计入", "open", reply_by, 1),
    ]

    # Against the October round the period is over: a team member cannot register it.
    _select_household(window, first.data["code"])
    window.notice_feature.record_action.trigger()
    late = window.notice_feature.record_dialog
    late.round.setCurrentIndex(late.round.count() - 1)
    assert "已过异议受理期" in late.deadline.text()
    late.subject.setCurrentText("合法面积")
    type_text(qtbot, late.text, "逾期")
    late.buttons.accepted.emit()
    assert shown.errors and "截止" in shown.errors[-1]
    shown.errors.clear()
    late.reject()

    # The village's open objections, then the decisions.
    window.notice_feature.objections_action.trigger()
    dialog = window.notice_feature.objections_dialog
    dialog.village.setCurrentIndex(dialog.village.findText(VILLAGE))
    listed = {o.id for o in dialog.objections}
    assert {o1.id, o2.id} <= listed
    assert all(o.status == "open" for o in dialog.objections)
    assert "待处理" in dialog.count.text()

    def choose(objection_id: uuid.UUID) -> None:
        row = next(i for i, o in enumerate(dialog.objections) if o.id == objection_id)
        dialog.table.selectRow(row)
        assert dialog.files.count() == 1  # the scan handed in

    answers = iter(["", "经现场复核，水井已计入附属物第 3 项"])
    monkeypatch.setattr(notice_common, "ask_decision_reason", lambda p, up, s: next(answers))
    choose(o1.id)
    qtbot.mouseClick(dialog.uphold_button, Qt.MouseButton.LeftButton)
    assert "重新核算" in shown.infos[-1]
    choose(o2.id)
    qtbot.mouseClick(dialog.reject_button, Qt.MouseButton.LeftButton)
    assert not shown.errors
    assert {o1.id, o2.id}.isdisjoint({o.id for o in dialog.objections})  # no longer open
    dialog.show_decided.setChecked(True)
    decided = {o.id: o for o in dialog.objections}
    assert decided[o1.id].status == "upheld" and decided[o2.id].status == "rejected"
    assert decided[o2.id].outcome_reason == "经现场复核，水井已计入附属物第 3 项"
    assert NoticeService(window.db, None).needs_renotice(first.household_id)

    # Rejecting needs a reason: the service's message is shown.
    o3 = NoticeService(window.db, window.operator).record_objection(
        second.household_id, view.id, "合计", "金额不对", view.posted_from
    )
    dialog.show_decided.setChecked(False)
    row = next(i for i, o in enumerate(dialog.objections) if o.id == o3.id)
    dialog.table.selectRow(row)
    monkeypatch.setattr(notice_common, "ask_decision_reason", lambda p, up, s: "  ")
    qtbot.mouseClick(dialog.reject_button, Qt.MouseButton.LeftButton)
    assert shown.errors and "驳回异议必须写明理由" in shown.errors[-1]


def test_overdue_objections_stand_out() -> None:
    from relocation_desk.gui.notices.objections import OVERDUE, status_text
    from relocation_desk.services.notices.service import ObjectionView

    o = ObjectionView(
        id=uuid.uuid4(), household_id=uuid.uuid4(), household_code="T01-0001", head_name="王",
        round_id=None, subject="面积", text="x", received_on=date(2026, 1, 2),
        deadline=date(2026, 1, 10), status="open", outcome_reason="",
    )  # fmt: skip
    assert status_text(o, date(2026, 1, 13)) == ("待处理，已超过答复期限 3 天", OVERDUE)
    text, colour = status_text(o, date(2026, 1, 8))
    assert text == "待处理，距答复期限还剩 2 天" and colour is None


def test_dialogs_start_at_the_register_filters_village(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The village chosen in the register's filter is the one the notice dialogs open on,
    also when its id arrives as an equal but different UUID object."""
    import uuid

    from relocation_desk.gui.notices.common import index_of

    villages = window.filters.village
    last = villages.count() - 1
    villages.setCurrentIndex(last)
    name = villages.itemText(last)
    window.notice_feature.post_action.trigger()
    dialog = window.notice_feature.post_dialog
    assert dialog.village.currentText() == name
    same = uuid.UUID(str(villages.itemData(last)))
    assert index_of(dialog.village, same) == dialog.village.currentIndex() >= 0
    dialog.close()
