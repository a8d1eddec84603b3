"""The guide's screens of the first start, the project settings and the daily exchange between
the teams' laptops and HQ, for ``make_screenshots.py``.

The exchange screens need a project as it stands after some days of work: HQ's database and
one laptop per team, made by the demo's split (``split_demo``, what ``relocation-desk demo
--laptops`` runs), every laptop's package written (``team_export.export_package``) and merged at
HQ (``hq_import.import_package``). One team's package was written two days ago (the services
read the clock through ``services.clock.system_now``, which is set back while it is written),
so the dashboard names that team; one household was changed both on its team's laptop and at
HQ, so the next package of that team brings a real conflict.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint
from screen_tour import (
    HEIGHT,
    TITLE_BAR,
    WIDTH,
    Tour,
    close_all_but_register,
    menu_action,
    new_windows,
    settle,
    sign_in,
    wait_until,
)
from sqlalchemy import select


@contextmanager
def clock_set_back(days: int) -> Iterator[None]:
    """The program's clock ``days`` earlier (a package written on an earlier day)."""
    from relocation_desk.services import clock

    saved = clock.system_now
    clock.system_now = lambda: saved() - timedelta(days=days)  # type: ignore[assignment]
    try:
        yield
    finally:
        clock.system_now = saved  # type: ignore[assignment]


def _operator(db: Any, role: str, team_id: Any = None) -> Any:
    from relocation_desk.services.households.service import OperatorRef
    from relocation_desk.storage import models as m

    with db.session() as s:
        query = select(m.Operator).where(m.Operator.role == role, m.Operator.active.is_(True))
        if team_id is not None:
            query = query.where(m.Operator.team_id == team_id)
        op = s.scalars(query.order_by(m.Operator.login)).first()
        assert op is not None, f"no {role}"
        return OperatorRef(op.id, op.login, op.name, op.role, op.team_id)


def _own_team(db: Any) -> Any:
    from relocation_desk.storage import models as m

    with db.session() as s:
        me = s.get(m.ExchangeIdentity, 1)
        assert me is not None and me.team_id is not None
        return me.team_id


def _change_address(db: Any, operator: Any, household_id: Any, address: str) -> None:
    from relocation_desk.services.households.service import HouseholdService

    service = HouseholdService(db, operator)
    form = service.load(household_id)
    form.address = address
    service.save(form, confirmed=True)


def build_hq(folder: Path, households: int) -> tuple[Path, dict[str, Path]]:
    """HQ's database after the teams' packages were merged (see the module docstring);
    returns HQ's file and the laptops' files by team code."""
    from relocation_desk.services.exchange.demo_split import split_demo
    from relocation_desk.services.exchange.hq_import import import_package
    from relocation_desk.services.exchange.team_export import export_package
    from relocation_desk.storage import models as m
    from relocation_desk.storage.db import open_database

    summary = split_demo(
        folder / "指挥部.sqlite", folder / "laptops", households=households, seed=7,
        today=date.today(),
    )  # fmt: skip
    codes = sorted(summary.laptops)
    late = codes[-1]  # its newest package is two days old
    hq = open_database(summary.hq)
    try:
        staff = _operator(hq, "hq")
        for code in codes:
            laptop = open_database(summary.laptops[code])
            try:
                leader = _operator(laptop, "leader", _own_team(laptop))
                out = folder / f"{code}-1.rdpkg"
                if code == late:
                    with clock_set_back(2):
                        export_package(laptop, leader, out)
                else:
                    export_package(laptop, leader, out)
            finally:
                laptop.close()
            import_package(hq, staff, out)
        # The same household changed on the first team's laptop and at HQ: a conflict.
        first = codes[0]
        laptop = open_database(summary.laptops[first])
        try:
            team_id = _own_team(laptop)
            with laptop.session() as s:
                hid = s.scalars(
                    select(m.Household.id)
                    .where(m.Household.team_id == team_id)
                    .order_by(m.Household.code)
                ).first()
            leader = _operator(laptop, "leader", team_id)
            member = _operator(laptop, "member", team_id)
            _change_address(laptop, member, hid, "前进屯村三组 18 号（新门牌）")
            _change_address(hq, staff, hid, "前进屯村三组 18 号")
            out = folder / f"{first}-2.rdpkg"
            export_package(laptop, leader, out)
        finally:
            laptop.close()
        import_package(hq, staff, out)
    finally:
        hq.close()
    return summary.hq, summary.laptops


@contextmanager
def on_database(tour: Tour, path: Path, login: str) -> Iterator[Any]:
    """The register window of ``path`` signed in as ``login``; the tour's own demo after."""
    saved = tour.db_path
    tour.db_path = path
    try:
        yield sign_in(tour, login)
    finally:
        close_all_but_register(tour)
        tour.db_path = saved
        tour.operator = None  # the next scene signs in on the demo again


def _login(path: Path, role: str, team_id: Any = None) -> str:
    from relocation_desk.storage.db import open_database

    db = open_database(path)
    try:
        return str(_operator(db, role, team_id).login)
    finally:
        db.close()


def _hq_state(tour: Tour) -> tuple[Path, dict[str, Path]]:
    state = getattr(tour, "hq_state", None)
    if state is None:
        folder = tour.db_path.parent / "exchange"
        folder.mkdir(exist_ok=True)
        print("  building HQ's database from the teams' packages …", flush=True)
        state = build_hq(folder, tour.households)
        tour.hq_state = state  # type: ignore[attr-defined]
    return state


# --- the scenes ---------------------------------------------------------------------------


def scene_first_run(tour: Tour) -> None:
    """The wizard's first page and the new project's page, over an empty screen."""
    from relocation_desk.gui.first_run.wizard import FirstRunWizard

    window, tour.window = tour.window, None  # the program has no project open yet
    if window is not None:
        window.hide()
    wizard = FirstRunWizard()
    try:
        wizard.resize(720, 520)
        wizard.show()
        settle()
        tour.shoot("first-run", wizard)
        wizard.next()
        settle()
        tour.shoot("first-run-new", wizard)
    finally:
        wizard.close()
        wizard.deleteLater()
        tour.window = window
        if window is not None:
            window.show()
        settle()


def scene_settings(tour: Tour) -> None:
    hq_file, _laptops = _hq_state(tour)
    with on_database(tour, hq_file, _login(hq_file, "hq")) as w:
        (dialog,) = new_windows(menu_action(w, "项目设置(&P)…").trigger)
        tour.shoot("settings", dialog)
        dialog.reject()


def scene_exchange_menu(tour: Tour) -> None:
    """The 数据交换 menu opened on a team leader's laptop."""
    from relocation_desk.storage.db import open_database

    _hq_file, laptops = _hq_state(tour)
    path = laptops[sorted(laptops)[0]]
    db = open_database(path)
    try:
        team = _own_team(db)
    finally:
        db.close()
    with on_database(tour, path, _login(path, "leader", team)) as w:
        menu = w.menus["exchange"]
        bar = w.menuBar()
        action = menu.menuAction()
        at = bar.mapTo(w, bar.actionGeometry(action).bottomLeft())
        menu.popup(w.mapToGlobal(at))
        settle()
        tour.shoot("exchange-menu", popups=[(menu, QPoint(at.x(), at.y() + TITLE_BAR))])
        menu.hide()


def scene_conflicts(tour: Tour) -> None:
    hq_file, _laptops = _hq_state(tour)
    with on_database(tour, hq_file, _login(hq_file, "hq")) as w:
        (win,) = new_windows(menu_action(w, "冲突处理(&C)…").trigger)
        win.resize(min(WIDTH, 1200), HEIGHT - TITLE_BAR - 40)
        if not win.table.rowCount():
            raise RuntimeError("the merge at HQ left no conflict to show")
        win.table.selectRow(0)
        settle()
        tour.shoot("conflicts", win)
        win.close()


def scene_dashboard(tour: Tour) -> None:
    from relocation_desk.i18n import _

    hq_file, _laptops = _hq_state(tour)
    with on_database(tour, hq_file, _login(hq_file, "hq")) as w:
        (dashboard,) = new_windows(menu_action(w, "进度看板(&D)…").trigger)
        dashboard.resize(WIDTH, HEIGHT - TITLE_BAR)
        wait_until(lambda: dashboard.data is not None and dashboard.status.text() != _("正在更新…"))
        tour.shoot("dashboard", dashboard)
        dashboard.close()
