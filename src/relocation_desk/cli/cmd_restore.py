"""``relocation-desk restore``: replace a laptop's SQLite database with a checked backup."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..i18n import _
from ..services.clock import shown


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "restore",
        help=_("从备份恢复数据库"),
        description=_(
            "先检查备份（完整、属于本项目、不是更新版本的程序所建），并确认没有其他程序正在使用"
            "数据库；再把当前数据库另存一份，然后用备份替换它。"
        ),
    )
    p.add_argument("backup", type=Path, help=_("备份文件"))
    p.add_argument("--db", required=True, type=Path, help=_("要被替换的数据库文件"))
    p.add_argument(
        "--force",
        action="store_true",
        help=_("备份属于另一个项目时也恢复（当前数据库会先另存一份）"),
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..services.backups import verify_audit_chain
    from ..storage.restore import is_other_project, read_backup, restore_backup

    facts = read_backup(args.backup)
    if args.force and is_other_project(facts, args.db):
        print(
            _(
                "警告：备份属于另一个项目（{names}），将替换 {db} 中的项目；"
                "当前数据库会先另存一份。",
                names="、".join(facts.project_names) or "?",
                db=args.db,
            ),
            file=sys.stderr,
        )
    report = restore_backup(args.backup, args.db, force=args.force, verify=verify_audit_chain)
    print(
        _(
            "已从备份恢复：{db}\n备份时间：{at}\n项目：{names}，农户 {households} 户，"
            "数据库版本 {revision}",
            db=report.target,
            at=shown(report.backup.made_at, fmt="%Y-%m-%d %H:%M:%S"),
            names="、".join(report.backup.project_names) or "—",
            households=report.backup.households,
            revision=", ".join(report.backup.revisions),
        )
    )
    if report.safety_copy is not None:
        print(_("恢复前的数据库已另存为：{path}", path=report.safety_copy))
    return 0
