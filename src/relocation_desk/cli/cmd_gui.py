"""``relocation-desk gui`` (also the bare command): open the desk window."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..i18n import _
from ..paths import DEMO_HOUSEHOLDS
from .common import CliError

JOIN_PACKAGE_SUFFIX = ".rdpkg"  # HQ's join package: opens the first-run wizard's join page


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "gui",
        help=_("打开图形界面（默认）"),
        description=_(
            "打开征收补偿工作台窗口。不指定数据库时打开上次使用的项目；第一次使用时显示开始向导"
            "（新建空项目、打开已有项目、用加入包加入项目或生成演示项目）。"
            "打不开的文件不会让程序退出：窗口会说明原因，并让您选择其他项目或新建项目。"
        ),
    )
    p.add_argument(
        "file",
        nargs="?",
        type=Path,
        default=None,
        metavar=_("文件"),
        help=_("要打开的项目文件（.sqlite），或指挥部下发的加入包（.rdpkg）"),
    )
    p.add_argument(
        "--db",
        default=None,
        help=_("要打开的数据库文件，或指挥部服务器上的数据库 postgresql://用户@服务器/数据库"),
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help=_("打开演示项目（不存在时先生成 {n} 户）", n=DEMO_HOUSEHOLDS),
    )
    # For start-up checks and benchmarks: show the window, load the first rows, then exit.
    p.add_argument("--smoke", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..gui.app import run_gui

    if args.file is not None and args.db is not None:
        raise CliError(_("请只指定一个要打开的文件：--db 与文件名不能同时使用。"))
    if args.db is not None and "://" in args.db:  # HQ's database on its PostgreSQL server
        from .arguments import database_target

        return run_gui(db_path=database_target(args.db), smoke=args.smoke)
    target = args.file if args.file is not None else args.db
    target = Path(target) if target is not None else None
    if target is not None and target.suffix.lower() == JOIN_PACKAGE_SUFFIX:
        return run_gui(package=target, smoke=args.smoke)
    return run_gui(db_path=target, demo=args.demo, smoke=args.smoke)
