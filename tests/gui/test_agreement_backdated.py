"""补登以前的签约 in the agreement dialog, driven through its button on a copy of the demo
project: a reason is required, the signing is recorded with its past date and audited."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from .test_agreement_dialog import _ready_household, _status, answers, db_file

pytestmark = pytest.mark.gui
__all__ = ["answers", "db_file"]  # the fixtures this module uses


@pytest.fixture
def window(qtbot, db_file):  # type: ignore[no-untyped-def]
    """The main window signed in as HQ (指挥部), who may sign for every team."""
    import uuid

    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.services.households.service import OperatorRef
    from relocation_desk.storage.db import open_database

    with sqlite3.connect(db_file) as conn:
        oid, login, name = conn.execute(
            "SELECT id, login, name FROM operator WHERE role = 'hq' ORDER BY login LIMIT 1"
        ).fetchone()
    make_app()
    w = MainWindow(open_database(db_file), OperatorRef(uuid.UUID(oid), login, name, "hq", None))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_a_signing_before_the_desk_is_recorded_with_its_reason(
    window, qtbot, db_file, answers, monkeypatch
):  # type: ignore[no-untyped-def]
    from relocation_desk.gui.agreements import backdated

    hid = _ready_household(window)
    window._select(hid)
    window.agreements_feature.agreement_action.trigger()
    dialog = window.agreements_feature.dialog
    assert dialog is not None and dialog.backdated_button.isEnabled()
    assert not dialog.sign_button.isEnabled()  # never printed by the desk
    day = date.today() - timedelta(days=1)

    monkeypatch.setattr(backdated, "ask_backdated_signing", lambda _p, _today: (day, "村委会", " "))
    qtbot.mouseClick(dialog.backdated_button, Qt.MouseButton.LeftButton)
    assert answers["error"] and "原因" in answers["error"][-1][1]
    assert _status(db_file, hid) != "signed"

    reason = "本系统启用前已签约，按纸质协议补登"
    monkeypatch.setattr(
        backdated, "ask_backdated_signing", lambda _p, _today: (day, "村委会", reason)
    )
    qtbot.mouseClick(dialog.backdated_button, Qt.MouseButton.LeftButton)
    assert len(answers["error"]) == 1, answers["error"]
    assert day.isoformat() in answers["confirm"][-1][1] and reason in answers["confirm"][-1][1]
    assert _status(db_file, hid) == "signed"
    assert dialog.status_label.text().startswith("已签订")
    assert not dialog.backdated_button.isEnabled()
    with sqlite3.connect(db_file) as conn:
        (signed_on,) = conn.execute(
            "SELECT signed_on FROM agreement WHERE household_id = ?", (hid.hex,)
        ).fetchone()
        (after,) = conn.execute(
            "SELECT after FROM audit_log WHERE action = 'sign_backdated' AND household_id = ?",
            (hid.hex,),
        ).fetchone()
    assert signed_on == day.isoformat() and reason in after
