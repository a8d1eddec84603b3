"""``relocation-desk backup``: a consistent copy of a laptop's SQLite database."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..i18n import _


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "backup",
        help=_("备份数据库"),
        description=_("在程序运行时也能安全地备份数据库文件（SQLite 在线备份）。"),
    )
    p.add_argument("--db", required=True, type=Path, help=_("数据库文件"))
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help=_("备份文件或文件夹（如U盘；默认放在数据库旁的 backups 文件夹）"),
    )
    p.add_argument(
        "--force",
        action="store_true",
        help=_("--out 指向的文件不是本项目的备份时也覆盖它"),
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..storage.backup import backup_database
    from ..storage.db import open_database

    db = open_database(args.db, migrate=False)
    try:
        dest = backup_database(db, args.out, force=args.force)
    finally:
        db.close()
    print(_("已备份到：{path}", path=dest))
    return 0
