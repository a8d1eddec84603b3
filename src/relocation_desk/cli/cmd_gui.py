"""``relocation-desk gui`` (also the bare command): open the desk window."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..i18n import _
from ..paths import DEMO_HOUSEHOLDS


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "gui",
        help=_("打开图形界面（默认）"),
        description=_(
            "打开征收补偿工作台窗口。不指定数据库时打开上次使用的数据库；"
            "第一次使用时打开演示项目（不存在时自动生成）。"
        ),
    )
    p.add_argument("--db", type=Path, default=None, help=_("要打开的数据库文件"))
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

    return run_gui(db_path=args.db, demo=args.demo, smoke=args.smoke)
