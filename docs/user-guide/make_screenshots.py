"""Screenshots for the user guide, taken from the real program on a freshly generated demo.

One command, from the top of a checkout (once ``python3 dev.py run`` or ``test`` has made ``.venv``)::

    .venv/bin/python docs/user-guide/make_screenshots.py

It runs on Qt's offscreen screen unless ``DISPLAY`` is set, so it also works under
``xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python docs/user-guide/make_screenshots.py``
and on a desktop. Every picture is a 1366×768 screen: the register window filling it and the
window or dialog being shown on top, centred, with a title bar carrying its title.

Options: ``--lang en`` (the English interface, into ``images/en``), ``--out DIR`` (default:
``docs/user-guide/images``), ``--only NAME,NAME`` (the names are listed by ``--list``),
``--households N`` (size of the demo, default 400). The helpers that drive the windows are in
``screen_tour.py`` next to this script.

The tour drives the program as a person would: signs in with the sign-in dialog, types into
the filter box, picks households in the register and opens them, uses the menu entries and
the editor's buttons. Questions that would wait for a person (file choosers, 确定 boxes) are
answered through ``relocation_desk.gui.dialogs`` as the tests do. A screen that fails is
skipped with a warning on stderr and the others are still taken; the exit status is 1 then.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

if __name__ == "__main__":  # before Qt is imported
    if not os.environ.get("DISPLAY") and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path[:0] = [str(HERE), str(ROOT / "src"), str(ROOT)]

from exchange_scenes import (  # noqa: E402
    scene_conflicts,
    scene_dashboard,
    scene_exchange_menu,
    scene_first_run,
    scene_settings,
)
from PySide6.QtCore import qInstallMessageHandler  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402
from screen_tour import (  # noqa: E402
    HEIGHT,
    TITLE_BAR,
    WIDTH,
    Tour,
    answered_questions,
    button,
    close_all_but_register,
    menu_action,
    new_windows,
    quiet_qt,
    select_household,
    settle,
    sign_in,
    type_into,
    while_modal,
)

# --- the scenes: one or more pictures each, in the order of the guide ------------------------


def login_of(tour: Tour, role: str) -> str:
    return str(tour.one("select login from operator where role=? order by login", role)[0])


def as_role(tour: Tour, role: str) -> Any:
    """The register window of a person of ``role`` (signed in again when someone else is)."""
    login = login_of(tour, role)
    if tour.operator is None or tour.operator.login != login:
        sign_in(tour, login)
    close_all_but_register(tour)
    tour.window.clear_filters()
    return tour.window


def scene_sign_in(tour: Tour) -> None:
    sign_in(tour, login_of(tour, "member"), picture="sign-in")


def scene_register(tour: Tour) -> None:
    w = as_role(tour, "member")
    w.clear_filters()
    tour.shoot("register")
    w.filters.village.setCurrentIndex(1)
    w.filters.status.setCurrentIndex(w.filters.status.findData("surveyed"))
    settle()
    tour.shoot("register-filter")
    w.clear_filters()
    member = tour.operator.login
    code = tour.household_code("surveyed", member)
    head = tour.one("select head_name from household where code=?", code)[0]
    w.focus_filter()
    type_into(w.filters.text, head)
    settle()
    tour.shoot("register-find")


def _open_household(tour: Tour, code: str) -> QWidget:
    select_household(tour, code)
    (editor,) = new_windows(tour.window.edit_action.trigger)
    return editor


def scene_household(tour: Tour) -> None:
    as_role(tour, "member")
    code = tour.household_code("surveyed", tour.operator.login)
    editor = _open_household(tour, code)
    tour.shoot("household-editor", editor)
    editor.close()


def scene_calculation(tour: Tour) -> None:
    w = as_role(tour, "member")
    code = tour.household_code("surveyed", tour.operator.login)
    select_household(tour, code)
    (panel,) = new_windows(menu_action(w, "核算选中农户(&K)…").trigger)
    tour.shoot("calculation-before", panel)
    button(panel, "计算").click()
    settle()
    tour.shoot("calculation", panel)
    panel.close()


def scene_objections(tour: Tour) -> None:
    w = as_role(tour, "leader")
    (dialog,) = new_windows(menu_action(w, "异议处理(&D)…").trigger)
    tour.shoot("objections", dialog)
    dialog.close()


def scene_check(tour: Tour) -> None:
    w = as_role(tour, "leader")
    code = tour.household_code("calculated", tour.operator.login)
    select_household(tour, code)
    (panel,) = new_windows(menu_action(w, "核算选中农户(&K)…").trigger)
    tour.shoot("check", panel)
    panel.close()


def scene_notice(tour: Tour) -> None:
    w = as_role(tour, "leader")
    (dialog,) = new_windows(menu_action(w, "张榜公示(&P)…").trigger)
    # The village of the leader's own team where most households are checked.
    village = tour.one(
        "select v.name from household h join operator o on o.team_id=h.team_id "
        "join village v on v.id=h.village_id where o.login=? and h.status='checked' "
        "group by v.name order by count(*) desc",
        tour.operator.login,
    )[0]
    dialog.village.setCurrentIndex(dialog.village.findText(village))
    settle()
    tour.shoot("notice-post", dialog)
    while_modal(
        dialog.post_button.click,
        lambda preview: tour.shoot("notice-preview", preview),
        kind="PdfPreviewDialog",
    )
    close_all_but_register(tour)


def scene_agreement(tour: Tour) -> None:
    w = as_role(tour, "leader")
    code = tour.household_code("noticed", tour.operator.login)
    select_household(tour, code)
    (dialog,) = new_windows(menu_action(w, "签约协议(&G)…").trigger)
    tour.shoot("agreement", dialog)
    dialog.close()


def scene_payments(tour: Tour) -> None:
    w = as_role(tour, "leader")
    code = tour.household_code("signed", tour.operator.login)
    select_household(tour, code)
    (dialog,) = new_windows(menu_action(w, "支付与交房(&P)…").trigger)
    tour.shoot("payments", dialog)
    dialog.close()


def scene_daily_report(tour: Tour) -> None:
    w = as_role(tour, "leader")
    (dialog,) = new_windows(menu_action(w, "每日汇报(&R)…").trigger)
    tour.shoot("daily-report", dialog)
    dialog.close()


def scene_schemes(tour: Tour) -> None:
    w = as_role(tour, "hq")
    (editor,) = new_windows(menu_action(w, "补偿方案(&S)…").trigger)
    tour.shoot("schemes", editor)
    editor.close()


def scene_exceptions(tour: Tour) -> None:
    w = as_role(tour, "hq")
    (dialog,) = new_windows(menu_action(w, "例外审批(&E)…").trigger)
    tour.shoot("exceptions", dialog)
    dialog.close()


def scene_decisions(tour: Tour) -> None:
    w = as_role(tour, "hq")
    (dialog,) = new_windows(menu_action(w, "补偿决定(&D)…").trigger)
    tour.shoot("decisions", dialog)
    dialog.close()


def scene_resettlement(tour: Tour) -> None:
    w = as_role(tour, "hq")
    (win,) = new_windows(menu_action(w, "产权调换选房(&X)…").trigger)
    win.resize(WIDTH, HEIGHT - TITLE_BAR)
    tour.shoot("resettlement", win)
    win.close()


def scene_audit(tour: Tour) -> None:
    w = as_role(tour, "admin")
    (viewer,) = new_windows(menu_action(w, "审计日志(&A)…").trigger)
    tour.shoot("audit", viewer)
    viewer.close()


def scene_ledger_import(tour: Tour) -> None:
    from relocation_desk.gui.ledger import wizard as ledger_wizard
    from relocation_desk.reports.ledger_xlsx import write_ledger
    from relocation_desk.services.ledger.export import export_ledger

    w = as_role(tour, "hq")
    book = Path(os.environ["RELOCATION_DESK_HOME"]) / "台账.xlsx"
    book.parent.mkdir(parents=True, exist_ok=True)
    export_ledger(w.db, book, write_ledger, tour.operator)
    saved = ledger_wizard.ask_ledger_file
    ledger_wizard.ask_ledger_file = lambda _p: book  # type: ignore[assignment]

    def pages(wizard: Any) -> None:
        button(wizard, "浏览…").click()
        tour.shoot("ledger-import", wizard)
        wizard.next()
        settle()
        tour.shoot("ledger-import-columns", wizard)

    try:
        while_modal(menu_action(w, "导入Excel台账(&I)…").trigger, pages, kind="LedgerWizard")
    finally:
        ledger_wizard.ask_ledger_file = saved
        book.unlink(missing_ok=True)


SCENES: dict[str, Callable[[Tour], None]] = {
    "first-run": scene_first_run,
    "sign-in": scene_sign_in,
    "register": scene_register,
    "household": scene_household,
    "calculation": scene_calculation,
    "objections": scene_objections,
    "check": scene_check,
    "notice": scene_notice,
    "agreement": scene_agreement,
    "payments": scene_payments,
    "daily-report": scene_daily_report,
    "exchange-menu": scene_exchange_menu,
    "settings": scene_settings,
    "conflicts": scene_conflicts,
    "schemes": scene_schemes,
    "exceptions": scene_exceptions,
    "decisions": scene_decisions,
    "dashboard": scene_dashboard,
    "resettlement": scene_resettlement,
    "audit": scene_audit,
    "ledger-import": scene_ledger_import,
}


def make_demo(target: Path, households: int) -> None:
    from relocation_desk.services.demo.generator import generate_demo

    generate_demo(target, households=households, seed=7, today=date.today())


def run(
    out: Path, only: list[str] | None = None, households: int = 400, lang: str = "zh_CN"
) -> tuple[list[Path], list[str]]:
    """Take the pictures of ``only`` (default: every scene) into ``out`` with the interface in
    ``lang``; returns the PNGs made and the names of the scenes that failed (each reported on
    stderr)."""
    from relocation_desk.i18n import set_language

    set_language(lang)
    from relocation_desk.gui.app import make_app

    unknown = sorted(set(only or ()) - set(SCENES))
    if unknown:
        raise SystemExit(f"unknown screens: {', '.join(unknown)}; choose from: {', '.join(SCENES)}")
    out.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="rd-guide-") as tmp:
        home = Path(tmp)
        # The program's settings, logs and demo go to the scratch folder, never the user's.
        os.environ["RELOCATION_DESK_HOME"] = str(home / "home")
        os.environ["XDG_CONFIG_HOME"] = str(home / "config")
        qInstallMessageHandler(quiet_qt)
        app = make_app()
        app.setStyle("Fusion")
        db_path = home / "演示项目.sqlite"
        print(f"generating a demo project of {households} households …", flush=True)
        make_demo(db_path, households)
        tour = Tour(db_path=db_path, out=out, households=households)
        with answered_questions(tour) as tour.said:
            for name in only or list(SCENES):
                print(f"{name}:", flush=True)
                try:
                    SCENES[name](tour)
                except Exception:
                    failed.append(name)
                    print(f"WARNING: screen {name!r} skipped:", file=sys.stderr)
                    traceback.print_exc()
                    if tour.said:
                        title, text = tour.said[-1]
                        print(f"the program's last message: {title}: {text}", file=sys.stderr)
                    close_all_but_register(tour)
        if tour.window is not None:
            close_all_but_register(tour)
            tour.window.close()
            settle()
    return tour.made, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="default: images/ (zh_CN) or images/en/")
    parser.add_argument("--lang", choices=("zh_CN", "en"), default="zh_CN")
    parser.add_argument("--only", default="", help="comma-separated screen names")
    parser.add_argument("--households", type=int, default=400)
    parser.add_argument("--list", action="store_true", help="print the screen names and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(SCENES))
        return 0
    only = [n.strip() for n in args.only.split(",") if n.strip()] or None
    out = args.out or (HERE / "images" if args.lang == "zh_CN" else HERE / "images" / "en")
    made, failed = run(out.resolve(), only, args.households, args.lang)
    print(f"{len(made)} pictures in {out}")
    if failed:
        print(f"skipped (see the warnings above): {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
