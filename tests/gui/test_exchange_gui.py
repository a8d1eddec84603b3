"""数据交换 through the real windows: HQ writes a join package from the menu, the laptop that
joined from it exports its package, HQ decides conflicts in 冲突处理, and the dashboard shows
how fresh each team's data is."""

from __future__ import annotations

import copy
import shutil
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from tests.gui.typing import type_text

pytestmark = pytest.mark.gui


@pytest.fixture
def hq_file(tmp_path: Path, demo_db_path: Path) -> Path:
    target = tmp_path / "hq.sqlite"
    shutil.copy(demo_db_path, target)
    return target


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    from relocation_desk.gui import dialogs

    seen: dict[str, list[str]] = {"error": [], "info": []}
    monkeypatch.setattr(dialogs, "show_error", lambda _p, _t, text: seen["error"].append(text))
    monkeypatch.setattr(dialogs, "show_info", lambda _p, _t, text: seen["info"].append(text))
    return seen


def _window(qtbot, path_or_db, role: str | None):  # type: ignore[no-untyped-def]
    from relocation_desk.gui.app import make_app
    from relocation_desk.gui.main_window import MainWindow
    from relocation_desk.storage.db import Database, open_database
    from tests.operators import operator_with_role

    make_app()
    db = path_or_db if isinstance(path_or_db, Database) else open_database(path_or_db)
    w = MainWindow(db, operator_with_role(db, role) if role else None)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _make_hq(db) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.services.exchange.identity import make_identity
    from relocation_desk.storage import models as m

    with db.session() as s, s.begin():
        make_identity(s, s.scalar(select(m.Project.id)), "hq")


def _menu(w) -> dict:  # type: ignore[no-untyped-def,type-arg]
    menu = w.menus["exchange"]
    menu.aboutToShow.emit()
    return {a.objectName(): a for a in menu.actions() if a.objectName()}


def test_join_package_then_the_laptop_exports(
    qtbot, hq_file: Path, tmp_path: Path, said, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.gui import dialogs
    from relocation_desk.services.exchange.container import read_package
    from relocation_desk.services.exchange.join import join_project

    hq = _window(qtbot, hq_file, "hq")
    actions = _menu(hq)
    assert "数据交换(&E)" in [a.text() for a in hq.menuBar().actions()]
    assert actions["joinPackageAction"].isEnabled()  # HQ's first join package makes it HQ
    assert not actions["conflictsAction"].isEnabled()  # not HQ yet: nothing merged
    offered: list[list[tuple[str, str]]] = []

    def pick(_p, _t, teams):  # type: ignore[no-untyped-def]
        offered.append(teams)
        return "T02"

    join_file = tmp_path / "join-T02.rdpkg"
    monkeypatch.setattr(dialogs, "ask_team", pick)
    monkeypatch.setattr(dialogs, "ask_package_to_save", lambda _p, _t, _s: join_file)
    monkeypatch.setattr(dialogs, "ask_package_password", lambda _p, new: "")
    actions["joinPackageAction"].trigger()
    assert said["error"] == []
    assert [code for code, _label in offered[0]] == ["T01", "T02", "T03"]
    assert "（尚未加入）" in offered[0][1][1]
    assert join_file.exists() and "已生成工作组 T02 的加入包" in said["info"][-1]
    actions = _menu(hq)
    assert actions["conflictsAction"].isEnabled()  # now the HQ database

    laptop_file = tmp_path / "t02.sqlite"
    joined = join_project(join_file, laptop_file)
    assert joined.hq_key_id in said["info"][-1]  # the key id to check by phone
    laptop = _window(qtbot, laptop_file, "leader")
    laptop_actions = _menu(laptop)
    assert not laptop_actions["joinPackageAction"].isEnabled()
    assert not laptop_actions["conflictsAction"].isEnabled()
    assert "工作组的项目文件" in laptop_actions["conflictsAction"].toolTip()
    out = tmp_path / "T02-1.rdpkg"
    monkeypatch.setattr(dialogs, "ask_package_to_save", lambda _p, _t, _s: out)
    laptop_actions["exportPackageAction"].trigger()
    assert said["error"] == []
    assert "已生成报送指挥部的数据包（第 1 号" in said["info"][-1]
    with hq.db.session() as s:
        from relocation_desk.services.exchange.identity import trusted_keys

        manifest = read_package(out, trusted_keys(s)).manifest
    assert manifest.kind == "team_to_hq" and manifest.sender == "T02"

    # HQ merges it from the menu, then writes T02's package, which the laptop imports.
    monkeypatch.setattr(dialogs, "ask_package_to_open", lambda _p: out)
    actions["importPackageAction"].trigger()
    assert said["error"] == []
    assert said["info"][-1].startswith("已导入工作组 T02 的第 1 号数据包：新增 0 户")
    monkeypatch.setattr(dialogs, "ask_package_to_open", lambda _p: out)
    actions["importPackageAction"].trigger()
    assert said["info"][-1] == "这个数据包以前已经导入过，这次没有改动任何数据。"
    back = tmp_path / "HQ-T02-1.rdpkg"
    offered.clear()
    monkeypatch.setattr(dialogs, "ask_package_to_save", lambda _p, _t, _s: back)
    _menu(hq)["exportPackageAction"].trigger()
    assert [code for code, _label in offered[0]] == ["T02"]  # only teams that joined
    assert said["info"][-1].startswith("已为工作组 T02 生成指挥部数据包（第 1 号）")
    monkeypatch.setattr(dialogs, "ask_package_to_open", lambda _p: back)
    laptop_actions["importPackageAction"].trigger()
    assert said["error"] == []
    assert "已导入指挥部第 1 号数据包" in said["info"][-1]
    assert "指挥部已收到本组第 1 号数据包" in said["info"][-1]

    # A file that is no package is refused with the reason, and nothing changes.
    junk = tmp_path / "junk.rdpkg"
    junk.write_bytes(b"not a package at all")
    monkeypatch.setattr(dialogs, "ask_package_to_open", lambda _p: junk)
    actions["importPackageAction"].trigger()
    assert said["error"][-1].endswith("没有改动任何数据。")


def _conflict(db, kind: str, details: dict) -> tuple[uuid.UUID, uuid.UUID]:  # type: ignore[no-untyped-def]
    from relocation_desk.storage import models as m

    with db.session() as s, s.begin():
        h = s.scalars(select(m.Household).order_by(m.Household.code)).first()
        row = m.ExchangeConflict(
            id=uuid.uuid4(), project_id=h.project_id, kind=kind, team_id=h.team_id,
            household_id=h.id, key=f"{kind}:{h.id.hex}", details=details,
        )  # fmt: skip
        s.add(row)
        return row.id, h.id


def test_conflicts_window_compares_and_decides(qtbot, hq_file: Path, said) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.services.exchange.bundle import household_bundle
    from relocation_desk.storage import models as m
    from relocation_desk.storage.db import open_database

    db = open_database(hq_file)
    _make_hq(db)
    with db.session() as s:
        first = s.scalars(select(m.Household).order_by(m.Household.code)).first()
        team = copy.deepcopy(household_bundle(s, first.id))
    team["household"]["head_name"] = "张核实"
    cid, hid = _conflict(db, "both_changed", {"bundle": team})
    w = _window(qtbot, db, "hq")
    _menu(w)["conflictsAction"].trigger()
    win = w.conflicts_window
    qtbot.waitExposed(win)
    assert win.table.rowCount() == 1
    assert win.table.item(0, 0).text() == "双方都改过"
    assert "指挥部和" in win.table.item(0, 5).text()
    rows = {
        win.differences.item(r, 0).text(): (
            win.differences.item(r, 1).text(),
            win.differences.item(r, 2).text(),
        )
        for r in range(win.differences.rowCount())
    }
    assert rows == {"农户 · 户主": (first.head_name, "张核实")}
    assert win.buttons["take_team"].isEnabled() and win.buttons["keep_hq"].isEnabled()
    assert not win.buttons["accepted"].isEnabled()

    # No note: refused, nothing decided.
    qtbot.mouseClick(win.buttons["take_team"], Qt.MouseButton.LeftButton)
    assert "处理理由" in said["error"][-1]
    win.note.setFocus()
    type_text(qtbot, win.note, "入户核实后的户主姓名")
    with qtbot.waitSignal(win.decided) as decided:
        qtbot.mouseClick(win.buttons["take_team"], Qt.MouseButton.LeftButton)
    assert decided.args == [hid]
    with db.session() as s:
        assert s.get(m.Household, hid).head_name == "张核实"
        row = s.get(m.ExchangeConflict, cid)
        assert (row.status, row.decision, row.note) == (
            "decided",
            "take_team",
            "入户核实后的户主姓名",
        )
    assert win.table.rowCount() == 0  # the open ones are listed
    win.status.setCurrentIndex(1)  # 已处理
    assert win.table.rowCount() == 1 and win.table.item(0, 3).text() == "采用工作组的"
    assert "将随下一个发给该工作组的指挥部数据包发回" in win.summary.text()
    assert not any(b.isEnabled() for b in win.buttons.values())
    win.close()


def test_team_staff_cannot_open_conflicts(qtbot, hq_file: Path) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.storage.db import open_database

    db = open_database(hq_file)
    _make_hq(db)
    w = _window(qtbot, db, "member")
    action = _menu(w)["conflictsAction"]
    assert not action.isEnabled() and "只有指挥部人员和管理员" in action.toolTip()


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: no stacking
def test_dashboard_and_daily_report_show_freshness(qtbot, hq_file: Path) -> None:  # type: ignore[no-untyped-def]
    from relocation_desk.gui.daily_report.feature import open_daily_report
    from relocation_desk.gui.dashboard.feature import show_dashboard
    from relocation_desk.services.clock import project_today, utc_now
    from relocation_desk.services.exchange.identity import register_peer
    from relocation_desk.services.exchange.keys import generate_key, public_key_bytes
    from relocation_desk.storage import models as m
    from relocation_desk.storage.db import open_database

    db = open_database(hq_file)
    _make_hq(db)
    with db.session() as s, s.begin():
        teams = s.execute(select(m.Team.id, m.Team.name).order_by(m.Team.code)).all()
        project = s.scalar(select(m.Project.id))
        peer = register_peer(
            s, project, "team", public_key_bytes(generate_key()), team_id=teams[0][0]
        )
        peer.sent_at_peer = peer.received_at = utc_now() - timedelta(days=2)
        for tid, _name in teams[1:]:
            peer = register_peer(s, project, "team", public_key_bytes(generate_key()), team_id=tid)
            peer.sent_at_peer = peer.received_at = utc_now()
    w = _window(qtbot, db, "hq")
    dash = show_dashboard(w)
    qtbot.waitUntil(lambda: dash.data is not None, timeout=30_000)
    assert dash.freshness.isVisible()
    assert dash.freshness.text() == f"数据报送：{teams[0][1]}：2 天未报送"
    stale = [r for r in dash.ranking._rows if r.key == teams[0][0]]
    assert stale and stale[0].note.endswith(" · 2 天未报送")
    dash.close()

    dialog = open_daily_report(w, today=project_today(db))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=30_000)
    assert dialog.freshness.isVisible()
    assert dialog.freshness.text() == f"数据报送：{teams[0][1]}：2 天未报送"
    dialog.close()


def test_a_double_clicked_package_goes_where_it_belongs(
    qtbot, hq_file: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """``relocation-desk FILE.rdpkg``: a join package opens the first-run wizard's join page;
    a routine package (team → HQ, HQ → team) is imported into the project in use."""
    from relocation_desk.gui import app
    from relocation_desk.services.exchange.container import peek_kind
    from relocation_desk.services.exchange.join import join_project, write_join_package
    from relocation_desk.services.exchange.team_export import export_package
    from relocation_desk.storage.db import open_database
    from tests.operators import operator_with_role

    with open_database(hq_file) as hq:
        join_file = tmp_path / "join-T01.rdpkg"
        write_join_package(hq, operator_with_role(hq, "hq"), "T01", join_file)
        secret = tmp_path / "join-T01-secret.rdpkg"
        write_join_package(hq, operator_with_role(hq, "hq"), "T01", secret, password="口令123")
    laptop_file = tmp_path / "t01.sqlite"
    join_project(join_file, laptop_file)
    team_file = tmp_path / "T01-1.rdpkg"
    with open_database(laptop_file) as laptop:
        export_package(laptop, operator_with_role(laptop, "leader"), team_file)
    junk = tmp_path / "junk.rdpkg"
    junk.write_bytes(b"RDPKG\x01" + b"\0" * 200)
    assert [peek_kind(p) for p in (join_file, team_file, secret, junk)] == [
        "join", "team_to_hq", None, None,
    ]  # fmt: skip

    monkeypatch.setattr(app, "remembered_project", lambda: hq_file)
    assert app.route_package(join_file) == (None, join_file, None)
    assert app.route_package(team_file) == (hq_file, None, team_file)
    assert app.route_package(secret) == (hq_file, None, secret)  # the import asks its password
    monkeypatch.setattr(app, "remembered_project", lambda: None)
    assert app.route_package(team_file) == (None, team_file, None)  # no project yet: join page
