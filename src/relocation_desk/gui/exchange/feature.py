"""数据交换 → 导出数据包…, 导入数据包…, 生成加入包… (HQ), 冲突处理… (HQ).

What each entry does depends on this database's role (``services.exchange.routine``): a
team laptop exports its package for HQ and imports HQ's; HQ exports one team's package,
merges the teams' packages, writes join packages and decides conflicts. The work runs off the
GUI thread; a refused package leaves everything as it was and the message says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from ...i18n import _
from ...services.access import Action, may
from ...services.clock import project_today
from ...services.errors import UserError
from ...services.exchange import routine
from ...services.exchange.container import is_encrypted
from .. import dialogs
from ..background import run_busy

if TYPE_CHECKING:
    from ..hosts import FeatureWindow
    from .conflicts_window import ConflictsWindow


def install(window: FeatureWindow) -> None:
    menu = window.menus["exchange"]
    export = QAction(_("导出数据包(&E)…"), window)
    export.setObjectName("exportPackageAction")
    export.triggered.connect(lambda: export_package(window))
    import_ = QAction(_("导入数据包(&I)…"), window)
    import_.setObjectName("importPackageAction")
    import_.triggered.connect(lambda: import_package(window))
    join = QAction(_("生成加入包(&J)…"), window)
    join.setObjectName("joinPackageAction")
    join.triggered.connect(lambda: write_join_package(window))
    conflicts = QAction(_("冲突处理(&C)…"), window)
    conflicts.setObjectName("conflictsAction")
    conflicts.triggered.connect(lambda: open_conflicts(window))
    menu.addAction(export)
    menu.addAction(import_)
    menu.addSeparator()
    menu.addAction(join)
    menu.addAction(conflicts)
    window.exchange_actions = {  # type: ignore[attr-defined]
        "export": export, "import": import_, "join": join, "conflicts": conflicts,
    }  # fmt: skip
    menu.aboutToShow.connect(lambda: update_actions(window))
    window.database_changed.connect(lambda _db: update_actions(window))


def update_actions(window: FeatureWindow) -> None:
    """HQ's entries only where they apply: on a team laptop they are greyed out."""
    actions = window.exchange_actions  # type: ignore[attr-defined]
    db = window.db
    role = routine.role_of(db) if db is not None else None
    op = window.operator
    for key in ("export", "import"):
        actions[key].setEnabled(db is not None)
    for key, action in (("join", Action.WRITE_JOIN_PACKAGE), ("conflicts", Action.DECIDE_CONFLICT)):
        allowed = may(op, action)
        at_hq = role == "hq" or (key == "join" and role is None)  # HQ's first join package
        actions[key].setEnabled(db is not None and at_hq and allowed)
        actions[key].setToolTip(
            _("这是工作组的项目文件：加入包和冲突处理在指挥部的项目库中办理")
            if role == "team"
            else _("只有指挥部人员和管理员可以办理")
            if not allowed
            else ""
        )


def _today() -> str:
    return project_today().isoformat()


def _pick_team(window: FeatureWindow, title: str, *, joined: bool) -> str | None:
    assert window.db is not None
    choices = [t for t in routine.teams(window.db) if t.joined or not joined]
    if not choices:
        dialogs.show_error(
            window, title,
            _("还没有工作组加入项目：请先用“生成加入包…”为工作组生成加入包") if joined
            else _("项目里还没有工作组：请先建立工作组"),
        )  # fmt: skip
        return None
    labels = [
        (t.code, f"{t.code} {t.name}" + ("" if t.joined or joined else _("（尚未加入）")))
        for t in choices
    ]
    return dialogs.ask_team(window, title, labels)


def _new_password(window: FeatureWindow) -> tuple[bool, str | None]:
    """(go on?, password or None for none)."""
    password = dialogs.ask_package_password(window, new=True)
    if password is None:
        return False, None
    return True, password or None


def export_package(window: FeatureWindow) -> routine.Outcome | None:
    db = window.db
    if db is None:
        return None
    title = _("导出数据包")
    try:
        role = routine.role_of(db)
        team: str | None = None
        if role == "hq":
            team = _pick_team(window, _("为哪个工作组导出数据包"), joined=True)
            if team is None:
                return None
            suggested = f"HQ-{team}-{_today()}.rdpkg"
        else:
            suggested = _("报送指挥部-{day}.rdpkg", day=_today())
        out = dialogs.ask_package_to_save(window, title, suggested)
        if out is None:
            return None
        go, password = _new_password(window)
        if not go:
            return None
        outcome = run_busy(
            window,
            _("正在生成数据包…"),
            lambda: routine.export_package(db, window.operator, out, team_code=team,
                                           password=password),
        )  # fmt: skip
    except UserError as exc:
        dialogs.show_error(window, _("数据包未生成"), exc.message)
        return None
    dialogs.show_info(window, _("数据包已生成"), outcome.text)
    return outcome


def import_package(window: FeatureWindow, path: Path | None = None) -> routine.Outcome | None:
    db = window.db
    if db is None:
        return None
    path = path or dialogs.ask_package_to_open(window)
    if path is None:
        return None
    try:
        password: str | None = None
        if is_encrypted(path):
            password = dialogs.ask_package_password(window, new=False)
            if password is None:
                return None
        outcome = run_busy(
            window,
            _("正在导入数据包…"),
            lambda: routine.import_package(db, window.operator, path, password=password),
        )
    except UserError as exc:
        dialogs.show_error(window, _("数据包未导入"), exc.message + "\n" + _("没有改动任何数据。"))
        return None
    except OSError as exc:
        dialogs.show_error(window, _("数据包未导入"),
                           _("读不了这个文件：{error}", error=exc.strerror or exc))  # fmt: skip
        return None
    window.set_database(db)  # re-read the register with what the package brought
    dialogs.show_info(window, _("导入完成"), outcome.text)
    return outcome


def write_join_package(window: FeatureWindow) -> routine.Outcome | None:
    db = window.db
    if db is None:
        return None
    try:
        team = _pick_team(window, _("为哪个工作组生成加入包"), joined=False)
        if team is None:
            return None
        out = dialogs.ask_package_to_save(
            window, _("生成加入包"), _("加入包-{team}.rdpkg", team=team)
        )
        if out is None:
            return None
        go, password = _new_password(window)
        if not go:
            return None
        outcome = run_busy(
            window,
            _("正在生成加入包…"),
            lambda: routine.join_package(db, window.operator, team, out, password=password),
        )
    except UserError as exc:
        dialogs.show_error(window, _("加入包未生成"), exc.message)
        return None
    dialogs.show_info(window, _("加入包已生成"), outcome.text)
    return outcome


def open_conflicts(window: FeatureWindow) -> ConflictsWindow | None:
    from .conflicts_window import ConflictsWindow

    db = window.db
    if db is None:
        return None
    existing = getattr(window, "conflicts_window", None)
    if existing is not None:
        try:
            if existing.isVisible() and existing.db is db:
                existing.raise_()
                existing.activateWindow()
                existing.reload()
                return existing  # type: ignore[no-any-return]
        except RuntimeError:  # closed and deleted
            pass
    try:
        conflicts = ConflictsWindow(db, window.operator, window)  # type: ignore[arg-type]
    except UserError as exc:
        dialogs.show_error(window, _("冲突处理"), exc.message)
        return None
    # Taking a team's records changes the household: the register shows it again.
    conflicts.decided.connect(lambda hid: window.refresh_households([hid]) if hid else None)
    window.conflicts_window = conflicts  # type: ignore[attr-defined]
    conflicts.show()
    return conflicts
