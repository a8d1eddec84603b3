"""What the role may not do is greyed out, with a tooltip that says why; what a member may
not see of another team's households is masked in the editor. The services refuse as well
(tests/services/test_permission_matrix.py): here only what the user sees."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui


@pytest.fixture
def db_file(tmp_path: Path, demo_db_path: Path) -> Path:
    target = tmp_path / "p.sqlite"
    shutil.copy(demo_db_path, target)
    return target


def _window(qtbot, db_file: Path, role: str):
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.storage.db import open_database
    from tests.operators import operator_with_role

    make_app()
    db = open_database(db_file)
    w = MainWindow(db, operator_with_role(db, role))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _households(db_file: Path, team_id: uuid.UUID | None) -> tuple[uuid.UUID, uuid.UUID]:
    """A household with a head ID number of ``team_id``'s team, and one of another team."""
    key = team_id.hex if team_id else ""
    with sqlite3.connect(db_file) as conn:
        own, other = (
            conn.execute(
                f"SELECT id FROM household WHERE team_id {op} ? AND head_id_number != '' "
                "ORDER BY code LIMIT 1",
                (key,),
            ).fetchone()[0]
            for op in ("=", "!=")
        )
    return uuid.UUID(hex=own), uuid.UUID(hex=other)


def test_member_menus_grey_out_hq_work_with_the_reason(qtbot, db_file: Path) -> None:
    w = _window(qtbot, db_file, "member")
    assert w.new_action.isEnabled()  # own team's households
    export = w.export_ledger_action
    assert not export.isEnabled() and "导出完整台账" in export.toolTip()
    assert "指挥部" in export.toolTip()
    assert not w.import_ledger_action.isEnabled()
    assert w.calc_feature.recompute_action.isEnabled()  # their own team's households
    assert w.menus["file"].toolTipsVisible()
    assert w.menus["calc"].toolTipsVisible()


def _add_auditor(db_file: Path) -> None:
    from sqlalchemy import select

    from relocation_desk.storage import models as m
    from relocation_desk.storage.db import open_database

    with open_database(db_file) as db, db.session() as s, s.begin():
        project = s.scalar(select(m.Project.id))
        s.add(m.Operator(project_id=project, login="shenji", name="审计员", role="auditor"))


def test_auditor_changes_nothing(qtbot, db_file: Path) -> None:
    _add_auditor(db_file)  # the demo has none
    w = _window(qtbot, db_file, "auditor")
    recompute = w.calc_feature.recompute_action
    for action in (w.new_action, w.export_ledger_action, w.import_ledger_action, recompute):
        assert not action.isEnabled() and "审计" in action.toolTip()
    assert "核算补偿" in recompute.toolTip()


def test_hq_has_every_project_action(qtbot, db_file: Path) -> None:
    w = _window(qtbot, db_file, "hq")
    for action in (w.new_action, w.export_ledger_action, w.import_ledger_action):
        assert action.isEnabled()


def test_member_sees_another_teams_household_masked_and_read_only(qtbot, db_file: Path) -> None:
    w = _window(qtbot, db_file, "member")
    own, other = _households(db_file, w.operator.team_id)
    with sqlite3.connect(db_file) as conn:
        full = conn.execute(
            "SELECT head_id_number FROM household WHERE id = ?", (other.hex,)
        ).fetchone()[0]
    w.open_household(other)
    editor = w.editor
    head = editor.form_from_widgets().persons[0]
    assert head.id_number != full and "********" in head.id_number
    assert head.id_number == full[:6] + "*" * 8 + full[-4:]
    assert not editor.save_button.isEnabled()
    assert "其他工作组" in editor.save_button.toolTip()
    assert not editor.photos.add_button.isEnabled()
    assert "其他工作组" in editor.status.text()
    editor.close()

    w.open_household(own)
    editor = w.editor
    assert "*" not in editor.form_from_widgets().persons[0].id_number
    assert editor.save_button.toolTip() == "保存，继续编辑（Ctrl+S）"
    editor.close()


def test_member_payments_dialog_greys_out_another_teams_payment(qtbot, db_file: Path) -> None:
    from relocation_desk.gui.payments.dialog import PaymentsDialog

    w = _window(qtbot, db_file, "member")
    own, other = _households(db_file, w.operator.team_id)
    theirs = PaymentsDialog(w.db, w.operator, other, w)
    qtbot.addWidget(theirs)
    assert not theirs.pay_button.isEnabled() and "登记支付" in theirs.pay_button.toolTip()
    mine = PaymentsDialog(w.db, w.operator, own, w)
    qtbot.addWidget(mine)
    assert mine.pay_button.isEnabled()
